import pytest


@pytest.fixture
def register(org, users):
    """A few systems with roles: `manager` (a login) manages Diariet but not Ekonomi."""
    from itportal.core.roles import Role
    from itportal.core.testing import PersonFactory, make_user
    from itportal.organisation.models import Person
    from itportal.registry.models import RoleType, System, SystemRole, SystemUsage

    login = make_user("systemforvaltare", Role.EMPLOYEE)
    manager = PersonFactory(unit=org["it_office"], first_name="Sara", last_name="Lind")
    Person.objects.filter(pk=manager.pk).update(user=login)
    owner = PersonFactory(unit=org["administration"], first_name="Olof", last_name="Berg")
    diariet = System.objects.create(
        name="Diariet", owning_unit=org["administration"], lifecycle="operation"
    )
    ekonomi = System.objects.create(
        name="Ekonomi 365", owning_unit=org["administration"], lifecycle="operation"
    )
    roles = {r.code: r for r in RoleType.objects.all()}
    SystemRole.objects.create(system=diariet, role_type=roles["owner"], person=owner)
    SystemRole.objects.create(
        system=diariet, role_type=roles["manager"], person=manager, appointed_by=owner
    )
    SystemUsage.objects.create(system=diariet, unit=org["it_office"], users=12)
    return {
        "diariet": diariet,
        "ekonomi": ekonomi,
        "manager": manager,
        "manager_login": login,
        "owner": owner,
        "roles": roles,
    }
