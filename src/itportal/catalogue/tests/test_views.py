"""The catalogue's pages: the shop window, lists with filters and exports, detail pages, and a
constant number of queries however many rows there are."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itportal.catalogue.models import Price, Service, Subscription
from itportal.registry.models import System


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def text_of(response):
    """The page's visible text, tags stripped and white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", "\u00a0")
    return " ".join(w for w in re.split(r"[ \t\r\n]+", text) if w)


def grow(org, catalogue, n, start=0):
    """n more services, each with a price, a system and subscriptions."""
    price_list = catalogue["price_list"]
    for i in range(start, start + n):
        service = Service.objects.create(
            name=f"Tjänst {i:03d}",
            code=f"T-{i:03d}",
            category=("workplace", "print", "support")[i % 3],
            owner=org["people"][1],
            owner_unit=org["it_office"],
            billing_unit="user",
            orderable=bool(i % 2),
        )
        service.systems.add(System.objects.create(name=f"System {i}", owning_unit=org["school"]))
        Price.objects.create(
            price_list=price_list, service=service, valid_from="2026-01-01", amount=10 + i
        )
        for unit in (org["it_office"], org["school"]):
            Subscription.objects.create(unit=unit, service=service, quantity=i, start="2026-01-01")


# --- The shop window -------------------------------------------------------------------------
@pytest.mark.django_db
def test_it_shows_each_service_with_the_price_valid_today_by_category(client_for, catalogue, today):
    response = client_for("employee").get("/services/")

    assert response.status_code == 200
    page = text_of(response)
    # Categories as headings, in the categories' order, with only the services shown
    headings = re.findall(r"<h2 id=\"category-(\w+)\"", response.content.decode())
    assert headings == ["workplace", "infrastructure"]
    assert "Dator som tjänst" in page and "Virtuell server" in page
    assert "Faxtjänst" not in page  # retired: gone from the shop window
    # The price changed on 1 June: the page shows today's, not January's, and announces the next
    assert "450.00 SEK per device and month" in page
    assert "400.00" not in page
    assert "From 1 September 2026: 475.00 SEK." in page
    assert "1,250.00 SEK fixed per month" in page
    assert "companies pay VAT at 25 %" in page and "companies pay VAT at 12 %" in page
    assert "Orderable" in page
    assert "Office-paket" in page and "Mobiltelefon" in page  # included / not included
    assert "IT-kontoret" in page and "Intune" in page  # delivering unit and linked system


@pytest.mark.django_db
def test_it_formats_prices_the_swedish_way(client_for, catalogue, today):
    client = client_for("employee")
    response = client.get("/services/", headers={"accept-language": "sv"})

    page = text_of(response)
    assert "1\u00a0250,00" in page
    assert "450,00" in page


@pytest.mark.django_db
def test_it_searches_and_filters_the_catalogue_by_category(client_for, catalogue, today):
    client = client_for("employee")

    by_word = text_of(client.get("/services/?q=server"))
    by_category = text_of(client.get("/services/?category=workplace"))
    nothing = text_of(client.get("/services/?q=flygplan"))

    assert "Virtuell server" in by_word and "Dator som tjänst" not in by_word
    assert "Dator som tjänst" in by_category and "Virtuell server" not in by_category
    assert "No service matches your search." in nothing
    assert client.get("/services/?category=nonsense").status_code == 200  # ignored, not a 500


@pytest.mark.django_db
def test_it_renders_the_catalogue_with_few_queries_whatever_the_number_of_services(
    client_for, org, catalogue, today
):
    client = client_for("employee")
    grow(org, catalogue, 2)
    before = count_queries(client, "/services/")
    grow(org, catalogue, 15, start=2)

    after = count_queries(client, "/services/")

    assert after == before
    assert after <= 10


