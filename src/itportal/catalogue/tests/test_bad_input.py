"""Bad input is refused with a message naming the field (and the row and column in imports),
and nothing is written: through the page's form, the API and the import alike."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from itportal.catalogue.models import Price, Subscription

# (field values, the field refused, words of the message)
BAD_SUBSCRIPTIONS = [
    ({"quantity": "-3"}, "quantity", "cannot be negative"),
    ({"start": "2026-05-01", "end": "2026-04-30"}, "end", "cannot end (2026-04-30) before it"),
    (
        {"quantity": "3", "identifiers": "PC-101\nPC-102"},
        "identifiers",
        "2 devices or accounts are listed, but the quantity is 3",
    ),
    (
        {"quantity": "2", "identifiers": "PC-101\nPC-101"},
        "identifiers",
        "Listed twice: PC-101",
    ),
]


def subscription_data(org, catalogue, **values):
    return {
        "unit": org["it_office"].pk,
        "service": catalogue["computer"].pk,
        "quantity": "2",
        "start": "2026-05-01",
        "end": "",
        "identifiers": "",
        "reference": "BEST-2000",
        **values,
    }


def csv_file(text, name="data.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.mark.django_db
@pytest.mark.parametrize(("values", "field", "message"), BAD_SUBSCRIPTIONS)
def test_it_refuses_a_bad_subscription_in_the_form_naming_the_field(
    client_for, org, catalogue, values, field, message
):
    response = client_for("itstaff").post(
        "/services/subscriptions/add/", subscription_data(org, catalogue, **values)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert any(message in e for e in errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Subscription.objects.filter(reference="BEST-2000").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("values", "field", "message"), BAD_SUBSCRIPTIONS)
def test_it_refuses_a_bad_subscription_in_the_api_naming_the_field(
    users, org, catalogue, values, field, message
):
    token = Token.objects.create(user=users["itstaff"])
    api = Client(headers={"Authorization": f"Token {token.key}"})
    data = subscription_data(org, catalogue, **values)
    data["end"] = data["end"] or None

    response = api.post("/api/subscriptions/", data, content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert field in body, body
    if field != "quantity":  # a negative number is refused by the field's own minimum
        assert any(message in m for m in body[field]), body
    assert not Subscription.objects.filter(reference="BEST-2000").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("values", "field", "message"), BAD_SUBSCRIPTIONS)
def test_it_refuses_a_bad_subscription_in_an_import_naming_row_and_column(
    client_for, org, catalogue, values, field, message
):
    row = subscription_data(org, catalogue, **values)
    identifiers = row["identifiers"].replace("\n", ", ")
    cc = org["it_office"].cost_centre
    text = (
        "cost_centre;service;quantity;start;end;identifiers;reference\n"
        f"{cc};SRV-VM;1;2026-05-01;;;BEST-1999\n"
        f'{cc};DST-BAS;{row["quantity"]};{row["start"]};{row["end"]};"{identifiers}";BEST-2000\n'
    )

    response = client_for("itstaff").post(
        "/services/subscriptions/import/", {"file": csv_file(text)}
    )

    assert response.status_code == 422
    rejected = response.context["result"].rejected
    assert [r.number for r in rejected] == [3]
    assert field in [column for column, _m in rejected[0].errors]
    assert any(message in m for _c, m in rejected[0].errors)
    # All or nothing: the good row was not written either
    assert not Subscription.objects.filter(reference__in=["BEST-1999", "BEST-2000"]).exists()


@pytest.mark.django_db
def test_it_refuses_an_overlapping_price_in_the_form_the_api_and_an_import(
    client_for, users, catalogue
):
    count = Price.objects.count()
    data = {
        "price_list": catalogue["price_list"].pk,
        "service": catalogue["computer"].pk,
        "valid_from": "2026-08-01",
        "amount": "460",
    }
    clash = "already has a price from 2026-06-01 to 2026-08-31"

    form = client_for("controller").post("/services/prices/add/", data)
    token = Token.objects.create(user=users["controller"])
    api = Client(headers={"Authorization": f"Token {token.key}"})
    via_api = api.post("/api/prices/", data, content_type="application/json")
    imported = client_for("controller").post(
        "/services/prices/import/",
        {"file": csv_file("service;valid_from;valid_to;amount\nDST-BAS;2026-08-01;;460\n")},
    )

    assert clash in form.context["form"].errors["valid_from"][0]
    assert via_api.status_code == 400 and clash in via_api.json()["valid_from"][0]
    assert imported.status_code == 422
    assert imported.context["result"].rejected[0].errors[0][0] == "valid_from"
    assert clash in imported.context["result"].rejected[0].errors[0][1]
    assert Price.objects.count() == count


@pytest.mark.django_db
def test_it_refuses_a_price_outside_its_price_lists_year(client_for, catalogue):
    data = {
        "price_list": catalogue["price_list"].pk,
        "service": catalogue["server"].pk,
        "valid_from": "2027-01-01",
        "amount": "1300",
    }

    response = client_for("controller").post("/services/prices/add/", data)

    assert "must lie in 2026" in response.context["form"].errors["valid_from"][0]
    assert not Price.objects.filter(valid_from="2027-01-01").exists()


@pytest.mark.django_db
def test_it_refuses_a_negative_price_and_an_unknown_service_in_an_import(client_for, catalogue):
    text = "service;valid_from;amount\nDST-BAS;2027-01-01;-5\nNOPE;2027-01-01;10\n"

    response = client_for("controller").post("/services/prices/import/", {"file": csv_file(text)})

    errors = {(r.number, c) for r in response.context["result"].rejected for c, _m in r.errors}
    assert errors == {(2, "amount"), (3, "service")}
    assert not Price.objects.filter(valid_from="2027-01-01").exists()
