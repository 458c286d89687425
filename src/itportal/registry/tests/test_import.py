import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itportal.core.testing import OrganisationFactory, OrgUnitFactory
from itportal.organisation.models import OrgUnit
from itportal.registry.importers import SystemImporter
from itportal.registry.models import Integration, System, SystemRole, SystemUsage
from itportal.registry.services import record_create


def csv_file(text, name="data.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.mark.django_db
def test_it_imports_systems_after_a_dry_run_and_names_bad_cells(client_for, org, register):
    cc = org["administration"].cost_centre
    client = client_for("itstaff")
    bad = (
        "name;owning_unit;lifecycle;cost_licence\n"
        f"Lönesystemet;{cc};drift;1000\n"
        f"Bygglov;{cc};operation;-5\n"
    )
    response = client.post("/registry/systems/import/", {"file": csv_file(bad)})
    assert response.status_code == 422
    errors = {(r.number, c) for r in response.context["result"].rejected for c, _m in r.errors}
    assert errors == {(2, "lifecycle"), (3, "cost_licence")}
    bad2 = "name;owning_unit\nBygglov;99999\n"
    response = client.post("/registry/systems/import/", {"file": csv_file(bad2)})
    assert response.context["result"].rejected[0].errors[0][0] == "owning_unit"
    good = f"name;owning_unit;lifecycle;cost_licence\nLönesystemet;{cc};operation;1 000,50\n"
    dry = client.post("/registry/systems/import/", {"file": csv_file(good), "dry_run": "on"})
    assert dry.context["result"].summary["created"] == 1
    assert not System.objects.filter(name="Lönesystemet").exists()
    client.post("/registry/systems/import/", {"token": dry.context["token"]})
    assert str(System.objects.get(name="Lönesystemet").cost_licence) == "1000.50"


@pytest.mark.django_db
def test_it_imports_roles_and_integrations_all_or_nothing(client_for, org, register):
    client = client_for("itstaff")
    person = org["people"][0]
    roles = (
        "system;role;person;start\n"
        f"Diariet;super_user;{person.email};2026-01-01\n"
        f"Diariet;chef;{person.email};\n"
    )
    response = client.post("/registry/roles/import/", {"file": csv_file(roles)})
    assert response.status_code == 422
    assert not SystemRole.objects.filter(role_type__code="super_user").exists()
    rows = response.context["result"].rejected
    assert rows[0].number == 3 and rows[0].errors[0][0] == "role"
    integrations = (
        "source;target;information;technology\n"
        "Diariet;Ekonomi 365;Fakturor;api\n"
        "Diariet;Diariet;Ärenden;file\n"
    )
    response = client.post("/registry/integrations/import/", {"file": csv_file(integrations)})
    assert response.status_code == 422
    assert "two different systems" in response.content.decode()
    assert Integration.objects.count() == 0


@pytest.mark.django_db
def test_it_exports_systems_in_the_import_layout_and_imports_them_back_unchanged(
    client_for, org, register
):
    client = client_for("admin")
    exported = client.get("/registry/systems/import/?export=csv").content.decode("utf-8-sig")
    assert exported.splitlines()[0].startswith("name,organisation,owning_unit,aliases,lifecycle")
    response = client.post("/registry/systems/import/", {"file": csv_file(exported)})
    summary = response.context["result"].summary
    assert summary == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}


def export_systems(client):
    return client.get("/registry/systems/import/?export=csv").content.decode("utf-8-sig")


@pytest.fixture
def two_organisations(org, register):
    """A company of the group whose unit has the administration's cost centre, owning a system."""
    company = OrganisationFactory(name="Norrsjö Energi AB", kind="company")
    unit = OrgUnitFactory(
        organisation=company, name="Ekonomi", cost_centre=org["administration"].cost_centre
    )
    system = record_create(System(name="Elnätsdebitering", owning_unit=unit), actor="test")
    return {"company": company, "unit": unit, "system": system}