# --- Lists -----------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/services/services/",
        "/services/services/?category=workplace&orderable=true&q=t",
        "/services/price-lists/",
        "/services/price-lists/{price_list}/",
        "/services/services/{computer}/",
        "/services/subscriptions/",
        "/services/subscriptions/?unit={administration}&active_on=2026-06-15",
        "/services/subscriptions/{inside}/",
        "/services/it-fee/",
    ],
)
def test_it_renders_lists_and_pages_with_a_constant_number_of_queries(
    client_for, org, catalogue, today, url
):
    url = url.format(
        price_list=catalogue["price_list"].pk,
        computer=catalogue["computer"].pk,
        inside=catalogue["inside"].pk,
        administration=org["administration"].pk,
    )
    client = client_for("controller")
    grow(org, catalogue, 2)
    before = count_queries(client, url)
    grow(org, catalogue, 10, start=2)

    assert count_queries(client, url) == before


@pytest.mark.django_db
def test_it_filters_services_by_category_status_billing_unit_and_orderable(
    client_for, catalogue, today
):
    client = client_for("employee")

    def names(query):
        response = client.get(f"/services/services/?{query}")
        return [row.record.name for row in response.context["table"].rows]

    assert names("") == ["Dator som tjänst", "Faxtjänst", "Virtuell server"]
    assert names("category=infrastructure") == ["Virtuell server"]
    assert names("status=retired") == ["Faxtjänst"]
    assert names("billing_unit=device") == ["Dator som tjänst"]
    assert names("orderable=true") == ["Dator som tjänst"]
    assert names("q=SRV") == ["Virtuell server"]


@pytest.mark.django_db
def test_it_lists_services_with_todays_price_and_exports_them(client_for, catalogue, today):
    client = client_for("employee")

    page = text_of(client.get("/services/services/"))
    export = client.get("/services/services/?export=csv").content.decode("utf-8-sig")

    assert "450.00" in page and "1,250.00" in page
    assert export.splitlines()[0].startswith("Name,Code,Category")
    rows = {row[0]: row for row in csv.reader(io.StringIO(export))}
    assert rows["Dator som tjänst"][1:4] == ["DST-BAS", "Workplace", "per device and month"]
    assert Decimal(rows["Dator som tjänst"][4]) == Decimal(450)  # a plain number, not text
    assert Decimal(rows["Virtuell server"][4]) == Decimal(1250)


@pytest.mark.django_db
def test_it_filters_subscriptions_by_unit_subtree_service_date_source_and_reference(
    client_for, org, catalogue, today
):
    client = client_for("controller")

    def references(query):
        response = client.get(f"/services/subscriptions/?{query}")
        assert response.status_code == 200
        return sorted(row.record.reference for row in response.context["table"].rows)

    everything = ["BEST-0900", "BEST-1001", "SKOLA-77"]
    assert references("") == everything  # default: every date
    # The administration's subtree holds the IT office
    assert references(f"unit={org['administration'].pk}") == ["BEST-0900", "BEST-1001"]
    assert references(f"unit={org['school'].pk}") == ["SKOLA-77"]
    assert references(f"cost_centre={org['school'].cost_centre}") == ["SKOLA-77"]
    assert references(f"service={catalogue['server'].pk}") == ["BEST-0900"]
    assert references("category=workplace") == ["BEST-1001", "SKOLA-77"]
    assert references("active_on=2026-06-15") == ["BEST-1001", "SKOLA-77"]
    assert references("active_on=2026-01-15") == ["BEST-0900", "BEST-1001"]
    assert references("source=manual") == everything
    assert references("source=import") == []
    assert references("q=PC-002") == ["BEST-1001"]  # the devices behind the quantity
    assert references("q=skola") == ["SKOLA-77"]


@pytest.mark.django_db
def test_it_exports_subscriptions_as_filtered(client_for, org, catalogue):
    client = client_for("controller")

    export = client.get(
        f"/services/subscriptions/?unit={org['school'].pk}&export=csv"
    ).content.decode("utf-8-sig")

    lines = export.splitlines()
    assert len(lines) == 2
    assert "Utbildningsförvaltningen" in lines[1] and "30.00" in lines[1]


