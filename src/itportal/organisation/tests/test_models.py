import pytest
from django.core.exceptions import ValidationError

from itportal.core.testing import OrgUnitFactory, PersonFactory
from itportal.organisation.models import Organisation, OrgUnit, Vendor
from itportal.organisation.services import orgunit_update, record_create


@pytest.mark.django_db
def test_it_normalises_and_validates_swedish_organisation_numbers(org):
    vendor = record_create(Vendor(name="Ny AB", org_number="5560360793"), actor="test")
    assert vendor.org_number == "556036-0793"
    with pytest.raises(ValidationError) as exc:
        record_create(Vendor(name="Fel AB", org_number="556036-0794"), actor="test")
    assert "not a valid Swedish organisation number" in str(exc.value.message_dict["org_number"])


@pytest.mark.django_db
def test_it_refuses_duplicate_organisation_numbers(org):
    number = org["organisation"].org_number
    with pytest.raises(ValidationError) as exc:
        record_create(
            Organisation(name="Kopian", kind="company", org_number=number.replace("-", "")),
            actor="test",
        )
    assert "org_number" in exc.value.message_dict
    with pytest.raises(ValidationError, match="Another vendor has this organisation number"):
        record_create(Vendor(name="Dubbel AB", org_number=org["vendor"].org_number), actor="test")


@pytest.mark.django_db
def test_it_requires_a_municipality_code_for_a_municipality():
    with pytest.raises(ValidationError) as exc:
        record_create(
            Organisation(name="X kommun", kind="municipality", org_number="212000-2841"), actor="t"
        )
    assert "municipality_code" in exc.value.message_dict


@pytest.mark.django_db
def test_it_refuses_a_cycle_in_the_unit_tree(org):
    board = org["board"]
    with pytest.raises(ValidationError) as exc:
        orgunit_update(board, actor="test", data={"parent": org["it_office"]})
    assert "would make a cycle" in str(exc.value.message_dict["parent"])
    with pytest.raises(ValidationError, match="cannot be its own parent"):
        orgunit_update(OrgUnit.objects.get(pk=board.pk), actor="test", data={"parent": board})
    board.refresh_from_db()
    assert board.parent is None


@pytest.mark.django_db
def test_it_moves_a_whole_subtree_with_one_update(org):
    admin, school, office = org["administration"], org["school"], org["it_office"]
    deep = OrgUnitFactory(parent=office, name="Servicedesk")
    orgunit_update(admin, actor="test", data={"parent": school})
    for unit in (admin, office, deep):
        unit.refresh_from_db()
    assert admin.path == f"{school.path}{admin.pk}/"
    assert office.path == f"{admin.path}{office.pk}/"
    assert deep.path == f"{office.path}{deep.pk}/"
    assert (admin.depth, office.depth, deep.depth) == (2, 3, 4)


@pytest.mark.django_db
def test_it_refuses_a_parent_in_another_organisation(org):
    other = OrgUnitFactory(name="Bolagets enhet")
    with pytest.raises(ValidationError, match="belongs to another organisation"):
        orgunit_update(org["school"], actor="test", data={"parent": other})


@pytest.mark.django_db
def test_it_keeps_emails_lower_case_and_unique(org):
    person = PersonFactory(unit=org["school"], email="x@kommun.test")
    clone = PersonFactory.build(unit=org["school"], email="X@Kommun.test")
    with pytest.raises(ValidationError) as exc:
        record_create(clone, actor="test")
    assert "email" in exc.value.message_dict
    assert person.email == "x@kommun.test"


@pytest.mark.django_db
def test_it_refuses_moving_a_unit_with_children_to_another_organisation(org):
    company = Organisation.objects.create(
        name="Norrsjö Energi AB", kind="company", org_number="556036-0793"
    )
    with pytest.raises(ValidationError, match="cannot move to another organisation"):
        orgunit_update(org["administration"], actor="test", data={"organisation": company})


@pytest.mark.django_db
def test_it_refuses_an_ownership_cycle(org):
    from itportal.organisation.services import record_update

    municipality = org["organisation"]
    company = record_create(
        Organisation(
            name="Norrsjö Hamn AB", kind="company", org_number="556036-0793", owner=municipality
        ),
        actor="test",
    )
    with pytest.raises(ValidationError, match="directly or through others"):
        record_update(municipality, actor="test", data={"owner": company})


@pytest.mark.django_db
def test_it_shows_a_refused_organisation_move_as_a_form_error_in_the_admin(org):
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@kommun.test", "x-secret-12"))
    company = record_create(
        Organisation(name="Norrsjö Energi AB", kind="company", org_number="556036-0793"),
        actor="test",
    )
    board = org["board"]
    data = {
        "organisation": company.pk,
        "name": board.name,
        "kind": board.kind,
        "cost_centre": board.cost_centre,
        "headcount": 0,
        "active": "on",
    }
    response = client.post(f"/admin/organisation/orgunit/{board.pk}/change/", data)
    assert response.status_code == 200
    assert "cannot move to another organisation" in response.content.decode()
    board.refresh_from_db()
    assert board.organisation == org["organisation"]
