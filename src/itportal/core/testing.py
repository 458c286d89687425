"""Test helpers shared by every app: factories for users in each role and the org register."""

import itertools

import factory
from django.contrib.auth.models import Group, User
from stdnum import luhn
from stdnum.se import orgnr

from itportal.core.roles import Role
from itportal.organisation.models import Organisation, OrgUnit, Person, Vendor

PASSWORD = "test-password-1234"
_numbers = itertools.count(1)


def org_number(prefix="55"):
    """A valid Swedish organisation number, unique within the test run."""
    body = f"{prefix}{next(_numbers):07d}"[:9]
    return orgnr.format(body + luhn.calc_check_digit(body))


def make_user(username, *roles, **extra):
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    for role in roles:
        group, _ = Group.objects.get_or_create(name=str(role))
        user.groups.add(group)
    return user


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testkommun {n}")
    kind = "municipality"
    org_number = factory.LazyFunction(lambda: org_number("21"))
    municipality_code = "2580"


class OrgUnitFactory(factory.django.DjangoModelFactory):
    """Units built through the service so their path is right."""

    class Meta:
        model = OrgUnit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")
    kind = "unit"
    cost_centre = factory.Sequence(lambda n: f"{1000 + n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from itportal.organisation.services import orgunit_create

        parent = kwargs.get("parent")
        if parent is not None:
            kwargs["organisation"] = parent.organisation
        return orgunit_create(model_class(**kwargs), actor="test")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Anna{n}")
    last_name = "Andersson"
    email = factory.Sequence(lambda n: f"person{n}@kommun.test")
    unit = factory.SubFactory(OrgUnitFactory)


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Leverantör {n} AB")
    org_number = factory.LazyFunction(org_number)


ROLE_USERS = {
    "admin": (Role.IT_ADMIN,),
    "itstaff": (Role.IT_STAFF,),
    "controller": (Role.CONTROLLER,),
    "employee": (Role.EMPLOYEE,),
    "coordinator": (Role.EMPLOYEE,),
}