@pytest.mark.django_db
def test_it_filters_it_fee_rules_by_organisation(client_for, org, catalogue):
    from itportal.catalogue.models import ITFeeRule
    from itportal.core.testing import OrganisationFactory

    company = OrganisationFactory(name="Norrsjö Energi AB", kind="company")
    ITFeeRule.objects.create(
        organisation=org["organisation"],
        basis="employee",
        annual_amount=2400,
        valid_from="2026-01-01",
    )
    ITFeeRule.objects.create(
        organisation=company, basis="account", annual_amount=1800, valid_from="2026-01-01"
    )
    client = client_for("controller")

    response = client.get(f"/services/it-fee/?organisation={company.pk}")

    rows = [row.record for row in response.context["table"].rows]
    assert [r.organisation for r in rows] == [company]
    assert "1,800.00" in text_of(response)


# --- Detail pages ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_it_shows_a_services_prices_over_time_and_its_content(client_for, catalogue, today):
    response = client_for("employee").get(f"/services/services/{catalogue['computer'].pk}/")

    page = text_of(response)
    assert "Price on 15 June 2026: 450.00 SEK per device and month, excluding VAT." in page
    for start, end, amount in [
        ("2026-09-01", "2026-12-31", "475.00"),
        ("2026-06-01", "2026-08-31", "450.00"),
        ("2026-01-01", "2026-05-31", "400.00"),
    ]:
        assert f"2026 {start} {end} {amount}" in page
    assert "Office-paket" in page and "Intune" in page


@pytest.mark.django_db
def test_it_shows_the_subscription_summary_to_finance_roles_only(client_for, catalogue, today):
    url = f"/services/services/{catalogue['computer'].pk}/"

    finance = text_of(client_for("controller").get(url))
    coordinator = text_of(client_for("coordinator").get(url))
    employee = text_of(client_for("employee").get(url))

    # Two subscriptions run today (2 + 30 devices) in two units
    assert "Subscriptions running today 2 Quantity today 32 Units subscribing today 2" in finance
    # A coordinator sees the figures of their own units only
    assert "In the units you act for." in coordinator
    assert "Subscriptions running today 1 Quantity today 2 Units subscribing today 1" in coordinator
    assert "Subscriptions running today" not in employee


@pytest.mark.django_db
def test_it_shows_a_price_list_by_service_with_validity_periods(client_for, catalogue):
    response = client_for("controller").get(f"/services/price-lists/{catalogue['price_list'].pk}/")

    page = text_of(response)
    assert "Prices 2026" in page
    assert (
        "Dator som tjänst per device and month 2026-01-01 2026-05-31 400.00 Edit "
        "2026-06-01 2026-08-31 450.00 Edit 2026-09-01 (2026-12-31) 475.00 Edit"
    ) in page
    assert "Virtuell server fixed per month 2026-01-01 (2026-12-31) 1,250.00" in page
    add_url = f"/services/prices/add/?price_list={catalogue['price_list'].pk}"
    assert add_url in response.content.decode()


@pytest.mark.django_db
def test_it_shows_a_subscription_with_its_devices_and_cost_today(client_for, catalogue, today):
    response = client_for("itstaff").get(f"/services/subscriptions/{catalogue['inside'].pk}/")

    page = text_of(response)
    assert "PC-001" in page and "PC-002" in page
    assert "Per month at today's price 900.00 SEK excl. VAT" in page
    assert "History" in page


@pytest.mark.django_db
def test_it_prefills_the_price_list_when_adding_a_price_from_it(client_for, catalogue):
    price_list = catalogue["price_list"]

    response = client_for("controller").get(f"/services/prices/add/?price_list={price_list.pk}")

    assert response.status_code == 200
    assert response.context["form"]["price_list"].value() == str(price_list.pk)


