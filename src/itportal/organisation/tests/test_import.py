import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook

from itportal.core.models import ObjectChange
from itportal.organisation.models import OrgUnit, Person, Vendor

PEOPLE_URL = "/org/people/import/"
UNITS_URL = "/org/units/import/"


def csv_file(text, name="people.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="units.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def people_csv(org, rows):
    number = org["organisation"].org_number
    cc = org["it_office"].cost_centre
    lines = ["email;first_name;last_name;organisation;unit_cost_centre;title;active"]
    lines += [r.format(org=number, cc=cc) for r in rows]
    return "\n".join(lines) + "\n"


@pytest.mark.django_db
def test_it_shows_a_dry_run_and_writes_nothing(client_for, org):
    text = people_csv(org, ["ny.person@kommun.test;Åsa;Öberg;{org};{cc};IT-tekniker;ja"])
    response = client_for("itstaff").post(PEOPLE_URL, {"file": csv_file(text), "dry_run": "on"})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.summary == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    assert not result.committed
    assert not Person.objects.filter(email="ny.person@kommun.test").exists()
    assert response.context["token"]


@pytest.mark.django_db
def test_it_imports_after_the_dry_run_is_confirmed_and_logs_each_row(client_for, org):
    client = client_for("itstaff")
    text = people_csv(org, ["ny.person@kommun.test;Åsa;Öberg;{org};{cc};IT-tekniker;ja"])
    token = client.post(PEOPLE_URL, {"file": csv_file(text), "dry_run": "on"}).context["token"]
    response = client.post(PEOPLE_URL, {"token": token})
    assert response.context["result"].committed
    person = Person.objects.get(email="ny.person@kommun.test")
    assert (person.first_name, person.last_name, person.unit) == ("Åsa", "Öberg", org["it_office"])
    change = ObjectChange.objects.get(object_id=str(person.pk), content_type__model="person")
    assert (change.action, change.actor, change.source) == ("create", "itstaff", "import")


@pytest.mark.django_db
def test_it_rejects_the_whole_file_when_one_row_is_wrong_naming_row_and_column(client_for, org):
    text = people_csv(
        org,
        [
            "a.first@kommun.test;Anna;Ek;{org};{cc};;ja",
            "b.second@kommun.test;Bo;Ek;{org};99999;;ja",
            "not-an-email;Cilla;Ek;{org};{cc};;kanske",
        ],
    )
    response = client_for("itstaff").post(PEOPLE_URL, {"file": csv_file(text)})
    assert response.status_code == 422
    errors = {(r.number, c) for r in response.context["result"].rejected for c, _m in r.errors}
    assert (3, "unit_cost_centre") in errors
    assert (4, "active") in errors
    assert (4, "email") in errors or any(n == 4 for n, _c in errors)
    assert not Person.objects.filter(
        email__in=["a.first@kommun.test", "b.second@kommun.test"]
    ).exists()
    body = response.content.decode()
    assert "has no unit with cost centre 99999" in body


@pytest.mark.django_db
def test_it_updates_existing_people_found_by_email(client_for, org):
    person = org["people"][0]
    text = people_csv(org, [f"{person.email};{person.first_name};Nyberg;{{org}};{{cc}};Chef;ja"])
    response = client_for("admin").post(PEOPLE_URL, {"file": csv_file(text)})
    assert response.context["result"].summary["updated"] == 1
    person.refresh_from_db()
    assert (person.last_name, person.title, person.version) == ("Nyberg", "Chef", 2)


@pytest.mark.django_db
def test_it_imports_a_unit_tree_from_xlsx_with_parents_in_the_same_file(client_for, org):
    number = org["organisation"].org_number
    rows = [
        [
            "organisation",
            "cost_centre",
            "name",
            "kind",
            "parent_cost_centre",
            "headcount",
            "active",
        ],
        [
            number,
            "7000",
            "Samhällsbyggnadsförvaltningen",
            "Administration",
            org["board"].cost_centre,
            120,
            "ja",
        ],
        [number, "7010", "Plankontoret", "office", "7000", 14, "ja"],
    ]
    response = client_for("admin").post(UNITS_URL, {"file": xlsx_file(rows)})
    assert response.context["result"].committed, response.context["result"].rejected
    office = OrgUnit.objects.get(cost_centre="7010")
    parent = OrgUnit.objects.get(cost_centre="7000")
    assert office.parent == parent
    assert office.path == f"{parent.path}{office.pk}/"
    assert parent.kind == "administration"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["organisation", "cost_centre", "name", "kind", "colour"], "Unknown columns: colour"),
        (["organisation", "cost_centre", "kind"], "Missing columns: name"),
    ],
)
def test_it_names_extra_and_missing_columns_in_xlsx(client_for, org, header, message):
    rows = [header, ["x"] * len(header)]
    response = client_for("admin").post(UNITS_URL, {"file": xlsx_file(rows)})
    assert response.status_code == 400
    assert message in response.context["file_error"]
    assert OrgUnit.objects.count() == 4


