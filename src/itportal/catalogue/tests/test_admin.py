"""The Django admin writes through the catalogue's services: the model's rules refuse bad
input as form errors, and every change is logged."""

import pytest
from django.test import Client

from itportal.catalogue.models import Price
from itportal.core.models import ObjectChange


@pytest.fixture
def admin_site():
    """A client logged in as a superuser (the Django admin wants staff with model rights)."""
    from itportal.core.testing import make_user

    client = Client()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["service", "pricelist", "price", "subscription", "itfeerule"])
def test_it_lists_the_catalogue_in_the_admin(admin_site, catalogue, model):
    response = admin_site.get(f"/admin/catalogue/{model}/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_it_refuses_an_overlapping_price_in_the_admin_and_logs_a_good_one(admin_site, catalogue):
    client = admin_site
    data = {
        "price_list": catalogue["price_list"].pk,
        "service": catalogue["server"].pk,
        "valid_from": "2026-03-01",
        "amount": "1300",
    }

    refused = client.post("/admin/catalogue/price/add/", data)

    assert refused.status_code == 200
    assert "price periods of a service cannot overlap" in refused.content.decode()
    assert Price.objects.filter(service=catalogue["server"]).count() == 1

    server_price = catalogue["prices"]["server"]
    data.update(valid_from="2026-01-01", valid_to="2026-02-28")
    saved = client.post(f"/admin/catalogue/price/{server_price.pk}/change/", data)

    assert saved.status_code == 302
    server_price.refresh_from_db()
    assert str(server_price.valid_to) == "2026-02-28"
    change = ObjectChange.objects.get(content_type__model="price", object_id=str(server_price.pk))
    assert change.actor == "root"
    assert change.after["valid_to"] == "2026-02-28"
