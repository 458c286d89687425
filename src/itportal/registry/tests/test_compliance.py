"""The compliance pages, the `compliance` command, the weekly digest and the trend snapshots."""

import datetime
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itportal.core.testing import OrgUnitFactory, PersonFactory
from itportal.organisation.models import OrgUnit
from itportal.registry import compliance
from itportal.registry.choices import Lifecycle, OperatingForm
from itportal.registry.models import ComplianceSnapshot, InformationAsset, System
from itportal.registry.services import record_create
from itportal.registry.tasks import send_compliance_digest, write_compliance_snapshot
from itportal.registry.tests.test_rules import ACTOR, TODAY, add_role, make_system


@pytest.fixture
def register(org):
    """Stadsledningsförvaltningen: one system without a manager (its owner people[0] acts), one
    vendor-managed without owner or operations roles (the IT office's manager people[2] acts on
    both findings); Utbildningsförvaltningen: one compliant system. people[1] (manager of all)
    and people[3] have nothing to fix."""
    OrgUnit.objects.filter(pk=org["it_office"].pk).update(manager=org["people"][2])
    no_manager = make_system(org, "Procapita", manager=False)
    no_owner = make_system(
        org, "Lifecare", owner=False, operating_form=OperatingForm.VENDOR_MANAGED
    )
    compliant = make_system(org, "Skolplattformen", unit=org["school"])
    return {"no_manager": no_manager, "no_owner": no_owner, "compliant": compliant}


def test_it_outputs_the_findings_as_valid_json(register, org):
    out = StringIO()

    call_command("compliance", "--format", "json", stdout=out)

    data = json.loads(out.getvalue())
    assert {(d["rule"], d["system"]) for d in data} == {
        ("owner_and_manager", "Procapita"),
        ("owner_and_manager", "Lifecare"),
        ("vendor_operations", "Lifecare"),
    }
    row = next(d for d in data if d["system"] == "Procapita")
    owner = org["people"][0]
    assert row["severity"] == "high"
    assert row["system_id"] == register["no_manager"].pk
    assert row["administration"] == "Stadsledningsförvaltningen"
    assert row["must_act"] == [{"person_id": owner.pk, "name": str(owner), "email": owner.email}]
    assert isinstance(row["message"], str) and row["message"]


def test_it_limits_the_command_to_one_administration(register, org):
    out = StringIO()

    call_command(
        "compliance", "--format", "json", "--administration", str(org["school"].pk), stdout=out
    )

    assert json.loads(out.getvalue()) == []


