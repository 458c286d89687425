from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from itportal.core.models import ObjectChange
from itportal.registry.models import Capability, Licence, System, SystemRole, SystemUsage
from itportal.registry.selectors import contracts_due_for_notice


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(org, register, n, start=0):
    from itportal.registry.models import InformationAsset, Integration

    for i in range(start, start + n):
        system = System.objects.create(name=f"System {i}", owning_unit=org["school"])
        SystemRole.objects.create(
            system=system, role_type=register["roles"]["owner"], person=register["owner"]
        )
        SystemUsage.objects.create(system=system, unit=org["it_office"], users=i)
        Integration.objects.create(
            source=register["diariet"], target=system, information=f"Data {i}", technology="api"
        )
        InformationAsset.objects.create(system=register["diariet"], name=f"Mängd {i}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/registry/systems/",
        "/registry/systems/?lifecycle=operation&q=s",
        "/registry/integrations/",
        "/registry/capabilities/",
        "/registry/contracts/",
        "/registry/licences/",
        "/registry/capabilities/overlap/",
        "/registry/licences/coordination/",
    ],
)
def test_it_renders_register_lists_with_a_constant_number_of_queries(
    client_for, org, register, url
):
    client = client_for("admin")
    grow(org, register, 2)
    Licence.objects.create(product="Diariet", metric="user")
    Licence.objects.create(product="Diariet", metric="site")
    before = count_queries(client, url)
    grow(org, register, 10, start=2)
    assert count_queries(client, url) == before


@pytest.mark.django_db
def test_it_renders_the_system_page_with_a_constant_number_of_queries(client_for, org, register):
    client = client_for("admin")
    url = f"/registry/systems/{register['diariet'].pk}/"
    before = count_queries(client, url)
    grow(org, register, 10)
    assert count_queries(client, url) == before


