"""Hand-computed chargeback examples, to the öre."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from itportal.catalogue.models import ITFeeRule, Price, PriceList, Service, Subscription
from itportal.chargeback import services
from itportal.chargeback.models import ChargebackLine, LineKind, RunState
from itportal.core.testing import OrganisationFactory, OrgUnitFactory

D = datetime.date


@pytest.fixture
def priced(org):
    price_list = PriceList.objects.create(year=2026)
    dst = Service.objects.create(
        name="Dator som tjänst",
        code="DST",
        category="workplace",
        billing_unit="device",
        owner_unit=org["it_office"],
    )
    server = Service.objects.create(
        name="Servertjänst",
        code="SRV",
        category="infrastructure",
        billing_unit="month",
        owner_unit=org["it_office"],
    )
    hours = Service.objects.create(
        name="Konsulttimme",
        code="KONS",
        category="support",
        billing_unit="hour",
        owner_unit=org["it_office"],
    )
    Price.objects.create(price_list=price_list, service=dst, valid_from=D(2026, 1, 1), amount=450)
    Price.objects.create(
        price_list=price_list,
        service=server,
        valid_from=D(2026, 1, 1),
        valid_to=D(2026, 11, 15),
        amount=1000,
    )
    Price.objects.create(
        price_list=price_list, service=server, valid_from=D(2026, 11, 16), amount=1200
    )
    Price.objects.create(price_list=price_list, service=hours, valid_from=D(2026, 1, 1), amount=850)
    return {"list": price_list, "dst": dst, "server": server, "hours": hours}


def lines_of(run):
    return list(ChargebackLine.objects.filter(run=run).order_by("id"))


def test_it_bills_a_partial_month_pro_rata_by_days(org, priced, users):
    # 3 devices from 11 November: 20 of 30 days, 3 × 450 × 20/30 = 900.00
    Subscription.objects.create(
        unit=org["administration"], service=priced["dst"], quantity=3, start=D(2026, 11, 11)
    )
    # 1 device ending 8 November: 8 of 30 days, 450 × 8/30 = 120.00
    Subscription.objects.create(
        unit=org["administration"],
        service=priced["dst"],
        quantity=1,
        start=D(2025, 3, 1),
        end=D(2026, 11, 8),
    )

    run = services.compute_run(org["organisation"], "2026-11", actor=users["controller"])

    (line,) = lines_of(run)
    assert (line.quantity, line.unit_price, line.amount, line.vat) == (
        Decimal("2.2667"),
        Decimal("450.00"),
        Decimal("1020.00"),
        Decimal("0.00"),
    )
    assert run.total_amount == Decimal("1020.00")


def test_it_splits_a_month_at_a_mid_year_price_change(org, priced, users):
    Subscription.objects.create(
        unit=org["it_office"], service=priced["server"], quantity=2, start=D(2026, 1, 1)
    )

    run = services.compute_run(org["organisation"], "2026-11", actor=users["controller"])

    got = [(x.unit_price, x.quantity, x.amount) for x in lines_of(run)]
    # 2 × 1000 × 15/30 and 2 × 1200 × 15/30
    assert got == [
        (Decimal("1000.00"), Decimal("1.0000"), Decimal("1000.00")),
        (Decimal("1200.00"), Decimal("1.0000"), Decimal("1200.00")),
    ]


def test_it_rounds_each_line_half_up_to_the_ore(org, priced, users):
    # 499 × 23/30 = 382.5666… → 382.57
    Price.objects.filter(service=priced["dst"]).update(amount=Decimal("499.00"))
    Subscription.objects.create(
        unit=org["school"], service=priced["dst"], quantity=1, start=D(2026, 11, 8)
    )

    run = services.compute_run(org["organisation"], "2026-11", actor=users["controller"])

    assert [x.amount for x in lines_of(run)] == [Decimal("382.57")]


def test_it_bills_hours_once_in_the_period_of_their_start(org, priced, users):
    Subscription.objects.create(
        unit=org["school"], service=priced["hours"], quantity=Decimal("7.5"), start=D(2026, 11, 3)
    )
    Subscription.objects.create(
        unit=org["school"], service=priced["hours"], quantity=4, start=D(2026, 10, 30)
    )

    run = services.compute_run(org["organisation"], "2026-11", actor=users["controller"])

    assert [(x.quantity, x.amount) for x in lines_of(run)] == [
        (Decimal("7.5000"), Decimal("6375.00"))
    ]


@pytest.fixture
def company(org, priced):
    bolag = OrganisationFactory(name="Norrsjö Energi AB", kind="company")
    unit = OrgUnitFactory(organisation=bolag, name="Elnät", kind="department", headcount=0)
    return bolag, unit


def test_it_adds_vat_for_a_company_but_not_for_the_municipality(org, priced, company, users):
    bolag, unit = company
    Price.objects.filter(service=priced["dst"]).update(amount=Decimal("333.33"))
    Subscription.objects.create(unit=unit, service=priced["dst"], quantity=1, start=D(2026, 1, 1))

    run = services.compute_run(bolag, "2026-11", actor=users["controller"])

    (line,) = lines_of(run)
    # 333.33 × 25 % = 83.3325 → 83.33
    assert (line.amount, line.vat_rate, line.vat, line.total) == (
        Decimal("333.33"),
        Decimal("25.00"),
        Decimal("83.33"),
        Decimal("416.66"),
    )
    assert (run.total_amount, run.total_vat) == (Decimal("333.33"), Decimal("83.33"))


def test_it_charges_the_it_fee_per_employee_pro_rata(org, priced, users):
    org["school"].headcount = 12
    org["school"].save()
    # 6 000 a year from 16 November: 12 × 500 × 15/30 = 3 000.00
    ITFeeRule.objects.create(
        organisation=org["organisation"],
        basis="employee",
        annual_amount=6000,
        valid_from=D(2026, 11, 16),
    )

    run = services.compute_run(org["organisation"], "2026-11", actor=users["controller"])

    (line,) = lines_of(run)
    assert (line.kind, line.unit_id, line.quantity, line.unit_price, line.amount) == (
        LineKind.FEE,
        org["school"].pk,
        Decimal("6.0000"),
        Decimal("500.00"),
        Decimal("3000.00"),
    )


def test_it_books_an_adjustment_of_a_closed_run_in_the_next_run(org, priced, company, users):
    bolag, unit = company
    Subscription.objects.create(unit=unit, service=priced["dst"], quantity=2, start=D(2026, 1, 1))
    controller = users["controller"]
    november = services.compute_run(bolag, "2026-11", actor=controller)
    services.approve_run(november, actor=controller)
    services.close_run(november, actor=controller)
    (original,) = lines_of(november)
    services.create_adjustment(
        original, amount=Decimal("-450.00"), reason="En dator returnerad 1 nov", actor=controller
    )

    december = services.compute_run(bolag, "2026-12", actor=controller)

    service_line, adjustment = lines_of(december)
    assert service_line.amount == Decimal("900.00")
    assert (adjustment.kind, adjustment.amount, adjustment.vat) == (
        LineKind.ADJUSTMENT,
        Decimal("-450.00"),
        Decimal("-112.50"),
    )
    assert adjustment.adjustment.original == original
    assert (december.total_amount, december.total_vat) == (Decimal("450.00"), Decimal("112.50"))
    # the closed run is as it was
    november.refresh_from_db()
    assert (november.state, november.total_amount) == (RunState.CLOSED, Decimal("900.00"))


def test_it_gives_the_same_lines_when_a_draft_is_recomputed(org, priced, users):
    Subscription.objects.create(
        unit=org["school"], service=priced["dst"], quantity=5, start=D(2026, 2, 14)
    )
    Subscription.objects.create(
        unit=org["it_office"], service=priced["server"], quantity=1, start=D(2026, 11, 20)
    )
    run = services.compute_run(org["organisation"], "2026-Q4", actor=users["controller"])
    first = [(x.unit_id, x.service_id, x.quantity, x.amount) for x in lines_of(run)]

    again = services.compute_run(org["organisation"], "2026-Q4", actor=users["controller"])

    assert again.pk == run.pk
    assert [(x.unit_id, x.service_id, x.quantity, x.amount) for x in lines_of(again)] == first
    # server at 1 200 (the price from 16 Nov): 11/30 of November + December = 440 + 1 200;
    # 5 devices × 450 × 3 months = 6 750
    assert [(x[0], x[2], x[3]) for x in first] == [
        (org["it_office"].pk, Decimal("1.3667"), Decimal("1640.00")),
        (org["school"].pk, Decimal("15.0000"), Decimal("6750.00")),
    ]


def test_it_refuses_a_run_for_a_period_without_a_price_list(org, priced, users):
    with pytest.raises(ValidationError, match="no price list for 2027"):
        services.compute_run(org["organisation"], "2027-01", actor=users["controller"])

    assert not org["organisation"].chargeback_runs.exists()
