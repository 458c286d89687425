"""Fixtures shared by every app's tests."""

# Imports of models happen inside the fixtures: this conftest is loaded before Django is set up.
import pytest


@pytest.fixture
def password():
    from itportal.core.testing import PASSWORD

    return PASSWORD


@pytest.fixture
def org(db):
    """A small organisation: municipality › board › administration › two units, with people."""
    from itportal.core.testing import (
        OrganisationFactory,
        OrgUnitFactory,
        PersonFactory,
        VendorFactory,
    )
    from itportal.registry.testing import ensure_role_types

    ensure_role_types()  # reference data a transactional test may have flushed

    municipality = OrganisationFactory(name="Norrsjö kommun")
    board = OrgUnitFactory(organisation=municipality, name="Kommunstyrelsen", kind="board")
    admin = OrgUnitFactory(parent=board, name="Stadsledningsförvaltningen", kind="administration")
    it_office = OrgUnitFactory(parent=admin, name="IT-kontoret", kind="office")
    school = OrgUnitFactory(parent=board, name="Utbildningsförvaltningen", kind="administration")
    people = [PersonFactory(unit=it_office) for _ in range(3)] + [PersonFactory(unit=school)]
    vendor = VendorFactory(name="Norrdata AB")
    return {
        "organisation": municipality,
        "board": board,
        "administration": admin,
        "it_office": it_office,
        "school": school,
        "people": people,
        "vendor": vendor,
    }


@pytest.fixture
def users(db, org):
    """One login per role; the coordinator is IT coordinator for Stadsledningsförvaltningen."""
    from itportal.core.roles import Role
    from itportal.core.testing import make_user
    from itportal.organisation.choices import UnitRoleKind
    from itportal.organisation.models import UnitRole

    made = {
        "admin": make_user("admin", Role.IT_ADMIN),
        "itstaff": make_user("itstaff", Role.IT_STAFF),
        "controller": make_user("controller", Role.CONTROLLER),
        "employee": make_user("employee", Role.EMPLOYEE),
        "coordinator": make_user("coordinator", Role.EMPLOYEE),
    }
    UnitRole.objects.create(
        user=made["coordinator"], kind=UnitRoleKind.IT_COORDINATOR, unit=org["administration"]
    )
    return made


@pytest.fixture
def client_for(client, users):
    """client_for("admin") → a test client logged in as that role's user."""

    def make(role):
        from django.test import Client

        c = Client()
        if role != "anonymous":
            c.force_login(users[role])
        return c

    return make
