import re
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itportal.core.models import ObjectChange
from itportal.core.testing import OrgUnitFactory, PersonFactory, VendorFactory
from itportal.organisation.models import OrgUnit


def queries(client, url):
    client.get(url)  # warm caches (content types, session) so only the page's own queries count
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(org, n):
    """Add n more units (each with a manager and two people) and n vendors."""
    for i in range(n):
        unit = OrgUnitFactory(parent=org["school"], name=f"Skola {i}")
        people = [PersonFactory(unit=unit), PersonFactory(unit=unit)]
        OrgUnit.objects.filter(pk=unit.pk).update(manager=people[0])
        VendorFactory()


LIST_URLS = [
    "/org/units/",
    "/org/people/",
    "/org/vendors/",
    "/org/bodies/",
    "/org/organisations/",
    "/org/tree/",
    "/core/changes/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", LIST_URLS)
def test_it_renders_list_pages_with_a_constant_number_of_queries(client_for, org, url):
    client = client_for("admin")
    before = queries(client, url)
    grow(org, 12)
    after = queries(client, url)
    assert after == before, f"{url}: {before} queries with few rows, {after} with more"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["orgunit", "person", "vendor", "organisation"])
def test_it_renders_detail_pages_with_a_constant_number_of_queries(client_for, org, kind):
    client = client_for("admin")
    targets = {
        "orgunit": lambda: ("/org/units/{}/", org["it_office"]),
        "person": lambda: ("/org/people/{}/", org["people"][0]),
        "vendor": lambda: ("/org/vendors/{}/", org["vendor"]),
        "organisation": lambda: ("/org/organisations/{}/", org["organisation"]),
    }
    pattern, obj = targets[kind]()
    url = pattern.format(obj.pk)
    before = queries(client, url)
    for _ in range(8):
        PersonFactory(unit=org["it_office"])
        OrgUnitFactory(parent=org["it_office"])
    from itportal.core.services import update_object

    update_object(
        type(obj).objects.get(pk=obj.pk),
        actor="test",
        data={"active": False} if kind != "vendor" else {"phone": "1"},
    )
    after = queries(client, url)
    assert after == before


@pytest.mark.django_db
def test_it_creates_a_unit_through_the_form_and_shows_it_in_the_history(client_for, org):
    client = client_for("itstaff")
    data = {
        "organisation": org["organisation"].pk,
        "parent": org["administration"].pk,
        "name": "Digitaliseringsenheten",
        "kind": "unit",
        "cost_centre": "1450",
        "headcount": "7",
        "active": "on",
    }
    response = client.post("/org/units/add/", data)
    unit = OrgUnit.objects.get(cost_centre="1450")
    assert response.status_code == 302 and response["Location"] == f"/org/units/{unit.pk}/"
    data.update(name="Digitaliseringskontoret", _version=unit.version)
    client.post(f"/org/units/{unit.pk}/edit/", data)
    page = client.get(f"/org/units/{unit.pk}/").content.decode()
    assert "Digitaliseringsenheten" in page and "Digitaliseringskontoret" in page
    assert (
        ObjectChange.objects.filter(object_id=str(unit.pk), content_type__model="orgunit").count()
        == 2
    )


@pytest.mark.django_db
def test_it_shows_a_stale_edit_as_a_form_error(client_for, org):
    client = client_for("admin")
    vendor = org["vendor"]
    data = {
        "name": "Norrdata Nord AB",
        "org_number": vendor.org_number,
        "country": "SE",
        "_version": 1,
    }
    assert client.post(f"/org/vendors/{vendor.pk}/edit/", data).status_code == 302
    data["name"] = "Norrdata Syd AB"
    response = client.post(f"/org/vendors/{vendor.pk}/edit/", data)
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    vendor.refresh_from_db()
    assert vendor.name == "Norrdata Nord AB"


@pytest.mark.django_db
def test_it_limits_a_coordinator_to_their_subtree(client_for, org):
    client = client_for("coordinator")
    inside, outside = org["it_office"], org["school"]
    assert client.get(f"/org/units/{inside.pk}/edit/").status_code == 200
    assert client.get(f"/org/units/{outside.pk}/edit/").status_code == 404
    form = client.get(f"/org/people/{org['people'][0].pk}/edit/").context["form"]
    offered = set(form.fields["unit"].queryset.values_list("pk", flat=True))
    assert offered == {org["administration"].pk, inside.pk}