@pytest.mark.django_db
def test_it_refuses_a_malformed_csv(client_for, org):
    text = 'email;first_name;last_name;organisation;unit_cost_centre\n"unterminated;Anna\n'
    response = client_for("admin").post(PEOPLE_URL, {"file": csv_file(text)})
    assert response.status_code == 400
    assert "malformed" in response.context["file_error"]


@pytest.mark.django_db
def test_it_refuses_a_file_over_the_size_limit(client_for, org):
    big = SimpleUploadedFile("big.csv", b"x" * (2 * 1024 * 1024))
    with override_settings(IMPORT_MAX_BYTES=1024 * 1024):
        response = client_for("admin").post(PEOPLE_URL, {"file": big})
    assert response.status_code == 400
    assert "largest file accepted is 1.0 MB" in response.context["file_error"]


@pytest.mark.django_db
def test_it_reads_windows_1252_csv_from_excel(client_for, org):
    text = people_csv(org, ["ake@kommun.test;Åke;Strömbäck;{org};{cc};;ja"])
    response = client_for("admin").post(PEOPLE_URL, {"file": csv_file(text, encoding="cp1252")})
    assert response.context["result"].committed
    assert Person.objects.get(email="ake@kommun.test").last_name == "Strömbäck"


@pytest.mark.django_db
def test_it_exports_in_the_import_layout_and_the_export_imports_back_unchanged(client_for, org):
    client = client_for("admin")
    exported = client.get("/org/vendors/import/?export=csv")
    assert exported["Content-Type"].startswith("text/csv")
    text = exported.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "name,org_number,country,website,email,phone"
    response = client.post("/org/vendors/import/", {"file": csv_file(text, name="vendors.csv")})
    assert response.context["result"].summary == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "rejected": 0,
    }
    assert Vendor.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_the_import_page_to_employees(client_for, org):
    assert client_for("employee").get(PEOPLE_URL).status_code == 403


@pytest.mark.django_db
def test_it_rejects_rows_outside_a_coordinators_units(client_for, org):
    school = org["school"]
    number = org["organisation"].org_number
    rows = [
        ["organisation", "cost_centre", "name", "kind", "parent_cost_centre"],
        [number, school.cost_centre, "Omdöpt skola", "administration", org["board"].cost_centre],
    ]
    response = client_for("coordinator").post(UNITS_URL, {"file": xlsx_file(rows)})
    assert response.status_code == 422
    assert "outside the units you act for" in response.content.decode()
    school.refresh_from_db()
    assert school.name == "Utbildningsförvaltningen"


@pytest.mark.django_db
def test_it_refuses_a_coordinator_pulling_an_outside_unit_or_person_into_their_units(
    client_for, org
):
    number = org["organisation"].org_number
    school = org["school"]
    rows = [
        ["organisation", "cost_centre", "name", "kind", "parent_cost_centre"],
        [number, school.cost_centre, school.name, "administration", org["it_office"].cost_centre],
    ]
    response = client_for("coordinator").post(UNITS_URL, {"file": xlsx_file(rows)})
    assert response.status_code == 422
    school.refresh_from_db()
    assert school.parent == org["board"]
    outsider = org["people"][3]  # works at the school
    text = people_csv(org, [f"{outsider.email};Ny;Namn;{{org}};{{cc}};;ja"])
    response = client_for("coordinator").post(PEOPLE_URL, {"file": csv_file(text)})
    assert response.status_code == 422
    outsider.refresh_from_db()
    assert (outsider.first_name, outsider.unit) != ("Ny", org["it_office"])


@pytest.mark.django_db
def test_it_leaves_the_parent_alone_when_the_file_has_no_parent_column(client_for, org):
    office = org["it_office"]
    rows = [
        ["organisation", "cost_centre", "name", "kind"],
        [org["organisation"].org_number, office.cost_centre, "IT-enheten", "office"],
    ]
    response = client_for("itstaff").post(UNITS_URL, {"file": xlsx_file(rows)})
    assert response.context["result"].committed
    office.refresh_from_db()
    assert (office.name, office.parent) == ("IT-enheten", org["administration"])


@pytest.mark.django_db
def test_it_rejects_a_record_given_twice_in_one_file(client_for, org):
    text = people_csv(
        org,
        [
            "dup@kommun.test;Anna;Ek;{org};{cc};;ja",
            "DUP@kommun.test;Anna;Eke;{org};{cc};;ja",
        ],
    )
    response = client_for("itstaff").post(PEOPLE_URL, {"file": csv_file(text)})
    assert response.status_code == 422
    (row,) = response.context["result"].rejected
    assert row.number == 3 and row.errors == [("email", "The same record as in row 2.")]
    assert not Person.objects.filter(email="dup@kommun.test").exists()
