import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from itportal.core.context import change_context
from itportal.core.models import ObjectChange
from itportal.core.services import StaleObjectError, delete_object, update_object
from itportal.organisation.models import Person, Vendor
from itportal.organisation.services import record_create


def changes_for(obj):
    return ObjectChange.objects.filter(
        object_id=str(obj.pk), content_type__model=obj._meta.model_name
    )


@pytest.mark.django_db
def test_it_writes_an_audit_row_with_before_and_after_of_changed_fields(org, users):
    vendor = org["vendor"]
    with change_context(request_id="abc123", source="web"):
        update_object(vendor, actor=users["admin"], data={"phone": "0920-45 50 00"})
    row = changes_for(vendor).first()
    assert row.action == "update"
    assert row.user == users["admin"]
    assert row.actor == "admin"
    assert row.request_id == "abc123"
    assert row.before == {"phone": ""}
    assert row.after == {"phone": "0920-45 50 00"}
    vendor.refresh_from_db()
    assert vendor.version == 2


@pytest.mark.django_db
def test_it_attributes_command_changes_to_the_command(org):
    vendor = Vendor(name="Kommandot AB", org_number="556036-0793")
    with change_context(source="command"):
        record_create(vendor, actor="command:import_vendors")
    row = changes_for(vendor).get()
    assert (row.actor, row.source, row.user) == ("command:import_vendors", "command", None)
    assert row.after["name"] == "Kommandot AB"


@pytest.mark.django_db
def test_it_refuses_a_stale_edit_and_keeps_the_newer_value(org, users):
    person = org["people"][0]
    first = Person.objects.get(pk=person.pk)
    second = Person.objects.get(pk=person.pk)
    update_object(first, actor=users["admin"], data={"title": "IT-strateg"})
    with pytest.raises(StaleObjectError, match="changed by someone else"):
        update_object(second, actor=users["admin"], data={"title": "Systemförvaltare"})
    person.refresh_from_db()
    assert person.title == "IT-strateg"
    assert person.version == 2
    assert changes_for(person).filter(action="update").count() == 1


@pytest.mark.django_db
def test_it_writes_nothing_when_nothing_changed(org, users):
    vendor = org["vendor"]
    update_object(vendor, actor=users["admin"], data={"name": vendor.name})
    vendor.refresh_from_db()
    assert vendor.version == 1
    assert changes_for(vendor).filter(action="update").count() == 0


@pytest.mark.django_db
def test_it_rolls_back_an_invalid_edit(org, users):
    vendor = org["vendor"]
    with pytest.raises(ValidationError) as exc:
        update_object(vendor, actor=users["admin"], data={"org_number": "556036-0794"})
    assert "org_number" in exc.value.message_dict
    vendor.refresh_from_db()
    assert vendor.org_number != "556036-0794"
    assert not changes_for(vendor).filter(action="update").exists()


@pytest.mark.django_db
def test_it_refuses_to_delete_a_unit_that_people_belong_to(org, users):
    unit = org["it_office"]
    with pytest.raises(ValidationError, match="cannot be deleted while 3 other records"):
        delete_object(unit, actor=users["admin"])
    assert type(unit).objects.filter(pk=unit.pk).exists()
    assert not changes_for(unit).filter(action="delete").exists()


@pytest.mark.django_db
def test_it_logs_a_deletion_with_the_last_values(org, users):
    vendor = org["vendor"]
    pk = vendor.pk
    delete_object(vendor, actor=users["admin"])
    row = ObjectChange.objects.get(object_id=str(pk), action="delete")
    assert row.before["name"] == "Norrdata AB"
    assert row.after == {}


@pytest.mark.django_db
def test_it_keeps_the_change_log_append_only(org):
    row = ObjectChange.objects.first()
    row.actor = "someone else"
    with pytest.raises(PermissionDenied):
        row.save()
    with pytest.raises(PermissionDenied):
        row.delete()
    with pytest.raises(PermissionDenied):
        ObjectChange.objects.all().update(actor="x")
    with pytest.raises(PermissionDenied):
        ObjectChange.objects.all().delete()
    assert ObjectChange.objects.filter(actor="someone else").count() == 0


@pytest.mark.django_db
def test_it_offers_no_write_path_to_the_change_log_in_the_admin(client_for, org):
    client = client_for("admin")
    client.force_login(type(org["vendor"]).objects.none().model and _superuser())
    row = ObjectChange.objects.first()
    assert client.get("/admin/core/objectchange/").status_code == 200
    assert client.get("/admin/core/objectchange/add/").status_code == 403
    assert (
        client.post(f"/admin/core/objectchange/{row.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert ObjectChange.objects.filter(pk=row.pk).exists()


def _superuser():
    from django.contrib.auth.models import User

    return User.objects.create_superuser("root", "root@kommun.test", "x-very-secret-1")


@pytest.mark.django_db
def test_it_logs_what_a_delete_changes_besides_the_row_itself(org, users):
    from itportal.organisation.models import OrgUnit, UnitRole

    manager = org["people"][3]
    school = org["school"]
    OrgUnit.objects.filter(pk=school.pk).update(manager=manager)
    delete_object(Person.objects.get(pk=manager.pk), actor=users["admin"])
    school.refresh_from_db()
    assert school.manager is None and school.version == 2
    change = changes_for(school).get(action="update")
    assert (change.before, change.after) == ({"manager": manager.pk}, {"manager": None})
    role = UnitRole.objects.create(user=users["employee"], kind="it_coordinator", unit=school)
    school.people.all().delete()
    delete_object(OrgUnit.objects.get(pk=school.pk), actor=users["admin"])
    assert changes_for(role).get().action == "delete"


@pytest.mark.django_db
def test_it_logs_a_role_granted_in_the_admin(org, users):
    from django.contrib.auth.models import Group
    from django.test import Client

    client = Client()
    client.force_login(_superuser())
    employee = users["employee"]
    admin_group = Group.objects.get(name="it_admin")
    data = {
        "username": "employee",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "groups": [admin_group.pk, Group.objects.get(name="employee").pk],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }
    response = client.post(f"/admin/auth/user/{employee.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    change = ObjectChange.objects.filter(content_type__model="user", object_id=str(employee.pk))
    row = change.get()
    assert row.before == {"groups": ["employee"]}
    assert row.after == {"groups": ["employee", "it_admin"]}
    assert row.actor == "root"