@pytest.mark.django_db
def test_it_exports_the_filtered_list_to_csv_and_xlsx(client_for, org):
    client = client_for("employee")
    response = client.get("/org/people/?q=" + org["people"][3].first_name + "&export=csv")
    lines = response.content.decode("utf-8").strip().splitlines()
    assert len(lines) == 2 and org["people"][3].email in lines[1]
    response = client.get("/org/units/?kind=office&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][0] == "IT-kontoret"
    assert sheet.max_row == 2


@pytest.mark.django_db
def test_it_searches_sorts_and_paginates_the_unit_list(client_for, org):
    grow(org, 30)
    client = client_for("admin")
    page = client.get("/org/units/?q=skola&sort=-name&per_page=25")
    table = page.context["table"]
    names = [row.record.name for row in table.paginated_rows]
    assert len(names) == 25 and names == sorted(names, reverse=True)
    assert table.paginator.count == 30
    partial = client.get("/org/units/?q=skola", HTTP_HX_REQUEST="true")
    assert partial.templates[0].name == "core/partials/table_block.html"


@pytest.mark.django_db
def test_it_lets_a_user_choose_columns(client_for, org):
    client = client_for("admin")
    page = client.get("/org/units/?columns=name&columns=cost_centre")
    assert [c.name for c in page.context["table"].columns] == ["name", "cost_centre"]
    again = client.get("/org/units/")  # the choice is remembered
    assert [c.name for c in again.context["table"].columns] == ["name", "cost_centre"]


@pytest.mark.django_db
def test_it_deletes_a_vendor_and_logs_it(client_for, org):
    vendor = org["vendor"]
    response = client_for("admin").post(
        f"/org/vendors/{vendor.pk}/delete/", {"_version": vendor.version}
    )
    assert response.status_code == 302
    assert ObjectChange.objects.filter(object_id=str(vendor.pk), action="delete").exists()


@pytest.mark.django_db
def test_it_explains_why_a_unit_cannot_be_deleted(client_for, org):
    unit = org["it_office"]
    response = client_for("admin").post(f"/org/units/{unit.pk}/delete/", {"_version": unit.version})
    assert response.status_code == 409
    assert "cannot be deleted while" in response.content.decode()
    assert OrgUnit.objects.filter(pk=unit.pk).exists()


@pytest.mark.django_db
def test_it_refuses_a_coordinator_moving_a_unit_out_of_their_subtree(client_for, org):
    unit = org["it_office"]
    data = {
        "organisation": org["organisation"].pk,
        "parent": "",
        "name": unit.name,
        "kind": unit.kind,
        "cost_centre": unit.cost_centre,
        "headcount": "0",
        "active": "on",
        "_version": unit.version,
    }
    response = client_for("coordinator").post(f"/org/units/{unit.pk}/edit/", data)
    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.parent == org["administration"]
    assert not ObjectChange.objects.filter(object_id=str(unit.pk), action="update").exists()


@pytest.mark.django_db
def test_it_defuses_spreadsheet_formulas_in_exports(client_for, org):
    from io import BytesIO

    from openpyxl import load_workbook

    person = org["people"][0]
    type(person).objects.filter(pk=person.pk).update(title='=HYPERLINK("http://x.test";"y")')
    client = client_for("admin")
    csv_text = client.get(f"/org/people/?q={person.email}&export=csv&columns=name&columns=title")
    assert "'=HYPERLINK" in csv_text.content.decode("utf-8-sig")
    xlsx = client.get("/org/people/import/?export=xlsx")
    sheet = load_workbook(BytesIO(xlsx.content)).active
    titles = [row[5].value for row in sheet.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://x.test";"y")' in titles
    assert all(row[5].data_type != "f" for row in sheet.iter_rows(min_row=2))


@pytest.mark.django_db
def test_the_page_length_links_change_the_page_length(client_for, org):
    grow(org, 30)
    client = client_for("admin")
    page = client.get("/org/units/?q=skola&page=2").content.decode()
    links = {
        text: href.replace("&amp;", "&")
        for href, text in re.findall(r'<a href="(\?[^"]*per_page[^"]*)">(\d+)</a>', page)
    }
    query = parse_qs(links["25"][1:])
    # the same search, the new length, from the first page
    assert query == {"q": ["skola"], "per_page": ["25"]}
    shorter = client.get("/org/units/" + links["25"])
    assert len(shorter.context["table"].paginated_rows) == 25