def test_it_prints_one_line_per_finding_as_text(register):
    out = StringIO()

    call_command("compliance", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    assert any("Procapita" in line and "Must act" in line for line in lines)
    assert lines[-1] == "3 findings."


def test_it_refuses_an_unknown_administration(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("compliance", "--administration", "999999")


# --- The digest ------------------------------------------------------------------------------


def test_it_mails_each_person_with_findings_once_listing_their_systems(register, org):
    owner, unit_manager = org["people"][0], org["people"][2]
    mail.outbox = []

    result = send_compliance_digest.enqueue(base_url="https://it.kommun.test")

    assert result.return_value == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {
        f"{owner} <{owner.email}>",
        f"{unit_manager} <{unit_manager.email}>",
    }
    to_owner = by_recipient[f"{owner} <{owner.email}>"]
    assert "1 governance finding to fix" in to_owner.subject
    assert "Procapita" in to_owner.body and "Lifecare" not in to_owner.body
    assert "https://it.kommun.test" + register["no_manager"].get_absolute_url() in to_owner.body
    html, mimetype = to_owner.alternatives[0]
    assert mimetype == "text/html" and "Procapita" in html
    to_manager = by_recipient[f"{unit_manager} <{unit_manager.email}>"]
    assert "2 governance findings to fix" in to_manager.subject
    assert "Lifecare" in to_manager.body and "Procapita" not in to_manager.body


def test_it_mails_nobody_without_findings(org):
    make_system(org, "Skolplattformen", unit=org["school"])
    mail.outbox = []

    call_command("send_compliance_digest", stdout=StringIO())

    assert mail.outbox == []


def test_it_lists_the_recipients_without_sending_on_a_dry_run(register, org):
    out = StringIO()
    mail.outbox = []

    call_command("send_compliance_digest", "--dry-run", stdout=out)

    assert mail.outbox == []
    text = out.getvalue()
    assert org["people"][0].email in text and org["people"][2].email in text
    assert org["people"][1].email not in text and org["people"][3].email not in text
    assert "2 recipients." in text


def test_it_sends_the_digest_through_the_command(register):
    mail.outbox = []

    call_command("send_compliance_digest", stdout=StringIO())

    assert len(mail.outbox) == 2


def test_it_leaves_out_people_who_left_from_the_digest(register, org):
    from itportal.organisation.models import Person

    Person.objects.filter(pk=org["people"][2].pk).update(active=False)
    mail.outbox = []

    send_compliance_digest.enqueue()

    assert [m.to[0] for m in mail.outbox] == [f"{org['people'][0]} <{org['people'][0].email}>"]


# --- Snapshots and the trend -----------------------------------------------------------------


def test_it_writes_todays_counts_in_a_snapshot(register, org):
    result = write_compliance_snapshot.enqueue()

    group = dict(
        ComplianceSnapshot.objects.filter(date=TODAY, administration__isnull=True).values_list(
            "rule", "count"
        )
    )
    assert group["owner_and_manager"] == 2
    assert group["vendor_operations"] == 1
    assert group["personal_data"] == 0
    per_admin = list(
        ComplianceSnapshot.objects.filter(administration__isnull=False).values_list(
            "rule", "administration", "count"
        )
    )
    assert sorted(per_admin) == [
        ("owner_and_manager", org["administration"].pk, 2),
        ("vendor_operations", org["administration"].pk, 1),
    ]
    assert result.return_value == len(group) + 2


def test_it_replaces_the_days_snapshot_when_run_again(register):
    call_command("compliance_snapshot", stdout=StringIO())
    add_role(register["no_manager"], "manager", register["no_manager"].roles.first().person)

    call_command("compliance_snapshot", stdout=StringIO())

    row = ComplianceSnapshot.objects.get(
        date=TODAY, administration__isnull=True, rule="owner_and_manager"
    )
    assert row.count == 1


def plant_history(org, days=3):
    for offset in range(days, 0, -1):
        day = TODAY - datetime.timedelta(days=offset)
        ComplianceSnapshot.objects.create(date=day, rule="owner_and_manager", count=offset + 4)
        ComplianceSnapshot.objects.create(date=day, rule="review_overdue", count=1)
        ComplianceSnapshot.objects.create(
            date=day, rule="owner_and_manager", administration=org["administration"], count=offset
        )


def test_it_builds_the_trend_from_the_snapshots(register, org):
    plant_history(org)
    compliance.write_snapshot()

    group = compliance.trend()
    admin = compliance.trend(org["administration"])
    school = compliance.trend(org["school"])

    assert [p.total for p in group] == [8, 7, 6, 3]
    assert [p.high for p in group] == [7, 6, 5, 2]
    assert [p.total for p in admin] == [3, 2, 1, 3]
    assert [p.total for p in school] == [0, 0, 0, 0]
    assert group[-1].date == TODAY


def test_it_shows_the_trend_on_the_page_as_a_chart_and_a_table(register, org, client_for):
    plant_history(org)
    call_command("compliance_snapshot", stdout=StringIO())

    response = client_for("employee").get(reverse("registry:compliance"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "<polyline" in html and 'role="img"' in html
    assert "Findings per day and severity" in html
    assert "the findings went from 8 to 3" in html


# --- The pages -------------------------------------------------------------------------------


def test_it_shows_counts_per_rule_and_administration(register, org, client_for):
    response = client_for("employee").get(reverse("registry:compliance"))

    assert response.status_code == 200
    report = response.context["report"]
    assert report.total == 3
    counts = {row.rule.code: row.count for row in report.rules}
    assert counts["owner_and_manager"] == 2 and counts["vendor_operations"] == 1
    rows = {row.unit.pk: row for row in report.administrations}
    assert rows[org["administration"].pk].total == 3
    assert rows[org["school"].pk].total == 0
    html = response.content.decode()
    assert reverse("registry:compliance_unit", args=[org["administration"].pk]) in html
    assert "No snapshots yet" in html


def test_it_drills_down_to_an_administration_with_systems_and_who_must_act(
    register, org, client_for
):
    url = reverse("registry:compliance_unit", args=[org["administration"].pk])

    response = client_for("controller").get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert register["no_manager"].get_absolute_url() in html
    assert register["no_owner"].get_absolute_url() in html
    assert org["people"][0].get_absolute_url() in html  # the owner must act
    assert org["people"][2].get_absolute_url() in html  # the unit manager must act
    assert "Skolplattformen" not in html


def test_it_filters_an_administrations_findings_by_rule(register, org, client_for):
    url = reverse("registry:compliance_unit", args=[org["administration"].pk])

    response = client_for("employee").get(url, {"rule": "vendor_operations"})

    assert [f.system for f in response.context["page"].object_list] == [register["no_owner"]]


def test_it_shows_a_compliant_administration_without_findings(register, org, client_for):
    url = reverse("registry:compliance_unit", args=[org["school"].pk])

    response = client_for("employee").get(url)

    assert response.status_code == 200
    assert "every rule is met" in response.content.decode()


def test_it_lists_the_findings_a_user_must_act_on(register, org, users, client_for):
    from itportal.organisation.models import Person

    Person.objects.filter(pk=org["people"][0].pk).update(user=users["employee"])
    url = reverse("registry:compliance_findings")

    mine = client_for("employee").get(url, {"mine": "1"})
    everything = client_for("employee").get(url)
    nothing = client_for("controller").get(url, {"mine": "1"})

    assert [f.system for f in mine.context["page"].object_list] == [register["no_manager"]]
    assert len(everything.context["page"].object_list) == 3
    assert list(nothing.context["page"].object_list) == []


def test_it_sends_anonymous_visitors_to_the_login(register, org, client_for):
    for url in (
        reverse("registry:compliance"),
        reverse("registry:compliance_findings"),
        reverse("registry:compliance_unit", args=[org["administration"].pk]),
    ):
        response = client_for("anonymous").get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def queries(client, url):
    client.get(url)  # warm caches (content types, session) so only the page's own queries count
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(org, start, n):
    """n more systems with gaps, spread over new units (each with a manager)."""
    for i in range(start, start + n):
        unit = OrgUnitFactory(parent=org["administration"], name=f"Avdelning {i}")
        person = PersonFactory(unit=unit)
        OrgUnit.objects.filter(pk=unit.pk).update(manager=person)
        system = make_system(
            org,
            f"System {i}",
            unit=unit,
            owner=i % 2 == 0,
            last_reviewed=None,
            operating_form=OperatingForm.VENDOR_MANAGED,
        )
        record_create(
            InformationAsset(system=system, name="Personer", personal_data=True), actor=ACTOR
        )
        if i % 3 == 0:
            System.objects.filter(pk=system.pk).update(
                lifecycle=Lifecycle.RETIRED, retired_on=TODAY
            )


@pytest.mark.parametrize("page", ["compliance", "compliance_unit", "compliance_findings"])
def test_it_renders_the_compliance_pages_in_a_constant_number_of_queries(
    page, register, org, client_for
):
    plant_history(org)
    client = client_for("employee")
    args = [org["administration"].pk] if page == "compliance_unit" else []
    url = reverse(f"registry:{page}", args=args)

    grow(org, 0, 3)
    few = queries(client, url)
    grow(org, 3, 15)
    many = queries(client, url)

    assert many == few
