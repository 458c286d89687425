"""Who sees and changes what in the catalogue: everybody reads the catalogue and the prices;
subscriptions are for finance roles and, for their own units, the units' coordinators."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from rest_framework.authtoken.models import Token

from itportal.catalogue.models import Subscription
from itportal.catalogue.tests import access_table
from itportal.core.tests.access_outcomes import API_DENIED, LOGIN, REDIRECT, ROLES


def token_client(user):
    token, _ = Token.objects.get_or_create(user=user)
    return Client(headers={"Authorization": f"Token {token.key}"})


def outcome(response):
    if response.status_code == 302:
        login = urlsplit(response["Location"]).path == reverse("login")
        return LOGIN if login else REDIRECT
    return response.status_code


@pytest.mark.django_db
def test_it_gives_every_role_the_access_in_the_catalogue_rows(org, users, client_for):
    """The catalogue's rows of the permission table on their own, so that the catalogue stays
    checked while other apps' rows are being written."""
    by_model_name = {m._meta.model_name: obj for m, obj in access_table.objects(org).items()}
    urls = []
    for name in access_table.ROWS:
        kind = name.split(":")[-1].replace("-", "_").split("_")[0]
        try:
            url = reverse(name)
        except NoReverseMatch:
            url = reverse(name, kwargs={"pk": by_model_name[kind].pk})
        urls.append((name, url))
    wrong = []
    for index, role in enumerate(ROLES):
        client = client_for(role)
        for name, url in urls:
            expected = access_table.ROWS[name][index]
            got = outcome(client.get(url))
            if not (got in (401, 403) if expected == API_DENIED else got == expected):
                wrong.append(f"{role:<12} {url:<40} got {got!s:<9} expected {expected}")

    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_it_shows_a_coordinator_only_their_units_subscriptions_in_the_list(client_for, catalogue):
    response = client_for("coordinator").get("/services/subscriptions/")

    shown = {row.record for row in response.context["table"].rows}
    # IT-kontoret and Stadsledningsförvaltningen lie in their units; the school does not
    assert shown == {catalogue["inside"], catalogue["ended"]}
    assert "SKOLA-77" not in response.content.decode()
    outside = catalogue["outside"]
    assert client_for("coordinator").get(f"/services/subscriptions/{outside.pk}/").status_code == (
        404
    )


@pytest.mark.django_db
def test_it_shows_a_coordinator_only_their_units_subscriptions_in_the_api(users, catalogue):
    api = token_client(users["coordinator"])

    listed = api.get("/api/subscriptions/").json()
    outside = api.get(f"/api/subscriptions/{catalogue['outside'].pk}/")

    assert {row["reference"] for row in listed["results"]} == {"BEST-1001", "BEST-0900"}
    assert listed["count"] == 2
    assert outside.status_code == 404


@pytest.mark.django_db
def test_it_lets_a_coordinator_read_but_not_write_subscriptions(org, users, catalogue):
    api = token_client(users["coordinator"])
    inside = catalogue["inside"]

    created = api.post(
        "/api/subscriptions/",
        {
            "unit": org["it_office"].pk,
            "service": catalogue["server"].pk,
            "quantity": "1",
            "start": "2026-07-01",
        },
        content_type="application/json",
    )
    patched = api.patch(
        f"/api/subscriptions/{inside.pk}/",
        {"quantity": "5", "version": inside.version},
        content_type="application/json",
    )

    assert created.status_code == 403
    assert patched.status_code == 403
    assert Subscription.objects.count() == 3
    inside.refresh_from_db()
    assert inside.quantity == 2


@pytest.mark.django_db
def test_it_lets_an_employee_read_the_catalogue_but_not_subscriptions(users, client_for, catalogue):
    client = client_for("employee")
    api = token_client(users["employee"])

    assert client.get("/services/").status_code == 200
    assert client.get(f"/services/services/{catalogue['computer'].pk}/").status_code == 200
    assert client.get("/services/price-lists/").status_code == 200
    assert client.get("/services/subscriptions/").status_code == 403
    assert client.get(f"/services/subscriptions/{catalogue['inside'].pk}/").status_code == 403
    assert client.get("/services/it-fee/").status_code == 403
    assert api.get("/api/services/").status_code == 200
    assert api.get("/api/prices/").status_code == 200
    assert api.get("/api/subscriptions/").status_code == 403


@pytest.mark.django_db
def test_it_shows_the_menu_items_each_role_may_open(client_for, catalogue):
    def menu(role):
        response = client_for(role).get("/services/")
        return [item["label"] for item in response.context["portal"]["submenu"]]

    assert [str(i) for i in menu("employee")] == ["Catalogue", "Services", "Price lists"]
    assert [str(i) for i in menu("controller")] == [
        "Catalogue",
        "Services",
        "Price lists",
        "Subscriptions",
        "IT fee",
    ]
    assert "Subscriptions" in [str(i) for i in menu("coordinator")]
    assert "IT fee" not in [str(i) for i in menu("coordinator")]


@pytest.mark.django_db
def test_it_lets_controllers_keep_prices_but_not_services_or_subscriptions(
    users, catalogue, client_for
):
    client = client_for("controller")
    price = catalogue["prices"]["next"]

    assert client.get(f"/services/prices/{price.pk}/edit/").status_code == 200
    assert client.get("/services/price-lists/add/").status_code == 200
    assert client.get("/services/services/add/").status_code == 403
    assert client.get("/services/subscriptions/add/").status_code == 403
    assert client.get(f"/services/prices/{price.pk}/delete/").status_code == 403
