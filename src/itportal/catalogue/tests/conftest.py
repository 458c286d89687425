import datetime

import pytest

DAY = datetime.date(2026, 6, 15)  # "today" for the pages that show today's price


@pytest.fixture
def today(monkeypatch):
    """Freeze the catalogue views' today at DAY (only there: nothing else is patched)."""
    from types import SimpleNamespace

    from itportal.catalogue import views

    monkeypatch.setattr(views, "timezone", SimpleNamespace(localdate=lambda: DAY))
    return DAY


@pytest.fixture
def catalogue(org, users):
    """Two services with a 2026 price list (a price change on 1 June and another announced for
    1 September), and subscriptions inside and outside the coordinator's units."""
    from itportal.catalogue.models import Price, PriceList, Service, Subscription
    from itportal.registry.models import System

    d = datetime.date
    computer = Service.objects.create(
        name="Dator som tjänst",
        code="DST-BAS",
        category="workplace",
        summary="En bärbar dator med programvara, support och byte vart fjärde år.",
        included="Dator, docka, skärm\nOffice-paket\nSupport dagtid",
        excluded="Mobiltelefon",
        owner=org["people"][0],
        owner_unit=org["it_office"],
        billing_unit="device",
        orderable=True,
    )
    computer.systems.add(System.objects.create(name="Intune", owning_unit=org["it_office"]))
    server = Service.objects.create(
        name="Virtuell server",
        code="SRV-VM",
        category="infrastructure",
        owner_unit=org["it_office"],
        billing_unit="month",
        vat_rate=12,
    )
    retired = Service.objects.create(
        name="Faxtjänst",
        code="FAX",
        category="communication",
        owner_unit=org["it_office"],
        billing_unit="month",
        status="retired",
    )
    price_list = PriceList.objects.create(year=2026, note="Beslutad av Tjänsterådet")
    prices = {
        "old": Price.objects.create(
            price_list=price_list,
            service=computer,
            valid_from=d(2026, 1, 1),
            valid_to=d(2026, 5, 31),
            amount=400,
        ),
        "now": Price.objects.create(
            price_list=price_list,
            service=computer,
            valid_from=d(2026, 6, 1),
            valid_to=d(2026, 8, 31),
            amount=450,
        ),
        "next": Price.objects.create(
            price_list=price_list, service=computer, valid_from=d(2026, 9, 1), amount=475
        ),
        "server": Price.objects.create(
            price_list=price_list, service=server, valid_from=d(2026, 1, 1), amount=1250
        ),
    }
    inside = Subscription.objects.create(
        unit=org["it_office"],
        service=computer,
        quantity=2,
        start=d(2026, 1, 1),
        identifiers="PC-001\nPC-002",
        reference="BEST-1001",
    )
    ended = Subscription.objects.create(
        unit=org["administration"],
        service=server,
        quantity=1,
        start=d(2025, 1, 1),
        end=d(2026, 3, 31),
        reference="BEST-0900",
    )
    outside = Subscription.objects.create(
        unit=org["school"],
        service=computer,
        quantity=30,
        start=d(2026, 2, 1),
        reference="SKOLA-77",
    )
    return {
        "computer": computer,
        "server": server,
        "retired": retired,
        "price_list": price_list,
        "prices": prices,
        "inside": inside,
        "ended": ended,
        "outside": outside,
    }
