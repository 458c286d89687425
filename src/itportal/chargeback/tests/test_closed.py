"""A closed run cannot be altered by any path: the services, the pages, the API, the Django
admin, the subscription import, and the database itself (triggers of migration 0002)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from itportal.catalogue.importers import SubscriptionImporter
from itportal.catalogue.models import Subscription
from itportal.chargeback import services
from itportal.chargeback.models import Adjustment, ChargebackLine, ChargebackRun, RunState
from itportal.chargeback.tests.runs_testing import MUNICIPALITY_TOTAL, build_billing
from itportal.core.models import ObjectChange

CLOSED = "is closed and can no longer change"


@pytest.fixture
def billing(org):
    return build_billing(org)


@pytest.fixture
def closed(org, billing, users):
    controller = users["controller"]
    run = services.compute_run(org["organisation"], "2026-11", actor=controller)
    services.approve_run(run, actor=controller)
    return services.close_run(run, actor=controller)


def state_of(run):
    """Everything about the run a change could touch: its row and its lines."""
    row = ChargebackRun._base_manager.filter(pk=run.pk).values().get()
    lines = list(
        ChargebackLine.objects.filter(run_id=run.pk)
        .order_by("id")
        .values_list(
            "id", "unit_id", "service_id", "quantity", "unit_price", "amount", "vat", "account"
        )
    )
    return row, lines


@pytest.fixture
def unchanged(closed):
    """Asserts, after the test, that the closed run is as it was and no audit row was added."""
    before = state_of(closed)
    changes = ObjectChange.objects.count()
    yield closed
    assert state_of(closed) == before
    assert ObjectChange.objects.count() == changes
    assert closed.total_amount == MUNICIPALITY_TOTAL


# --- Services --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda run, actor: services.compute_run(run.organisation, "2026-11", actor=actor),
        lambda run, actor: services.approve_run(run, actor=actor),
        lambda run, actor: services.reopen_run(run, actor=actor),
        lambda run, actor: services.close_run(run, actor=actor),
        lambda run, actor: services.delete_run(run, actor=actor),
    ],
    ids=["compute", "approve", "reopen", "close again", "delete"],
)
def test_it_refuses_every_service_call_on_a_closed_run(unchanged, users, call):
    with pytest.raises(ValidationError, match=CLOSED):
        call(unchanged, users["controller"])


def test_it_says_clearly_that_a_run_cannot_be_closed_twice(unchanged, users):
    with pytest.raises(ValidationError) as caught:
        services.close_run(unchanged, actor=users["controller"])

    assert caught.value.messages == [
        f"{unchanged} is closed and can no longer change. Correct it with an adjustment, "
        "which is booked in a later run."
    ]


def test_it_refuses_to_change_an_adjustment_booked_in_a_closed_run(org, closed, users):
    controller = users["controller"]
    line = ChargebackLine.objects.filter(run=closed).first()
    adjustment = services.create_adjustment(line, amount=-100, reason="Fel", actor=controller)
    december = services.compute_run(org["organisation"], "2026-12", actor=controller)
    services.approve_run(december, actor=controller)
    services.close_run(december, actor=controller)
    adjustment.refresh_from_db()
    before = state_of(december)

    with pytest.raises(ValidationError, match=CLOSED):
        services.update_adjustment(adjustment, actor=controller, data={"amount": Decimal(-200)})

    assert state_of(december) == before
    assert Adjustment.objects.get().amount == Decimal("-100.00")


# --- Pages -----------------------------------------------------------------------------------
@pytest.mark.parametrize("action", ["approve", "reopen", "close", "delete", "recompute"])
def test_it_refuses_every_state_change_of_a_closed_run_on_the_pages(client_for, unchanged, action):
    response = client_for("admin").post(
        reverse(f"chargeback:run_{action}", args=[unchanged.pk]),
        {"_version": unchanged.version},
        follow=True,
    )

    assert response.status_code == 200
    assert any(CLOSED in str(m) for m in response.context["messages"])


def test_it_refuses_to_compute_a_closed_period_from_the_form(client_for, unchanged, org):
    response = client_for("controller").post(
        reverse("chargeback:run_compute"),
        {"organisation": org["organisation"].pk, "period": "2026-11"},
    )

    assert CLOSED in response.content.decode()


# --- API -------------------------------------------------------------------------------------
@pytest.fixture
def api(users):
    client = APIClient()
    client.force_authenticate(users["admin"])
    return client


@pytest.mark.parametrize(
    "method, path, data, status",
    [
        ("patch", "", {"total_amount": "1.00"}, 405),
        ("put", "", {"total_amount": "1.00"}, 405),
        ("delete", "?version={version}", None, 400),
        ("post", "approve/", {}, 400),
        ("post", "reopen/", {}, 400),
        ("post", "close/", {}, 400),
        ("post", "recompute/", {}, 400),
    ],
)
def test_it_refuses_every_api_change_of_a_closed_run(api, unchanged, method, path, data, status):
    url = f"/api/chargeback-runs/{unchanged.pk}/" + path.format(version=unchanged.version)
    if data is not None:
        data = {**data, "version": unchanged.version}

    response = getattr(api, method)(url, data, format="json")

    assert response.status_code == status
    if status == 400:
        assert CLOSED in str(response.json())


def test_it_refuses_to_recompute_a_closed_period_through_the_api(api, unchanged, org):
    response = api.post(
        "/api/chargeback-runs/",
        {"organisation": org["organisation"].pk, "period": "2026-11"},
        format="json",
    )

    assert response.status_code == 400
    assert CLOSED in str(response.json())


def test_it_offers_no_write_of_lines_through_the_api(api, unchanged):
    line = ChargebackLine.objects.filter(run=unchanged).first()
    url = f"/api/chargeback-lines/{line.pk}/"

    assert api.patch(url, {"amount": "0.00"}, format="json").status_code == 405
    assert api.delete(url).status_code == 405
    assert api.post("/api/chargeback-lines/", {"run": unchanged.pk}).status_code == 405


# --- Django admin ----------------------------------------------------------------------------
@pytest.fixture
def superuser_client(db, client):
    user = User.objects.create_superuser("root", "root@kommun.test", "x")
    client.force_login(user)
    return client


def test_it_shows_a_closed_run_read_only_in_the_admin(superuser_client, unchanged):
    url = reverse("admin:chargeback_chargebackrun_change", args=[unchanged.pk])

    page = superuser_client.get(url)
    change = superuser_client.post(url, {"state": "draft", "total_amount": "1.00"})
    delete = superuser_client.post(
        reverse("admin:chargeback_chargebackrun_delete", args=[unchanged.pk]), {"post": "yes"}
    )

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (change.status_code, delete.status_code) == (403, 403)


def test_it_refuses_changes_of_lines_and_adjustments_in_the_admin(superuser_client, unchanged):
    line = ChargebackLine.objects.filter(run=unchanged).first()
    change = superuser_client.post(
        reverse("admin:chargeback_chargebackline_change", args=[line.pk]), {"amount": "0"}
    )
    delete = superuser_client.post(
        reverse("admin:chargeback_chargebackline_delete", args=[line.pk]), {"post": "yes"}
    )
    add = superuser_client.post(reverse("admin:chargeback_adjustment_add"), {"amount": "1"})
    superuser_client.post(
        reverse("admin:chargeback_chargebackrun_changelist"),
        {"action": "delete_selected", "_selected_action": [unchanged.pk], "post": "yes"},
    )

    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert ChargebackRun.objects.filter(pk=unchanged.pk).exists()  # bulk delete not offered


# --- Import ----------------------------------------------------------------------------------
def test_it_leaves_a_closed_run_as_it_was_when_subscriptions_are_imported(
    org, billing, closed, users
):
    """The subscription import (catalogue.importers.SubscriptionImporter) changes what units
    subscribe to; the closed run keeps the lines and totals it was closed with."""
    before = state_of(closed)
    dst = Subscription.objects.get(unit=org["administration"], service=billing["dst"])
    school = org["school"].pk
    text = (
        "id;unit;service;quantity;start\n"
        f"{dst.pk};{org['administration'].pk};DST;10;2026-01-01\n"
        f";{school};DST;4;2026-11-01\n"
    )
    upload = SimpleUploadedFile("s.csv", text.encode(), content_type="text/csv")

    result = SubscriptionImporter().run(upload, actor=users["itstaff"], dry_run=False)

    assert result.committed
    dst.refresh_from_db()
    assert dst.quantity == 10
    assert Subscription.objects.filter(service=billing["dst"]).count() == 4
    assert state_of(closed) == before
    with pytest.raises(ValidationError, match=CLOSED):
        services.compute_run(org["organisation"], "2026-11", actor=users["controller"])
    assert state_of(closed) == before


# --- Database --------------------------------------------------------------------------------
def refused(write):
    with pytest.raises(DatabaseError, match="closed"), transaction.atomic():
        write()


def test_the_database_refuses_orm_updates_of_a_closed_run_and_its_lines(unchanged):
    line = ChargebackLine.objects.filter(run=unchanged).first()

    refused(lambda: ChargebackRun.objects.filter(pk=unchanged.pk).update(total_amount=0))
    refused(lambda: ChargebackRun.objects.filter(pk=unchanged.pk).update(state=RunState.DRAFT))
    refused(lambda: ChargebackLine.objects.filter(run=unchanged).update(amount=0))
    line.amount = Decimal("1.00")
    refused(line.save)


def test_the_database_refuses_a_new_line_in_a_closed_run(unchanged, org):
    refused(
        lambda: ChargebackLine.objects.create(
            run=unchanged,
            kind="service",
            unit=org["school"],
            cost_centre=org["school"].cost_centre,
            description="Smuggled",
            quantity=1,
            unit_price=1,
            amount=1,
            vat_rate=0,
            vat=0,
            account="6540",
            revenue_account="3590",
        )
    )


def test_the_database_refuses_raw_sql_on_a_closed_run(unchanged):
    def sql(statement):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(statement, [unchanged.pk])

        return run

    refused(sql("UPDATE chargeback_chargebackrun SET total_amount = 0 WHERE id = %s"))
    refused(sql("UPDATE chargeback_chargebackline SET amount = 0 WHERE run_id = %s"))
    refused(sql("DELETE FROM chargeback_chargebackline WHERE run_id = %s"))
    refused(sql("DELETE FROM chargeback_chargebackrun WHERE id = %s"))


def test_the_database_refuses_an_orm_delete_of_a_closed_runs_lines(unchanged):
    count = ChargebackLine.objects.filter(run=unchanged).count()

    refused(lambda: ChargebackLine.objects.filter(run=unchanged).delete())

    assert ChargebackLine.objects.filter(run=unchanged).count() == count


@pytest.mark.django_db(transaction=True)  # a flush is never run inside a transaction
def test_flush_still_empties_a_database_with_closed_runs(org, billing, users):
    from django.core.management import call_command

    run = services.compute_run(org["organisation"], "2026-11", actor=users["controller"])
    services.approve_run(run, actor=users["controller"])
    services.close_run(run, actor=users["controller"])

    call_command("flush", interactive=False, verbosity=0)

    assert not ChargebackRun.objects.exists()
    assert not ChargebackLine.objects.exists()


def test_the_database_lets_a_draft_change(org, billing, users):
    """The triggers refuse only closed runs: a draft is recomputed as usual."""
    run = services.compute_run(org["organisation"], "2026-11", actor=users["controller"])

    ChargebackLine.objects.filter(run=run).update(amount=0)

    assert services.totals(run)["amount"] == 0
    assert datetime.date(2026, 11, 1) == run.period_start