@pytest.mark.django_db
def test_it_lets_a_system_manager_edit_their_system_but_not_another(org, register):
    client = Client()
    client.force_login(register["manager_login"])
    diariet, ekonomi = register["diariet"], register["ekonomi"]
    data = {
        "name": "Diariet",
        "lifecycle": "operation",
        "scope": "unit",
        "operating_form": "in_house",
        "hosting_country": "SE",
        "owning_unit": org["administration"].pk,
        "description": "Kommunens diarium",
        "cost_licence": "120000",
        "cost_operation": "0",
        "cost_support": "0",
        "_version": diariet.version,
    }
    assert client.get(f"/registry/systems/{diariet.pk}/edit/").status_code == 200
    response = client.post(f"/registry/systems/{diariet.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    diariet.refresh_from_db()
    assert diariet.description == "Kommunens diarium"
    assert diariet.cost_licence == Decimal("120000")
    change = ObjectChange.objects.filter(object_id=str(diariet.pk), action="update").get()
    assert change.actor == "systemforvaltare"
    assert client.get(f"/registry/systems/{ekonomi.pk}/edit/").status_code == 404
    assert client.get(f"/registry/systems/{diariet.pk}/delete/").status_code == 403
    page = client.get(f"/registry/systems/{diariet.pk}/").content.decode()
    assert "Kommunens diarium" in page


@pytest.mark.django_db
def test_it_lets_a_manager_add_a_role_only_to_their_own_systems(org, register):
    client = Client()
    client.force_login(register["manager_login"])
    form = client.get(f"/registry/roles/add/?system={register['diariet'].pk}").context["form"]
    assert list(form.fields["system"].queryset) == [register["diariet"]]
    data = {
        "system": register["ekonomi"].pk,
        "role_type": register["roles"]["super_user"].pk,
        "person": org["people"][0].email,
    }
    response = client.post("/registry/roles/add/", data)
    assert response.status_code == 200  # the form refuses a system outside their own
    assert "system" in response.context["form"].errors
    data["system"] = register["diariet"].pk
    assert client.post("/registry/roles/add/", data).status_code == 302
    assert SystemRole.objects.filter(
        system=register["diariet"], role_type__code="super_user"
    ).exists()


@pytest.mark.django_db
def test_it_refuses_a_duplicate_role_and_a_holder_who_left(client_for, org, register):
    client = client_for("itstaff")
    data = {
        "system": register["diariet"].pk,
        "role_type": register["roles"]["manager"].pk,
        "person": register["manager"].email,
    }
    response = client.post("/registry/roles/add/", data)
    assert "already holds this role" in response.content.decode()
    leaver = org["people"][3]
    leaver.active = False
    leaver.save()
    data["person"] = leaver.email
    response = client.post("/registry/roles/add/", data)
    assert "has left" in response.content.decode()
    assert SystemRole.objects.filter(system=register["diariet"]).count() == 2


@pytest.mark.django_db
def test_it_refuses_an_integration_to_the_same_system(client_for, register):
    data = {
        "source": register["diariet"].pk,
        "target": register["diariet"].pk,
        "information": "Ärenden",
        "technology": "api",
        "frequency": "daily",
        "status": "active",
    }
    response = client_for("itstaff").post("/registry/integrations/add/", data)
    assert response.status_code == 200
    assert "two different systems" in response.content.decode()


@pytest.mark.django_db
def test_it_asks_for_a_reason_when_the_scope_differs_from_the_usage(client_for, org, register):
    diariet = register["diariet"]
    SystemUsage.objects.create(system=diariet, unit=org["school"], users=300)
    assert diariet.suggested_scope() == "shared"
    data = {
        "name": "Diariet",
        "lifecycle": "operation",
        "scope": "unit",
        "operating_form": "in_house",
        "hosting_country": "SE",
        "owning_unit": org["administration"].pk,
        "cost_licence": "0",
        "cost_operation": "0",
        "cost_support": "0",
        "_version": diariet.version,
    }
    client = client_for("itstaff")
    response = client.post(f"/registry/systems/{diariet.pk}/edit/", data)
    assert "give a reason" in response.content.decode()
    data["scope_reason"] = "Skolan läser bara diariet; ägs av stadsledningen."
    assert client.post(f"/registry/systems/{diariet.pk}/edit/", data).status_code == 302


@pytest.mark.django_db
def test_it_refuses_dates_in_the_wrong_order(client_for, org, register):
    from django.core.exceptions import ValidationError

    from itportal.registry.services import record_update

    with pytest.raises(ValidationError) as exc:
        record_update(
            register["diariet"],
            actor="test",
            data={"in_operation_since": "2020-01-01", "planned_retirement": "2019-01-01"},
        )
    assert "planned_retirement" in exc.value.message_dict


@pytest.mark.django_db
def test_it_saves_capabilities_and_logs_the_change(client_for, org, register):
    cap = Capability.objects.create(name="Ärendehantering")
    diariet = register["diariet"]
    data = {
        "name": "Diariet",
        "lifecycle": "operation",
        "scope": "unit",
        "operating_form": "in_house",
        "hosting_country": "SE",
        "owning_unit": org["administration"].pk,
        "cost_licence": "0",
        "cost_operation": "0",
        "cost_support": "0",
        "capabilities": [cap.pk],
        "_version": diariet.version,
    }
    assert (
        client_for("itstaff").post(f"/registry/systems/{diariet.pk}/edit/", data).status_code == 302
    )
    assert list(diariet.capabilities.all()) == [cap]
    change = ObjectChange.objects.filter(object_id=str(diariet.pk)).latest("time")
    assert change.after == {"capabilities": [cap.pk]}


@pytest.mark.django_db
def test_it_finds_overlapping_capabilities_and_duplicate_licences(client_for, org, register):
    cap = Capability.objects.create(name="Ekonomistyrning")
    for system in (register["diariet"], register["ekonomi"]):
        system.capabilities.add(cap)
    page = client_for("employee").get("/registry/capabilities/overlap/")
    rows = page.context["rows"]
    assert [r["capability"] for r in rows] == ["Ekonomistyrning"]
    assert {s.name for s in rows[0]["systems"]} == {"Diariet", "Ekonomi 365"}
    for unit in (org["school"], org["it_office"]):
        licence = Licence.objects.create(
            product="Adobe Acrobat", metric="user", entitlements=10, annual_cost=5000
        )
        licence.units.add(unit)
    Licence.objects.create(product="Unique tool", metric="device", entitlements=1)
    rows = client_for("employee").get("/registry/licences/coordination/").context["rows"]
    assert [(r["product"], r["count"], r["cost"]) for r in rows] == [("Adobe Acrobat", 2, 10000)]


@pytest.mark.django_db
def test_it_warns_about_contracts_whose_notice_date_approaches(org):
    import datetime

    from itportal.registry.models import Contract

    today = datetime.date(2026, 11, 29)
    due = Contract.objects.create(
        vendor=org["vendor"],
        number="A",
        title="Snart",
        start=datetime.date(2022, 1, 1),
        end=datetime.date(2027, 3, 31),
        notice_months=3,
    )
    Contract.objects.create(
        vendor=org["vendor"],
        number="B",
        title="Långt kvar",
        start=datetime.date(2022, 1, 1),
        end=datetime.date(2029, 12, 31),
        notice_months=6,
    )
    assert due.notice_date == datetime.date(2026, 12, 31)
    assert list(contracts_due_for_notice(today)) == [due]


@pytest.mark.django_db
def test_it_creates_a_system_with_capabilities_over_the_api(client_for, org):
    cap = Capability.objects.create(name="Lönehantering")
    client = client_for("admin")
    response = client.post(
        "/api/systems/",
        {"name": "Lönesystemet", "owning_unit": org["administration"].pk, "capabilities": [cap.pk]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    system = System.objects.get(name="Lönesystemet")
    assert list(system.capabilities.all()) == [cap]
    listed = client.get("/api/systems/?lifecycle=operation").json()
    assert listed["count"] == 1


@pytest.mark.django_db
def test_it_links_the_archimate_pages_from_the_system_list(client_for, register):
    employee = client_for("employee").get("/registry/systems/").content.decode()
    assert 'href="/registry/archimate/export/"' in employee
    assert 'href="/registry/archimate/import/"' not in employee
    staff = client_for("itstaff").get("/registry/systems/").content.decode()
    assert 'href="/registry/archimate/import/"' in staff
