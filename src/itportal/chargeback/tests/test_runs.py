"""Run pages and API: list, compute, detail with totals per unit, lines, state changes,
adjustments; who sees what (a coordinator only their units' lines and totals)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from itportal.catalogue.models import Subscription
from itportal.chargeback import services
from itportal.chargeback.grouping import InvoiceGroups
from itportal.chargeback.models import Adjustment, ChargebackLine, ChargebackRun, RunState
from itportal.chargeback.tests import access_runs
from itportal.chargeback.tests.runs_testing import (
    COMPANY_AMOUNT,
    COMPANY_VAT,
    MUNICIPALITY_TOTAL,
    build_billing,
)
from itportal.core.testing import OrganisationFactory, OrgUnitFactory
from itportal.core.tests.test_permission_coverage import mismatches

D = datetime.date


@pytest.fixture
def billing(org):
    return build_billing(org)


@pytest.fixture
def run(org, billing, users):
    return services.compute_run(org["organisation"], "2026-11", actor=users["controller"])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def table_of(html):
    """The rendered table of a list page (the filter form lists every choice)."""
    return html[html.index("<table") : html.index("</table>")]


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- Invoice groups --------------------------------------------------------------------------
def test_it_groups_units_under_their_nearest_administration_or_company(org, billing):
    office = OrgUnitFactory(parent=org["it_office"], name="Servicedesken", kind="unit")
    groups = InvoiceGroups(org["organisation"])

    assert groups.group_of(office.pk).name == "Stadsledningsförvaltningen"
    assert groups.group_of(org["it_office"].pk).name == "Stadsledningsförvaltningen"
    assert groups.group_of(org["school"].pk).name == "Utbildningsförvaltningen"
    # no administration above: the top unit
    assert groups.group_of(org["board"].pk).name == "Kommunstyrelsen"
    company = InvoiceGroups(billing["company"])
    assert company.group_of(billing["grid"].pk).name == "Norrsjö Energi AB"


def test_it_reads_the_units_of_an_organisation_once_for_all_groups(org, billing):
    with CaptureQueriesContext(connection) as ctx:
        groups = InvoiceGroups(org["organisation"])
        names = {groups.group_of(unit_id).name for unit_id in groups.units}

    assert len(ctx.captured_queries) == 1
    assert names == {"Kommunstyrelsen", "Stadsledningsförvaltningen", "Utbildningsförvaltningen"}


# --- List ------------------------------------------------------------------------------------
def test_it_lists_runs_with_their_totals(client_for, run):
    html = page(client_for("controller"), reverse("chargeback:run_list"))

    assert "Norrsjö kommun" in html
    assert "2026-11" in html
    assert "15,625.00" in html or "15 625,00" in html or "15625.00" in html
    assert reverse("chargeback:run_compute") in html


def test_it_filters_runs_by_organisation_state_and_year(client_for, org, billing, users):
    services.compute_run(org["organisation"], "2026-11", actor=users["controller"])
    company_run = services.compute_run(billing["company"], "2026-10", actor=users["controller"])
    services.approve_run(company_run, actor=users["controller"])
    client = client_for("controller")
    url = reverse("chargeback:run_list")

    by_org = page(client, f"{url}?organisation={billing['company'].pk}")
    by_state = page(client, f"{url}?state=approved")
    by_year = page(client, f"{url}?year=2025")
    no_year = page(client, f"{url}?year=0")

    assert "2026-10" in by_org and "2026-11" not in by_org
    assert "Norrsjö Energi AB" in by_state and "2026-11" not in by_state
    assert "2026-1" not in by_year
    assert "2026-1" not in table_of(no_year) and "greater than or equal to 2000" in no_year


def test_it_renders_the_run_list_with_a_constant_number_of_queries(client_for, org, billing, users):
    client = client_for("coordinator")
    services.compute_run(org["organisation"], "2026-11", actor=users["controller"])
    before = count_queries(client, reverse("chargeback:run_list"))
    for period in ("2026-09", "2026-10", "2026-12"):
        services.compute_run(org["organisation"], period, actor=users["controller"])
    services.compute_run(billing["company"], "2026-11", actor=users["controller"])

    assert count_queries(client, reverse("chargeback:run_list")) == before
    assert count_queries(client_for("controller"), reverse("chargeback:run_list")) <= before


def test_it_refuses_the_run_pages_to_an_employee(client_for, run):
    client = client_for("employee")
    for name in ("chargeback:run_detail", "chargeback:run_lines", "chargeback:run_export"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 403
    assert client.get(reverse("chargeback:run_list")).status_code == 403


# --- Compute ---------------------------------------------------------------------------------
def test_it_computes_a_run_from_the_form(client_for, org, billing):
    response = client_for("itstaff").post(
        reverse("chargeback:run_compute"),
        {"organisation": org["organisation"].pk, "period": "2026-11"},
        follow=True,
    )

    run = ChargebackRun.objects.get(organisation=org["organisation"])
    assert response.redirect_chain[-1][0] == run.get_absolute_url()
    assert run.total_amount == MUNICIPALITY_TOTAL
    assert any("15\xa0625,00\xa0kr" in m for m in messages_of(response))


def test_it_computes_a_quarter_from_the_form(client_for, org, billing):
    client_for("controller").post(
        reverse("chargeback:run_compute"),
        {"organisation": org["organisation"].pk, "period": "2026-q4"},
    )

    run = ChargebackRun.objects.get(organisation=org["organisation"])
    assert (run.period_start, run.period_end) == (D(2026, 10, 1), D(2026, 12, 31))


@pytest.mark.parametrize(
    "period, message",
    [
        ("2027-01", "There is no price list for 2027"),
        ("2026-13", "has no month 13"),
        ("november", "is not a period"),
    ],
)
def test_it_shows_a_refused_computation_as_a_form_error_and_writes_nothing(
    client_for, org, billing, period, message
):
    response = client_for("controller").post(
        reverse("chargeback:run_compute"),
        {"organisation": org["organisation"].pk, "period": period},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ChargebackRun.objects.exists()
    assert not ChargebackLine.objects.exists()


def test_it_lets_only_it_staff_and_controllers_compute(client_for, org, billing):
    data = {"organisation": org["organisation"].pk, "period": "2026-11"}

    assert (
        client_for("coordinator").post(reverse("chargeback:run_compute"), data).status_code == 403
    )
    assert not ChargebackRun.objects.exists()


# --- Detail ----------------------------------------------------------------------------------
def test_it_shows_totals_per_unit_under_each_administration(client_for, run, org):
    html = page(client_for("controller"), run.get_absolute_url())

    admin_at = html.index("Stadsledningsförvaltningen")
    school_at = html.index("Utbildningsförvaltningen")
    assert html.index("IT-kontoret") > admin_at  # the office is listed under its administration
    assert "7,375.00" in html  # IT-kontoret: 1 000 + 6 375
    assert "6,900.00" in html  # Utbildningsförvaltningen: 900 + 6 000 IT fee
    assert "8,725.00" in html  # Stadsledningsförvaltningen's total
    assert "15,625.00" in html
    assert school_at > 0
    lines_url = reverse("chargeback:run_lines", args=[run.pk]) + f"?unit={org['it_office'].pk}"
    assert lines_url in html
    for fmt in ("csv", "xlsx", "pdf", "sie"):
        assert f"?format={fmt}" in html


def test_it_shows_who_approved_and_closed_the_run(client_for, run, users):
    services.approve_run(run, actor=users["controller"])
    services.close_run(run, actor=users["admin"])

    html = page(client_for("itstaff"), run.get_absolute_url())

    assert "controller" in html and "admin" in html
    assert "Closed" in html


@pytest.mark.parametrize(
    "role, state, buttons",
    [
        ("controller", RunState.DRAFT, {"approve", "recompute", "delete"}),
        ("itstaff", RunState.DRAFT, {"recompute", "delete"}),
        ("controller", RunState.APPROVED, {"reopen", "close"}),
        ("itstaff", RunState.APPROVED, set()),
        ("controller", RunState.CLOSED, set()),
        ("coordinator", RunState.DRAFT, set()),
    ],
)
def test_it_shows_only_the_actions_the_user_may_take_now(
    client_for, run, users, role, state, buttons
):
    if state != RunState.DRAFT:
        services.approve_run(run, actor=users["controller"])
    if state == RunState.CLOSED:
        services.close_run(run, actor=users["controller"])

    html = page(client_for(role), run.get_absolute_url())

    shown = {
        name
        for name in ("approve", "reopen", "close", "delete", "recompute")
        if reverse(f"chargeback:run_{name}", args=[run.pk]) in html
    }
    assert shown == buttons


def test_it_renders_the_run_page_with_a_constant_number_of_queries(client_for, run, org, users):
    url = run.get_absolute_url()
    client = client_for("controller")
    before = count_queries(client, url)
    for i in range(6):
        unit = OrgUnitFactory(parent=org["school"], name=f"Skola {i}", kind="unit")
        Subscription.objects.create(
            unit=unit,
            service=ChargebackLine.objects.filter(service__isnull=False).first().service,
            quantity=1,
            start=D(2026, 1, 1),
        )
    services.compute_run(org["organisation"], "2026-11", actor=users["controller"])

    assert count_queries(client, url) == before
    assert count_queries(client_for("coordinator"), url) <= before + 2


# --- Coordinators ----------------------------------------------------------------------------
def test_it_shows_a_coordinator_only_their_units_lines_and_totals(client_for, run, org):
    client = client_for("coordinator")

    detail = page(client, run.get_absolute_url())
    lines = table_of(page(client, reverse("chargeback:run_lines", args=[run.pk])))
    listing = page(client, reverse("chargeback:run_list"))
    csv = client.get(reverse("chargeback:run_export", args=[run.pk]) + "?format=csv")

    assert "Stadsledningsförvaltningen" in detail and "IT-kontoret" in detail
    assert "Utbildningsförvaltningen" not in detail
    assert "8,725.00" in detail and "15,625.00" not in detail
    assert "IT fee" not in lines and "Servertjänst" in lines
    assert "8,725.00" in listing and "15,625.00" not in listing
    text = csv.content.decode("utf-8-sig")
    assert "Konsulttimme" in text and "IT fee" not in text


def test_it_gives_a_coordinator_only_their_units_lines_in_the_api(run, org, users):
    api = APIClient()
    api.force_authenticate(users["coordinator"])

    rows = api.get("/api/chargeback-lines/", {"run": run.pk}).json()["results"]
    runs = api.get("/api/chargeback-runs/").json()["results"]

    assert {r["unit"] for r in rows} == {org["administration"].pk, org["it_office"].pk}
    assert [r["id"] for r in runs] == [run.pk]


# --- Lines -----------------------------------------------------------------------------------
def test_it_filters_the_lines_by_unit_kind_and_service(client_for, run, org, billing):
    client = client_for("controller")
    url = reverse("chargeback:run_lines", args=[run.pk])

    school = table_of(page(client, f"{url}?unit={org['school'].pk}"))
    fees = table_of(page(client, f"{url}?kind=fee"))
    servers = table_of(page(client, f"{url}?service={billing['server'].pk}"))

    assert "IT fee" in school and "Servertjänst" not in school
    assert "IT fee" in fees and "Dator som tjänst" not in fees
    assert "Servertjänst" in servers and "Konsulttimme" not in servers


def test_it_sorts_the_lines_by_amount(client_for, run):
    html = page(
        client_for("controller"), reverse("chargeback:run_lines", args=[run.pk]) + "?sort=-amount"
    )

    assert html.index("6,375.00") < html.index("1,350.00") < html.index("900.00")


def test_it_renders_the_lines_with_a_constant_number_of_queries(client_for, run, org, users):
    url = reverse("chargeback:run_lines", args=[run.pk])
    client = client_for("controller")
    before = count_queries(client, url)
    for i in range(6):
        unit = OrgUnitFactory(parent=org["administration"], name=f"Kontor {i}", kind="office")
        Subscription.objects.create(
            unit=unit,
            service=ChargebackLine.objects.filter(service__isnull=False).first().service,
            quantity=1,
            start=D(2026, 1, 1),
        )
    services.compute_run(org["organisation"], "2026-11", actor=users["controller"])

    assert count_queries(client, url) == before
    assert count_queries(client, url + "?sort=unit&kind=service") == before


# --- State changes ---------------------------------------------------------------------------
def post_action(client, name, run, version=None, follow=True):
    data = {} if version is False else {"_version": run.version if version is None else version}
    return client.post(reverse(f"chargeback:run_{name}", args=[run.pk]), data, follow=follow)


def test_it_approves_and_closes_a_run_by_post(client_for, run, users):
    client = client_for("controller")

    approved = post_action(client, "approve", run)
    run.refresh_from_db()
    closed = post_action(client, "close", run)
    run.refresh_from_db()

    assert any("was approved" in m for m in messages_of(approved))
    assert any("was closed" in m for m in messages_of(closed))
    assert (run.state, run.closed_by) == (RunState.CLOSED, users["controller"])


def test_it_sends_an_approved_run_back_to_draft(client_for, run, users):
    services.approve_run(run, actor=users["controller"])
    run.refresh_from_db()

    post_action(client_for("admin"), "reopen", run)

    run.refresh_from_db()
    assert (run.state, run.approved_at) == (RunState.DRAFT, None)


def test_it_answers_a_get_of_an_action_with_405(client_for, run):
    for name in ("approve", "reopen", "close", "delete", "recompute"):
        response = client_for("controller").get(reverse(f"chargeback:run_{name}", args=[run.pk]))
        assert response.status_code == 405


def test_it_refuses_a_stale_page_with_a_message(client_for, run, users):
    services.approve_run(run, actor=users["controller"])

    response = post_action(client_for("controller"), "approve", run, version=1)

    assert any("changed by someone else" in m for m in messages_of(response))


def test_it_refuses_an_action_without_a_version(client_for, run):
    response = post_action(client_for("controller"), "approve", run, version=False)

    run.refresh_from_db()
    assert run.state == RunState.DRAFT
    assert any("missing its version" in m for m in messages_of(response))


def test_it_lets_it_staff_recompute_but_not_approve(client_for, run, org, billing):
    Subscription.objects.create(
        unit=org["school"], service=billing["dst"], quantity=1, start=D(2026, 1, 1)
    )
    client = client_for("itstaff")

    assert post_action(client, "approve", run, follow=False).status_code == 403
    post_action(client, "recompute", run)

    run.refresh_from_db()
    assert run.total_amount == MUNICIPALITY_TOTAL + 450
    assert run.state == RunState.DRAFT


def test_it_deletes_a_draft_run(client_for, run):
    response = post_action(client_for("itstaff"), "delete", run)

    assert response.redirect_chain[-1][0] == reverse("chargeback:run_list")
    assert not ChargebackRun.objects.exists() and not ChargebackLine.objects.exists()


def test_it_refuses_to_delete_an_approved_run_with_a_message(client_for, run, users):
    services.approve_run(run, actor=users["controller"])
    run.refresh_from_db()

    response = post_action(client_for("controller"), "delete", run)

    assert ChargebackRun.objects.filter(pk=run.pk).exists()
    assert any("is approved" in m for m in messages_of(response))


# --- Adjustments -----------------------------------------------------------------------------
@pytest.fixture
def closed(run, users):
    services.approve_run(run, actor=users["controller"])
    return services.close_run(run, actor=users["controller"])


def test_it_adjusts_a_line_of_a_closed_run_and_books_it_next_month(client_for, closed, org, users):
    line = ChargebackLine.objects.get(run=closed, service__code="SRV")
    lines_page = page(client_for("controller"), reverse("chargeback:run_lines", args=[closed.pk]))
    assert reverse("chargeback:adjustment_add", args=[line.pk]) in lines_page

    response = client_for("controller").post(
        reverse("chargeback:adjustment_add", args=[line.pk]),
        {"amount": "-500.00", "reason": "Servern stängd halva månaden"},
        follow=True,
    )
    december = services.compute_run(org["organisation"], "2026-12", actor=users["controller"])

    assert response.redirect_chain[-1][0] == closed.get_absolute_url()
    adjustment = Adjustment.objects.get()
    assert adjustment.booked_in == december
    assert ChargebackLine.objects.get(run=december, adjustment=adjustment).amount == Decimal(
        "-500.00"
    )
    html = page(client_for("controller"), december.get_absolute_url())
    assert "Servern stängd halva månaden" in html


def test_it_refuses_to_adjust_a_line_of_a_draft(client_for, run):
    line = ChargebackLine.objects.filter(run=run).first()

    response = client_for("controller").post(
        reverse("chargeback:adjustment_add", args=[line.pk]), {"amount": "10", "reason": "x"}
    )

    assert "Only lines of closed runs are adjusted" in response.content.decode()
    assert not Adjustment.objects.exists()


def test_it_lets_only_controllers_adjust(client_for, closed):
    line = ChargebackLine.objects.filter(run=closed).first()
    url = reverse("chargeback:adjustment_add", args=[line.pk])

    assert client_for("itstaff").post(url, {"amount": "10", "reason": "x"}).status_code == 403
    assert not Adjustment.objects.exists()


# --- API -------------------------------------------------------------------------------------
@pytest.fixture
def api_for(users):
    def make(role):
        token = Token.objects.create(user=users[role])
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def test_it_creates_approves_and_closes_a_run_through_the_api(api_for, org, billing):
    api = api_for("controller")

    created = api.post(
        "/api/chargeback-runs/", {"organisation": org["organisation"].pk, "period": "2026-11"}
    )
    run_id, version = created.json()["id"], created.json()["version"]
    approved = api.post(f"/api/chargeback-runs/{run_id}/approve/", {"version": version})
    closed = api.post(
        f"/api/chargeback-runs/{run_id}/close/", {"version": approved.json()["version"]}
    )
    again = api.post(f"/api/chargeback-runs/{run_id}/close/", {"version": closed.json()["version"]})

    assert created.status_code == 201
    assert created.json()["total_amount"] == "15625.00"
    assert (approved.status_code, closed.status_code) == (200, 200)
    assert closed.json()["state"] == "closed"
    assert again.status_code == 400
    assert "is closed" in again.json()["non_field_errors"][0]


def test_it_recomputes_a_draft_through_the_api_with_the_same_run(api_for, run, org):
    api = api_for("itstaff")

    again = api.post(
        "/api/chargeback-runs/", {"organisation": org["organisation"].pk, "period": "2026-11"}
    )
    recomputed = api.post(f"/api/chargeback-runs/{run.pk}/recompute/", {"version": run.version})

    assert again.json()["id"] == run.pk
    assert recomputed.status_code == 409  # the POST above computed it again: a new version
    fresh = api.get(f"/api/chargeback-runs/{run.pk}/").json()
    ok = api.post(f"/api/chargeback-runs/{run.pk}/recompute/", {"version": fresh["version"]})
    assert ok.status_code == 200 and ok.json()["line_count"] == 5


def test_it_refuses_a_run_without_a_price_list_through_the_api(api_for, org, billing):
    response = api_for("controller").post(
        "/api/chargeback-runs/", {"organisation": org["organisation"].pk, "period": "2027-01"}
    )

    assert response.status_code == 400
    assert "no price list for 2027" in str(response.json())
    assert not ChargebackRun.objects.exists()


def test_it_deletes_a_draft_through_the_api_with_its_version(api_for, run):
    api = api_for("itstaff")

    missing = api.delete(f"/api/chargeback-runs/{run.pk}/")
    deleted = api.delete(f"/api/chargeback-runs/{run.pk}/?version={run.version}")

    assert missing.status_code == 400
    assert deleted.status_code == 204
    assert not ChargebackRun.objects.exists()


def test_it_has_no_put_or_patch_of_a_run(api_for, run):
    api = api_for("admin")

    assert api.patch(f"/api/chargeback-runs/{run.pk}/", {"total_amount": "1"}).status_code == 405
    assert api.put(f"/api/chargeback-runs/{run.pk}/", {"total_amount": "1"}).status_code == 405


def test_it_lets_only_controllers_approve_through_the_api(api_for, run):
    response = api_for("itstaff").post(
        f"/api/chargeback-runs/{run.pk}/approve/", {"version": run.version}
    )

    assert response.status_code == 403
    run.refresh_from_db()
    assert run.state == RunState.DRAFT


def test_it_filters_lines_by_run_and_unit_in_the_api(api_for, run, org):
    rows = (
        api_for("controller")
        .get("/api/chargeback-lines/", {"run": run.pk, "unit": org["school"].pk})
        .json()["results"]
    )

    assert sorted(r["kind"] for r in rows) == ["fee", "service"]
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("6900.00")


def test_it_creates_an_adjustment_through_the_api(api_for, closed):
    line = ChargebackLine.objects.filter(run=closed).first()

    created = api_for("controller").post(
        "/api/adjustments/", {"original": line.pk, "amount": "-100.00", "reason": "Rättelse"}
    )
    refused = api_for("itstaff").post(
        "/api/adjustments/", {"original": line.pk, "amount": "-100.00", "reason": "Rättelse"}
    )

    assert created.status_code == 201 and created.json()["amount"] == "-100.00"
    assert refused.status_code == 403
    assert Adjustment.objects.count() == 1


def test_it_computes_the_company_run_with_vat(client_for, billing, users):
    run = services.compute_run(billing["company"], "2026-11", actor=users["controller"])

    html = page(client_for("controller"), run.get_absolute_url())

    assert (run.total_amount, run.total_vat) == (COMPANY_AMOUNT, COMPANY_VAT)
    assert "Norrsjö Energi AB" in html and "1,125.00" in html


# --- The permission table rows of this module, checked on their own -------------------------
def test_it_gives_every_role_the_access_in_the_runs_rows(org, users, client_for):
    rows = access_runs.objects(org)
    by_model = {ChargebackRun: rows[ChargebackRun], ChargebackLine: rows[ChargebackLine]}
    urls = []
    for name in access_runs.ROWS:
        if name.endswith("-list"):
            urls.append((name, reverse(name)))
            continue
        if name in ("chargeback:run_list", "chargeback:run_compute"):
            urls.append((name, reverse(name)))
            continue
        if name == "chargeback:adjustment_add" or name.startswith("chargebackline"):
            pk = by_model[ChargebackLine].pk
        elif name.startswith("adjustment"):
            pk = rows[Adjustment].pk
        else:
            pk = by_model[ChargebackRun].pk
        urls.append((name, reverse(name, kwargs={"pk": pk})))

    wrong = mismatches(client_for, urls, access_runs.ROWS)

    assert not wrong, "\n".join(wrong)


def test_it_keeps_a_company_out_of_the_municipality_groups(billing):
    company = OrganisationFactory(name="Norrsjö Vatten AB", kind="company")
    unit = OrgUnitFactory(organisation=company, name="Vatten", kind="administration")

    assert InvoiceGroups(company).group_of(unit.pk).name == "Norrsjö Vatten AB"
