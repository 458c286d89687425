"""What a run shows and exports is what it was computed with: a closed run's files stay the
same after a reorganisation; the API shows a coordinator only their units' totals; the SIE file
is the IT office's books; bad periods and accounts are refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from itportal.catalogue.models import Service
from itportal.chargeback import exports, services
from itportal.chargeback.tests.runs_testing import (
    COORDINATOR_TOTAL,
    MUNICIPALITY_TOTAL,
    build_billing,
)


@pytest.fixture
def billed(org):
    return build_billing(org)


def closed(run):
    services.approve_run(run, actor="test")
    return services.close_run(run, actor="test")


def test_a_closed_runs_exports_stay_the_same_after_a_reorganisation(org, billed):
    run = closed(services.compute_run(org["organisation"], "2026-11", actor="test"))
    before = {fmt: exports.export_run(run, fmt)[0] for fmt in ("csv", "sie")}

    # the service moves to another delivering unit, a unit is renamed and moved
    billed["dst"].owner_unit = org["school"]
    billed["dst"].save()
    org["school"].name = "Barn- och utbildningsförvaltningen"
    org["school"].save()
    org["it_office"].parent = org["school"]
    org["it_office"].save()
    run.refresh_from_db()

    after = {fmt: exports.export_run(run, fmt)[0] for fmt in ("csv", "sie")}
    assert after["csv"] == before["csv"]
    # the SIE file differs only in its date of generation, which is today either way
    assert after["sie"] == before["sie"]
    assert "Utbildningsförvaltningen".encode("cp437") in after["sie"]


def test_the_api_shows_a_coordinator_only_their_units_totals(org, users, billed, client_for):
    run = services.compute_run(org["organisation"], "2026-11", actor=users["controller"])
    url = reverse("chargebackrun-detail", args=[run.pk])

    mine = client_for("coordinator").get(url).json()
    everything = client_for("controller").get(url).json()

    assert Decimal(mine["total_amount"]) == COORDINATOR_TOTAL
    assert Decimal(everything["total_amount"]) == MUNICIPALITY_TOTAL
    assert mine["line_count"] < everything["line_count"]


def test_a_company_runs_sie_file_is_the_it_offices_books(org, billed):
    run = services.compute_run(billed["company"], "2026-11", actor="test")

    text = exports.export_run(run, "sie")[0].decode("cp437")

    assert f'#FNAMN "{org["organisation"].name}"' in text
    assert f"#ORGNR {org['organisation'].org_number}" in text
    assert "Norrsjö Energi AB" in text.split("#VER", 1)[1]  # named in the voucher text


@pytest.mark.parametrize("period", ["0000-01", "9999-12", "9999-Q4", "1999-12"])
def test_it_refuses_a_period_outside_the_price_lists_years(org, billed, period, client_for):
    with pytest.raises(ValidationError, match="year must lie between 2000 and 2100"):
        services.compute_run(org["organisation"], period, actor="test")

    page = client_for("controller").post(
        reverse("chargeback:run_compute"),
        {"organisation": org["organisation"].pk, "period": period},
    )
    api = client_for("controller").post(
        reverse("chargebackrun-list"),
        {"organisation": org["organisation"].pk, "period": period},
        content_type="application/json",
    )
    assert page.status_code == 200 and b"year must lie between" in page.content
    assert api.status_code == 400
    assert not org["organisation"].chargeback_runs.exists()


def test_it_names_the_covering_run_when_a_quarter_overlaps_a_closed_month(org, billed):
    closed(services.compute_run(org["organisation"], "2026-10", actor="test"))

    with pytest.raises(ValidationError, match="already covers 2026-10-01 – 2026-10-31"):
        services.compute_run(org["organisation"], "2026-Q4", actor="test")


@pytest.mark.parametrize("account", ["65 50", "6540a", "65", "'=1+1"])
def test_it_refuses_an_account_that_is_not_a_number(org, billed, account):
    service = Service.objects.get(code="DST")
    service.cost_account = account

    with pytest.raises(ValidationError, match="An account is a number of 3 to 10 digits"):
        service.full_clean()


def test_changing_a_booked_adjustment_recomputes_its_draft(org, billed):
    november = closed(services.compute_run(org["organisation"], "2026-11", actor="test"))
    line = november.lines.filter(unit=org["school"], kind="service").get()
    adjustment = services.create_adjustment(line, amount=Decimal("-100"), reason="x", actor="t")
    december = services.compute_run(org["organisation"], "2026-12", actor="test")
    adjustment.refresh_from_db()

    services.update_adjustment(adjustment, actor="test", data={"amount": Decimal("-250.00")})

    booked = december.lines.get(kind="adjustment")
    assert booked.amount == Decimal("-250.00")
    december.refresh_from_db()
    assert december.total_amount == sum(x.amount for x in december.lines.all())
