import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from itportal.registry.models import Integration, System, SystemRole


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
    assert exported.splitlines()[0].startswith("name,owning_unit,lifecycle")
    response = client.post("/registry/systems/import/", {"file": csv_file(exported)})
    summary = response.context["result"].summary
    assert summary == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