@pytest.mark.django_db
def test_it_adds_a_price_and_logs_it(client_for, catalogue):
    from itportal.core.models import ObjectChange

    client = client_for("controller")
    data = {
        "price_list": catalogue["price_list"].pk,
        "service": catalogue["server"].pk,
        "valid_from": "2026-01-01",
        "amount": "1250",
    }
    # The server already has a price for the whole year: refused, naming the clash
    response = client.post("/services/prices/add/", data)
    assert response.status_code == 200
    assert "already has a price from 2026-01-01 to 2026-12-31" in text_of(response)
    assert Price.objects.filter(service=catalogue["server"]).count() == 1

    server_price = catalogue["prices"]["server"]
    edit = {**data, "valid_to": "2026-06-30", "_version": server_price.version}
    assert client.post(f"/services/prices/{server_price.pk}/edit/", edit).status_code == 302
    data.update(valid_from="2026-07-01", amount="1300")
    response = client.post("/services/prices/add/", data)

    assert response.status_code == 302
    assert response["Location"] == f"/services/price-lists/{catalogue['price_list'].pk}/"
    new = Price.objects.get(service=catalogue["server"], valid_from="2026-07-01")
    assert ObjectChange.objects.filter(object_id=str(new.pk), action="create").exists()


@pytest.mark.django_db
def test_it_adds_a_service_with_its_systems(client_for, org, catalogue):
    system = System.objects.create(name="Papercut", owning_unit=org["it_office"])
    data = {
        "name": "Utskrift som tjänst",
        "code": "PRINT",
        "category": "print",
        "summary": "Skrivare i korridoren",
        "owner": org["people"][0].email,
        "owner_unit": org["it_office"].pk,
        "billing_unit": "month",
        "cost_kind": "keep_running",
        "systems": [system.pk],
        "orderable": "on",
        "status": "active",
        "vat_rate": "25",
    }

    response = client_for("itstaff").post("/services/services/add/", data)

    assert response.status_code == 302, text_of(response)[:2000]
    service = Service.objects.get(code="PRINT")
    assert list(service.systems.all()) == [system]
    assert service.owner == org["people"][0]


@pytest.mark.django_db
def test_it_refuses_to_delete_a_service_that_has_subscriptions(client_for, catalogue):
    service = catalogue["server"]

    response = client_for("admin").post(
        f"/services/services/{service.pk}/delete/", {"_version": service.version}
    )

    assert response.status_code == 409
    assert "cannot be deleted" in text_of(response)
    assert Service.objects.filter(pk=service.pk).exists()


@pytest.mark.django_db
def test_it_refuses_an_overlapping_it_fee_rule_and_writes_nothing(client_for, org):
    from itportal.catalogue.models import ITFeeRule

    client = client_for("controller")
    data = {
        "organisation": org["organisation"].pk,
        "basis": "employee",
        "annual_amount": "2400",
        "valid_from": "2026-01-01",
        "vat_rate": "25",
    }
    assert client.post("/services/it-fee/add/", data).status_code == 302
    data.update(valid_from="2026-07-01", annual_amount="2600")

    response = client.post("/services/it-fee/add/", data)

    assert response.status_code == 200
    assert "already has an IT fee rule from 2026-01-01" in text_of(response)
    assert ITFeeRule.objects.count() == 1


@pytest.mark.django_db
def test_it_offers_the_delete_of_an_it_fee_rule_to_administrators_only(client_for, org):
    from itportal.catalogue.models import ITFeeRule

    rule = ITFeeRule.objects.create(
        organisation=org["organisation"],
        basis="employee",
        annual_amount=2400,
        valid_from=datetime.date(2026, 1, 1),
    )
    url = f"/services/it-fee/{rule.pk}/edit/"

    assert "Delete this rule" in text_of(client_for("admin").get(url))
    assert "Delete this rule" not in text_of(client_for("controller").get(url))
