"""Imports of services, prices and subscriptions: a dry run writes nothing, the confirmed
import writes everything through the services, exports import back unchanged."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from itportal.catalogue.models import Price, PriceList, Service, Subscription
from itportal.core.models import ObjectChange


def csv_file(text, name="data.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.mark.django_db
def test_it_imports_subscriptions_after_a_dry_run_that_writes_nothing(client_for, org, catalogue):
    client = client_for("itstaff")
    changes = ObjectChange.objects.count()
    text = (
        "organisation;cost_centre;service;quantity;start;end;identifiers;reference\n"
        f"{org['organisation'].org_number};{org['school'].cost_centre};DST-BAS;2;2026-07-01;;"
        '"PC-201, PC-202";BEST-3000\n'
        f";{org['it_office'].cost_centre};SRV-VM;1,5;2026-07-01;2026-12-31;;BEST-3001\n"
    )

    dry = client.post("/services/subscriptions/import/", {"file": csv_file(text), "dry_run": "on"})

    assert dry.status_code == 200
    assert dry.context["result"].summary == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    assert not Subscription.objects.filter(reference__startswith="BEST-300").exists()
    assert ObjectChange.objects.count() == changes

    client.post("/services/subscriptions/import/", {"token": dry.context["token"]})

    school = Subscription.objects.get(reference="BEST-3000")
    assert school.unit == org["school"]
    assert school.identifier_list == ["PC-201", "PC-202"]
    assert school.source == "import"
    server = Subscription.objects.get(reference="BEST-3001")
    assert server.quantity == Decimal("1.5")
    assert ObjectChange.objects.filter(
        content_type__model="subscription", object_id=str(school.pk), source="import"
    ).exists()


@pytest.mark.django_db
def test_it_updates_subscriptions_by_id_and_exports_them_back_unchanged(client_for, org, catalogue):
    client = client_for("itstaff")
    exported = client.get("/services/subscriptions/import/?export=csv").content.decode("utf-8-sig")
    assert exported.splitlines()[0] == (
        "id,organisation,cost_centre,unit,service,quantity,start,end,identifiers,reference,note"
    )

    response = client.post("/services/subscriptions/import/", {"file": csv_file(exported)})
    assert response.context["result"].summary == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
        "rejected": 0,
    }

    inside = catalogue["inside"]
    text = (
        "id;unit;service;quantity;start;end\n"
        f"{inside.pk};{inside.unit_id};DST-BAS;2;2026-01-01;2026-09-30\n"
    )
    response = client.post("/services/subscriptions/import/", {"file": csv_file(text)})
    assert response.context["result"].summary["updated"] == 1
    inside.refresh_from_db()
    assert str(inside.end) == "2026-09-30"
    assert inside.identifier_list == ["PC-001", "PC-002"]  # no identifiers column: kept


@pytest.mark.django_db
def test_it_refuses_an_unknown_id_unit_or_cost_centre_in_a_subscription_import(
    client_for, catalogue
):
    text = (
        "id;unit;cost_centre;service;quantity;start\n"
        "999999;;;DST-BAS;1;2026-01-01\n"
        ";999999;;DST-BAS;1;2026-01-01\n"
        ";;;DST-BAS;1;2026-01-01\n"
        ";;nix;DST-BAS;1;2026-01-01\n"
        ";abc;;DST-BAS;1;2026-01-01\n"
    )

    response = client_for("itstaff").post(
        "/services/subscriptions/import/", {"file": csv_file(text)}
    )

    errors = {(r.number, c) for r in response.context["result"].rejected for c, _m in r.errors}
    assert errors == {(2, "id"), (3, "unit"), (4, "cost_centre"), (5, "cost_centre"), (6, "unit")}
    assert Subscription.objects.count() == 3


@pytest.mark.django_db
def test_it_imports_a_years_prices_into_a_new_price_list(client_for, catalogue):
    client = client_for("controller")
    text = (
        "service;valid_from;valid_to;amount\n"
        "DST-BAS;2027-01-01;2027-06-30;480\n"
        "DST-BAS;2027-07-01;;495,50\n"
        "SRV-VM;2027-01-01;;1 300\n"
    )

    dry = client.post("/services/prices/import/", {"file": csv_file(text), "dry_run": "on"})
    assert dry.context["result"].summary["created"] == 3
    assert not PriceList.objects.filter(year=2027).exists()  # the dry run wrote nothing

    client.post("/services/prices/import/", {"token": dry.context["token"]})

    price_list = PriceList.objects.get(year=2027)
    amounts = list(price_list.prices.order_by("service__code", "valid_from").values_list("amount"))
    assert amounts == [(Decimal("480"),), (Decimal("495.50"),), (Decimal("1300"),)]
    # A second import of the same file changes nothing
    again = client.post("/services/prices/import/", {"file": csv_file(text)})
    assert again.context["result"].summary["unchanged"] == 3


@pytest.mark.django_db
def test_it_imports_services_and_names_bad_cells(client_for, org, catalogue):
    client = client_for("itstaff")
    cc = org["it_office"].cost_centre
    bad = (
        "code;name;category;billing_unit;owner_unit;vat_rate\n"
        f"MOB;Mobil som tjänst;telefoni;device;{cc};25\n"
        f"WIFI;Trådlöst nät;communication;month;99999;25\n"
    )
    response = client.post("/services/services/import/", {"file": csv_file(bad)})
    assert response.status_code == 422
    errors = {(r.number, c) for r in response.context["result"].rejected for c, _m in r.errors}
    assert errors == {(2, "category"), (3, "owner_unit")}

    good = (
        "code;name;category;billing_unit;owner_unit;orderable;included\n"
        f"MOB;Mobil som tjänst;communication;per device and month;{cc};ja;Telefon och abonnemang\n"
    )
    client.post("/services/services/import/", {"file": csv_file(good)})

    service = Service.objects.get(code="MOB")
    assert service.billing_unit == "device"
    assert service.orderable is True
    assert service.owner_unit == org["it_office"]


@pytest.mark.django_db
def test_it_exports_services_and_prices_in_their_import_layout(client_for, catalogue):
    client = client_for("admin")

    services = client.get("/services/services/import/?export=csv").content.decode("utf-8-sig")
    prices = client.get("/services/prices/import/?export=csv").content.decode("utf-8-sig")

    again = client.post("/services/services/import/", {"file": csv_file(services)})
    assert again.context["result"].summary["unchanged"] == 3
    assert prices.splitlines()[:2] == [
        "service,valid_from,valid_to,amount",
        "DST-BAS,2026-01-01,2026-05-31,400.00",
    ]
    assert Price.objects.count() == 4
