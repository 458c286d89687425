"""The transition simulation: IT fee today vs services only, checked by hand."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itportal.catalogue.models import ITFeeRule, Price, PriceList, Service, Subscription
from itportal.chargeback import simulation
from itportal.core.testing import OrgUnitFactory
from itportal.organisation.models import OrgUnit

D = datetime.date
URL = "/chargeback/simulation/"


def build(org, year=2025):
    """Services, prices, fee and subscriptions for `year`; every amount whole kronor.

    IT fee 1 200 kr per employee and year; headcounts: IT office 5, administration 3, school 20.
    IT office: 2 computers all year (2 × 400 × 12 = 9 600).
    School: a server all year (1 000 × 12 = 12 000) and a computer from 1 July (6 × 400 = 2 400).
    """
    price_list = PriceList.objects.create(year=year)
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
    Price.objects.create(price_list=price_list, service=dst, valid_from=D(year, 1, 1), amount=400)
    Price.objects.create(
        price_list=price_list, service=server, valid_from=D(year, 1, 1), amount=1000
    )
    ITFeeRule.objects.create(
        organisation=org["organisation"],
        basis="employee",
        annual_amount=1200,
        valid_from=D(2020, 1, 1),
    )
    OrgUnit.objects.filter(pk=org["it_office"].pk).update(headcount=5)
    OrgUnit.objects.filter(pk=org["administration"].pk).update(headcount=3)
    OrgUnit.objects.filter(pk=org["school"].pk).update(headcount=20)
    Subscription.objects.create(
        unit=org["it_office"], service=dst, quantity=2, start=D(year - 1, 3, 1)
    )
    Subscription.objects.create(unit=org["school"], service=server, quantity=1, start=D(year, 1, 1))
    Subscription.objects.create(unit=org["school"], service=dst, quantity=1, start=D(year, 7, 1))
    return {"dst": dst, "server": server}


def by_unit(result):
    return {r.name: r for r in result.rows}


def test_it_computes_fee_services_and_the_revenue_neutral_scenario_by_hand(org):
    build(org)

    result = simulation.simulate(org["organisation"], 2025)

    rows = by_unit(result)
    # fee today: 5 / 3 / 20 employees × 1 200; services: 9 600 / 0 / 14 400
    # the fee's 33 600 recovered by service use: 9 600 / 24 000 and 14 400 / 24 000 of it
    got = {name: (r.fee, r.services, r.today, r.scenario, r.difference) for name, r in rows.items()}
    assert got == {
        "IT-kontoret": (
            Decimal("6000.00"),
            Decimal("9600.00"),
            Decimal("15600.00"),
            Decimal("23040.00"),  # 9 600 + 33 600 × 0.4
            Decimal("7440.00"),
        ),
        "Stadsledningsförvaltningen": (
            Decimal("3600.00"),
            Decimal("0"),
            Decimal("3600.00"),
            Decimal("0"),
            Decimal("-3600.00"),
        ),
        "Utbildningsförvaltningen": (
            Decimal("24000.00"),
            Decimal("14400.00"),
            Decimal("38400.00"),
            Decimal("34560.00"),  # 14 400 + 33 600 × 0.6
            Decimal("-3840.00"),
        ),
    }
    assert (result.today, result.scenario, result.difference) == (
        Decimal("57600.00"),
        Decimal("57600.00"),
        Decimal("0"),
    )
    assert (result.losers, result.gainers) == (1, 2)


def test_it_groups_units_by_administration_in_tree_order(org):
    build(org)

    result = simulation.simulate(org["organisation"], 2025)

    groups = [(g.name, [r.name for r in g.rows], g.difference) for g in result.groups()]
    assert groups == [
        (
            "Stadsledningsförvaltningen",
            ["Stadsledningsförvaltningen", "IT-kontoret"],
            Decimal("3840.00"),
        ),
        ("Utbildningsförvaltningen", ["Utbildningsförvaltningen"], Decimal("-3840.00")),
    ]


def test_it_spreads_the_fee_to_the_ore_so_the_scenario_stays_revenue_neutral():
    parts = simulation.spread(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)])

    assert parts == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(parts) == Decimal("100.00")
    assert simulation.spread(Decimal("50.00"), [Decimal(0), Decimal(0)]) == [0, 0]


def test_it_shows_the_simulation_sorted_by_difference_to_a_controller(org, client_for):
    build(org)
    client = client_for("controller")

    response = client.get(f"{URL}?organisation={org['organisation'].pk}&year=2025&sort=difference")

    assert response.status_code == 200
    body = response.content.decode()
    order = [
        body.index(f'data-unit="{org[key].pk}"')
        for key in ("school", "administration", "it_office")
    ]
    assert order == sorted(order)  # −3 840, −3 600, +7 440
    assert "+7,440" in body and "-3,840" in body
    assert "headcounts" in body  # the assumptions are stated


def test_it_defaults_to_the_municipality_and_the_current_year(org, client_for):
    response = client_for("itstaff").get(URL)

    assert response.context["organisation"] == org["organisation"]
    assert response.context["year"] == datetime.date.today().year
    # No price list for this year: the page says so instead of failing
    assert "There is no price list" in response.content.decode()


def test_it_exports_the_simulation_as_csv_with_totals(org, client_for):
    build(org)

    response = client_for("admin").get(
        f"{URL}?organisation={org['organisation'].pk}&year=2025&export=csv"
    )

    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Administration,Unit,Cost centre,IT fee today")
    assert any(line.startswith("Stadsledningsförvaltningen,IT-kontoret,") for line in lines)
    assert lines[-1].split(",")[3:] == ["33600.00", "24000.00", "57600.00", "57600.00", "0.00"]


@pytest.mark.parametrize("role", ["employee", "coordinator"])
def test_it_refuses_the_simulation_to_users_without_a_finance_role(org, client_for, role):
    assert client_for(role).get(URL).status_code == 403


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_it_renders_the_simulation_with_a_constant_number_of_queries(org, client_for):
    services = build(org)
    client = client_for("controller")
    url = f"{URL}?organisation={org['organisation'].pk}&year=2025"
    before = count_queries(client, url)
    for i in range(8):
        unit = OrgUnitFactory(parent=org["school"], name=f"Skola {i}", headcount=10 + i)
        Subscription.objects.create(
            unit=unit, service=services["dst"], quantity=i + 1, start=D(2025, 2, 1)
        )
        Subscription.objects.create(
            unit=unit, service=services["server"], quantity=1, start=D(2025, 5, 10)
        )

    assert count_queries(client, url) == before
