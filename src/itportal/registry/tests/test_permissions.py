"""Rights that come from holding a role on a system (DESIGN.md, "Who may do what", 3)."""

import datetime

import pytest
from django.test import Client

from itportal.core.models import ObjectChange
from itportal.registry.models import Contract, Integration, Licence, System, SystemRole


def holder_client(register):
    client = Client()
    client.force_login(register["manager_login"])
    return client


@pytest.mark.django_db
def test_it_refuses_a_role_holder_making_themselves_owner_of_another_system(org, register):
    client = holder_client(register)
    data = {
        "system": register["ekonomi"].pk,
        "role_type": register["roles"]["owner"].pk,
        "person": register["manager"].pk,
    }
    response = client.post("/api/system-roles/", data, content_type="application/json")
    assert response.status_code == 403
    assert not SystemRole.objects.filter(system=register["ekonomi"]).exists()
    own = SystemRole.objects.get(system=register["diariet"], person=register["manager"])
    moved = {"system": register["ekonomi"].pk, "version": own.version}
    response = client.patch(f"/api/system-roles/{own.pk}/", moved, content_type="application/json")
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.system == register["diariet"]
    assert client.get(f"/registry/systems/{register['ekonomi'].pk}/edit/").status_code == 404


@pytest.mark.django_db
def test_it_lets_a_role_holder_add_a_part_to_their_own_system_over_the_api(org, register):
    client = holder_client(register)
    data = {"system": register["diariet"].pk, "title": "Rutin", "url": "https://intra.test/r"}
    response = client.post("/api/system-links/", data, content_type="application/json")
    assert response.status_code == 201, response.json()
    data = {
        "source": register["ekonomi"].pk,
        "target": register["diariet"].pk,
        "information": "Fakturor",
        "technology": "api",
    }
    assert (
        client.post("/api/integrations/", data, content_type="application/json").status_code == 201
    )
    data["target"] = System.objects.create(name="Tredje", owning_unit=org["school"]).pk
    response = client.post("/api/integrations/", data, content_type="application/json")
    assert response.status_code == 403


@pytest.mark.django_db
def test_it_leaves_deleting_parts_to_administrators(org, register):
    client = holder_client(register)
    role = SystemRole.objects.get(system=register["diariet"], role_type__code="owner")
    assert client.post(f"/registry/roles/{role.pk}/delete/", {"_version": 1}).status_code == 403
    assert SystemRole.objects.filter(pk=role.pk).exists()


@pytest.mark.django_db
def test_it_shows_a_role_holder_without_a_group_their_own_system(org, register):
    register["manager_login"].groups.clear()
    client = holder_client(register)
    assert client.get(f"/registry/systems/{register['diariet'].pk}/").status_code == 200
    assert client.get(f"/registry/systems/{register['ekonomi'].pk}/").status_code == 404


@pytest.mark.django_db
def test_it_deletes_a_system_with_its_parts_logged_and_refuses_one_with_integrations(
    client_for, org, register
):
    diariet, ekonomi = register["diariet"], register["ekonomi"]
    Integration.objects.create(source=diariet, target=ekonomi, information="X", technology="api")
    client = client_for("admin")
    response = client.post(f"/registry/systems/{diariet.pk}/delete/", {"_version": 1})
    assert response.status_code == 409
    assert "integrations with other systems" in response.content.decode()
    Integration.objects.all().delete()
    assert (
        client.post(f"/registry/systems/{diariet.pk}/delete/", {"_version": 1}).status_code == 302
    )
    deleted = ObjectChange.objects.filter(action="delete")
    assert deleted.filter(content_type__model="systemrole").count() == 2
    assert deleted.filter(content_type__model="systemusage").count() == 1
    assert deleted.filter(content_type__model="system").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_delete_form_without_a_valid_version(client_for, register):
    response = client_for("admin").post(
        f"/registry/systems/{register['ekonomi'].pk}/delete/", {"_version": "abc"}
    )
    assert response.status_code == 400
    assert System.objects.filter(pk=register["ekonomi"].pk).exists()


@pytest.mark.django_db
def test_it_filters_systems_by_a_broken_rule(client_for, register):
    response = client_for("employee").get("/registry/systems/?finding=owner_and_manager")
    assert response.status_code == 200
    names = [row.record.name for row in response.context["table"].paginated_rows]
    assert names == ["Ekonomi 365"]  # Diariet has an owner and a manager


@pytest.mark.django_db
def test_it_computes_notice_dates_at_month_ends_and_limits_the_period(org):
    from django.core.exceptions import ValidationError

    from itportal.registry.services import record_create

    def contract(number, end, months):
        return Contract(
            vendor=org["vendor"],
            number=number,
            title="Avtal",
            start=datetime.date(2020, 1, 1),
            end=end,
            notice_months=months,
        )

    assert contract("a", datetime.date(2027, 6, 30), 3).notice_date == datetime.date(2027, 3, 31)
    assert contract("b", datetime.date(2027, 2, 28), 1).notice_date == datetime.date(2027, 1, 31)
    assert contract("c", datetime.date(2027, 5, 15), 3).notice_date == datetime.date(2027, 2, 15)
    passed = contract("d", datetime.date(2027, 1, 31), 3)
    assert passed.notice_passed(datetime.date(2026, 11, 29))
    with pytest.raises(ValidationError) as exc:
        record_create(contract("e", datetime.date(2030, 1, 1), 32767), actor="test")
    assert "notice_months" in exc.value.message_dict


@pytest.mark.django_db
def test_it_leaves_expired_licences_out_of_the_coordination(client_for, org):
    Licence.objects.create(product="Acrobat", metric="user", valid_until=datetime.date(2020, 1, 1))
    Licence.objects.create(product="Acrobat", metric="user")
    rows = client_for("employee").get("/registry/licences/coordination/").context["rows"]
    assert rows == []
    Licence.objects.create(product="Acrobat", metric="site", group_wide=True)
    rows = client_for("employee").get("/registry/licences/coordination/").context["rows"]
    assert [(r["product"], r["count"], r["group_wide"]) for r in rows] == [("Acrobat", 2, True)]
