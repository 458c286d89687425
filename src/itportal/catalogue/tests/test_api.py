"""The catalogue over the REST API: CRUD with the version for optimistic locking, audit rows,
filters like the list pages."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from itportal.catalogue.models import ITFeeRule, PriceList, Service, Subscription
from itportal.core.models import ObjectChange


def token_client(user):
    token, _ = Token.objects.get_or_create(user=user)
    return Client(headers={"Authorization": f"Token {token.key}"})


@pytest.fixture
def staff_api(users):
    return token_client(users["itstaff"])


@pytest.mark.django_db
def test_it_creates_reads_updates_and_deletes_a_subscription(org, users, catalogue, staff_api):
    created = staff_api.post(
        "/api/subscriptions/",
        {
            "unit": org["school"].pk,
            "service": catalogue["computer"].pk,
            "quantity": "2",
            "start": "2026-07-01",
            "identifiers": "PC-301\nPC-302",
            "reference": "BEST-4000",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["version"] == 1
    assert body["url"] == f"/services/subscriptions/{body['id']}/"
    url = f"/api/subscriptions/{body['id']}/"

    no_version = staff_api.patch(url, {"quantity": "3"}, content_type="application/json")
    stale = staff_api.patch(
        url, {"end": "2026-12-31", "version": 7}, content_type="application/json"
    )
    updated = staff_api.patch(
        url, {"end": "2026-12-31", "version": 1}, content_type="application/json"
    )

    assert no_version.status_code == 400 and "version" in no_version.json()
    assert stale.status_code == 409
    assert updated.status_code == 200 and updated.json()["version"] == 2
    subscription = Subscription.objects.get(reference="BEST-4000")
    assert str(subscription.end) == "2026-12-31"
    changes = ObjectChange.objects.filter(
        content_type__model="subscription", object_id=str(subscription.pk)
    )
    assert [c.action for c in changes] == ["update", "create"]
    assert changes[0].actor == "itstaff"
    assert staff_api.delete(f"{url}?version=2").status_code == 403  # IT administrators delete
    admin = token_client(users["admin"])
    assert admin.delete(f"{url}?version=2").status_code == 204
    assert not Subscription.objects.filter(reference="BEST-4000").exists()


@pytest.mark.django_db
def test_it_filters_subscriptions_like_the_list_page(org, users, catalogue):
    api = token_client(users["controller"])

    def references(query):
        response = api.get(f"/api/subscriptions/?{query}")
        assert response.status_code == 200, response.content
        return sorted(row["reference"] for row in response.json()["results"])

    assert references(f"unit={org['administration'].pk}") == ["BEST-0900", "BEST-1001"]
    assert references("active_on=2026-06-15") == ["BEST-1001", "SKOLA-77"]
    assert references(f"service={catalogue['server'].pk}") == ["BEST-0900"]
    assert references("category=workplace&q=skola") == ["SKOLA-77"]
    assert api.get("/api/subscriptions/?active_on=juni").status_code == 400


@pytest.mark.django_db
def test_it_lets_a_controller_keep_price_lists_and_prices(users, catalogue):
    api = token_client(users["controller"])

    price_list = api.post("/api/price-lists/", {"year": 2027}, content_type="application/json")
    assert price_list.status_code == 201
    price = api.post(
        "/api/prices/",
        {
            "price_list": price_list.json()["id"],
            "service": catalogue["computer"].pk,
            "valid_from": "2027-01-01",
            "amount": "490.00",
        },
        content_type="application/json",
    )
    assert price.status_code == 201, price.json()
    valid = api.get("/api/prices/?valid_on=2026-06-15&service=" + str(catalogue["computer"].pk))

    assert [row["amount"] for row in valid.json()["results"]] == ["450.00"]
    assert PriceList.objects.get(year=2027).prices.get().amount == 490
    refused = api.post(
        "/api/services/",
        {"name": "X", "code": "X", "category": "print", "owner_unit": 1, "billing_unit": "month"},
        content_type="application/json",
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_it_creates_a_service_with_systems_and_filters_services(org, users, catalogue, staff_api):
    from itportal.registry.models import System

    system = System.objects.create(name="Papercut", owning_unit=org["it_office"])
    response = staff_api.post(
        "/api/services/",
        {
            "name": "Utskrift som tjänst",
            "code": "PRINT",
            "category": "print",
            "owner_unit": org["it_office"].pk,
            "billing_unit": "month",
            "systems": [system.pk],
            "orderable": True,
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    assert Service.objects.get(code="PRINT").systems.get() == system
    listed = staff_api.get("/api/services/?category=print&orderable=true").json()["results"]
    assert [s["code"] for s in listed] == ["PRINT"]
    retired = staff_api.patch(
        f"/api/services/{response.json()['id']}/",
        {"status": "retired", "version": 1},
        content_type="application/json",
    )
    assert retired.status_code == 400
    assert "cannot be orderable" in retired.json()["orderable"][0]


@pytest.mark.django_db
def test_it_refuses_an_overlapping_it_fee_rule_in_the_api(org, users):
    api = token_client(users["controller"])
    rule = {
        "organisation": org["organisation"].pk,
        "basis": "employee",
        "annual_amount": "2400",
        "valid_from": "2026-01-01",
    }
    assert api.post("/api/it-fee-rules/", rule, content_type="application/json").status_code == 201

    rule["valid_from"] = "2026-07-01"
    response = api.post("/api/it-fee-rules/", rule, content_type="application/json")

    assert response.status_code == 400
    assert "already has an IT fee rule" in response.json()["valid_from"][0]
    assert ITFeeRule.objects.count() == 1
    listed = api.get(f"/api/it-fee-rules/?organisation={org['organisation'].pk}").json()
    assert listed["count"] == 1