@pytest.mark.django_db
def test_it_reimports_an_export_of_two_organisations_sharing_a_cost_centre_unchanged(
    client_for, org, two_organisations
):
    client = client_for("admin")
    exported = export_systems(client)
    assert two_organisations["company"].org_number in exported

    response = client.post("/registry/systems/import/", {"file": csv_file(exported)})

    summary = response.context["result"].summary
    assert summary == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert System.objects.get(name="Elnätsdebitering").owning_unit == two_organisations["unit"]
    assert System.objects.get(name="Diariet").owning_unit == org["administration"]


@pytest.mark.django_db
def test_it_asks_for_the_organisation_when_the_cost_centre_is_ambiguous(
    client_for, org, two_organisations
):
    cc = org["administration"].cost_centre
    rows = (
        "name;organisation;owning_unit\n"
        f"Ny tjänst;;{cc}\n"
        f"Annan tjänst;{org['organisation'].org_number};{cc}\n"
        f"Tredje tjänsten;212000-0000;{cc}\n"
    )

    response = client_for("itstaff").post("/registry/systems/import/", {"file": csv_file(rows)})

    rejected = {r.number: r.errors for r in response.context["result"].rejected}
    assert set(rejected) == {2, 4}
    [(column, message)] = rejected[2]
    assert column == "owning_unit" and "organisation" in message and cc in message
    assert rejected[4][0][0] == "organisation"


@pytest.mark.django_db
def test_it_round_trips_a_retired_system_into_an_emptied_register(client_for, org, register):
    client = client_for("admin")
    fields = {
        "aliases": "Gamla diariet, W3D3",
        "lifecycle": "retired",
        "in_operation_since": datetime.date(2005, 1, 1),
        "planned_retirement": datetime.date(2024, 6, 30),
        "retired_on": datetime.date(2024, 9, 1),
        "technical_platform": True,
        "hosting_region": "Sundsvall",
        "cost_support": Decimal("1500.25"),
    }
    system = System(name="Ärendesystemet", owning_unit=org["it_office"], **fields)
    record_create(system, actor="test")
    exported = export_systems(client)
    SystemRole.objects.all().delete()
    SystemUsage.objects.all().delete()
    System.objects.all().delete()

    response = client.post("/registry/systems/import/", {"file": csv_file(exported)})

    assert response.context["result"].summary["rejected"] == 0
    assert response.context["result"].summary["created"] == 3
    system = System.objects.get(name="Ärendesystemet")
    assert {name: getattr(system, name) for name in fields} == fields
    assert system.owning_unit == org["it_office"]
    assert export_systems(client) == exported


@pytest.mark.django_db
def test_it_rejects_amounts_that_are_not_finite_naming_the_column(client_for, org, register):
    cc = org["administration"].cost_centre
    rows = (
        "name;owning_unit;cost_licence;cost_support\n"
        f"Lönesystemet;{cc};NaN;0\n"
        f"Bygglov;{cc};0;Infinity\n"
        f"Kartan;{cc};-inf;sNaN\n"
    )

    response = client_for("itstaff").post("/registry/systems/import/", {"file": csv_file(rows)})

    assert response.status_code == 422
    rejected = response.context["result"].rejected
    errors = {(r.number, column) for r in rejected for column, _message in r.errors}
    assert errors == {
        (2, "cost_licence"),
        (3, "cost_support"),
        (4, "cost_licence"),
        (4, "cost_support"),
    }
    assert "NaN is not an amount." in [m for r in rejected for _c, m in r.errors]
    assert not System.objects.filter(name="Lönesystemet").exists()


@pytest.mark.django_db
def test_it_looks_each_owning_unit_up_once_per_import(org, register):
    cc = org["administration"].cost_centre
    rows = "name;owning_unit\n" + "".join(f"System {n};{cc}\n" for n in range(5))
    table = OrgUnit._meta.db_table

    with CaptureQueriesContext(connection) as queries:
        result = SystemImporter().run(csv_file(rows), actor="test", dry_run=True)

    assert result.summary["created"] == 5
    lookups = [
        q["sql"] for q in queries if f'FROM "{table}"' in q["sql"] and "cost_centre" in q["sql"]
    ]
    assert len(lookups) == 1
