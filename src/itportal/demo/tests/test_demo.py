import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from stdnum.se import orgnr

from itportal.chargeback.models import ChargebackRun
from itportal.core.models import ObjectChange
from itportal.core.roles import Role
from itportal.demo.profiles import DEMO_PASSWORD
from itportal.organisation.choices import (
    BodyKind,
    MemberRole,
    OrganisationKind,
    UnitKind,
    UnitRoleKind,
)
from itportal.organisation.models import (
    Body,
    BodyMembership,
    Organisation,
    OrgUnit,
    Person,
    UnitRole,
    Vendor,
    VendorContact,
)

LOGINS = {
    "admin": Role.IT_ADMIN,
    "itstaff": Role.IT_STAFF,
    "controller": Role.CONTROLLER,
    "coordinator": Role.EMPLOYEE,
    "employee": Role.EMPLOYEE,
}


def run_demo(**options):
    out = StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def snapshot_data():
    """What must not change between two runs with the same seed (primary keys aside)."""
    cost_centre = dict(OrgUnit.objects.values_list("pk", "cost_centre"))
    units = [
        (
            org,
            name,
            kind,
            cc,
            headcount,
            "/".join(cost_centre[int(pk)] for pk in path.strip("/").split("/")),
        )
        for org, name, kind, cc, headcount, path in OrgUnit.objects.order_by(
            "organisation__name", "cost_centre"
        ).values_list("organisation__name", "name", "kind", "cost_centre", "headcount", "path")
    ]
    people = list(
        Person.objects.order_by("email").values_list(
            "first_name", "last_name", "email", "title", "unit__cost_centre", "active"
        )
    )
    organisations = list(Organisation.objects.values_list("name", "org_number"))
    vendors = list(Vendor.objects.values_list("name", "org_number", "country"))
    members = list(
        BodyMembership.objects.order_by("body__name", "person__email").values_list(
            "body__name", "person__email", "role", "start"
        )
    )
    return units, people, organisations, vendors, members


def build_and_roll_back(**options):
    with transaction.atomic():
        run_demo(**options)
        data = snapshot_data()
        transaction.set_rollback(True)
    return data


@pytest.fixture(scope="class")
def small_group(django_db_setup, django_db_blocker):
    """The real `small` profile, built once for the class and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = run_demo(profile="small", seed=1)
        yield output
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("small_group")
class TestSmallProfile:
    def test_it_builds_a_municipality_of_the_expected_size(self):
        municipality = Organisation.objects.get(kind=OrganisationKind.MUNICIPALITY)
        companies = Organisation.objects.filter(kind=OrganisationKind.COMPANY)
        assert len(municipality.municipality_code) == 4
        assert 4 <= companies.count() <= 8
        assert set(companies.values_list("owner", flat=True)) == {municipality.pk}
        assert 7_000 <= Person.objects.count() <= 8_000
        assert 150 <= OrgUnit.objects.count() <= 500
        assert OrgUnit.objects.filter(organisation=municipality).count() > 100
        for company in companies:
            assert company.units.exists()
        assert 55 <= Vendor.objects.count() <= 65

    def test_it_builds_boards_with_their_administrations(self):
        names = set(OrgUnit.objects.values_list("name", flat=True))
        assert {"Kommunstyrelsen", "Barn- och utbildningsnämnden", "Socialnämnden"} <= names
        assert {"Stadsledningsförvaltningen", "Utbildningsförvaltningen"} <= names
        it_office = OrgUnit.objects.get(name="IT-kontoret")
        assert it_office.parent.name == "Stadsledningsförvaltningen"
        assert it_office.parent.parent.kind == UnitKind.BOARD
        assert OrgUnit.objects.filter(name__endswith="skolan", kind=UnitKind.UNIT).count() > 10

    def test_it_keeps_every_unit_path_consistent_with_its_parent(self):
        units = {u.pk: u for u in OrgUnit.objects.all()}
        for unit in units.values():
            parent = units.get(unit.parent_id)
            expected = f"{parent.path if parent else '/'}{unit.pk}/"
            assert unit.path == expected
            assert unit.depth == (parent.depth + 1 if parent else 0)
            if parent:
                assert parent.organisation_id == unit.organisation_id
        assert max(u.depth for u in units.values()) >= 3

    def test_it_sets_each_headcount_to_the_people_in_the_unit(self):
        for unit in OrgUnit.objects.annotate(n=Count("people")):
            assert unit.headcount == unit.n, unit

    def test_it_picks_each_manager_among_the_units_people(self):
        managed = OrgUnit.objects.filter(manager__isnull=False).select_related("manager")
        assert all(unit.manager.unit_id == unit.pk for unit in managed)

    def test_it_plants_a_few_gaps(self):
        assert 1 <= OrgUnit.objects.filter(manager__isnull=True).count() <= 10
        assert 1 <= Person.objects.filter(active=False).count() <= 50
        assert Vendor.objects.filter(contacts__isnull=True).exists()
        assert Vendor.objects.exclude(country="SE").filter(org_number="").exists()

    def test_it_keeps_cost_centres_unique_per_organisation(self):
        rows = OrgUnit.objects.values_list("organisation", "cost_centre")
        assert len(set(rows)) == len(rows)
        assert all(re.fullmatch(r"\d{4,6}", cc) for _org, cc in rows)

    def test_it_writes_valid_unique_org_numbers(self):
        numbers = list(Organisation.objects.values_list("kind", "org_number"))
        numbers += [
            ("vendor", n)
            for n in Vendor.objects.exclude(org_number="").values_list("org_number", flat=True)
        ]
        assert all(orgnr.is_valid(number) for _kind, number in numbers)
        assert len({number for _kind, number in numbers}) == len(numbers)
        for kind, number in numbers:
            assert number[0] == ("2" if kind == OrganisationKind.MUNICIPALITY else "5")

    def test_it_gives_each_body_exactly_one_chair(self):
        bodies = Body.objects.all()
        kinds = set(bodies.values_list("kind", flat=True))
        assert kinds == set(BodyKind.values)
        for body in bodies:
            roles = list(body.memberships.values_list("role", flat=True))
            assert roles.count(MemberRole.CHAIR) == 1, body
            assert len(roles) >= 3

    def test_it_gives_vendors_one_to_three_contacts(self):
        counts = Vendor.objects.annotate(n=Count("contacts")).values_list("n", flat=True)
        assert all(0 <= n <= 3 for n in counts)
        assert VendorContact.objects.count() > Vendor.objects.count()

    def test_it_creates_the_demo_logins_linked_to_people(self):
        User = get_user_model()
        for username, role in LOGINS.items():
            user = User.objects.get(username=username)
            assert user.check_password(DEMO_PASSWORD)
            assert list(user.groups.values_list("name", flat=True)) == [role.value]
            assert user.person.active
        admin = User.objects.get(username="admin")
        assert admin.is_superuser and admin.is_staff
        assert not User.objects.get(username="employee").is_staff
        role = UnitRole.objects.get(user__username="coordinator")
        assert role.kind == UnitRoleKind.IT_COORDINATOR
        assert role.unit.kind == UnitKind.ADMINISTRATION

    def test_it_prints_the_logins_and_the_password(self, small_group):
        assert DEMO_PASSWORD in small_group
        for username in LOGINS:
            assert username in small_group

    def test_it_audits_every_created_row_as_the_demo_command(self):
        people = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Person))
        assert people.count() == Person.objects.count()
        # Chargeback runs are computed, approved and closed through the chargeback services,
        # which also write 'update' rows; every other row is a 'create'.
        runs = ContentType.objects.get_for_model(ChargebackRun)
        changes = ObjectChange.objects.values_list("actor", "source", "action").distinct()
        assert set(changes.exclude(content_type=runs)) == {
            ("command:demo", "command", ObjectChange.Action.CREATE)
        }
        assert set(changes.filter(content_type=runs)) == {
            ("command:demo", "command", ObjectChange.Action.CREATE),
            ("command:demo", "command", ObjectChange.Action.UPDATE),
        }
        unit = OrgUnit.objects.filter(manager__isnull=False).first()
        change = ObjectChange.objects.get(
            content_type=ContentType.objects.get_for_model(OrgUnit), object_id=str(unit.pk)
        )
        assert change.after["manager"] == unit.manager_id
        assert change.after["headcount"] == unit.headcount

    def test_it_skips_with_if_empty_when_organisations_exist(self):
        before = Person.objects.count()
        output = run_demo(profile="small", seed=2, if_empty=True)
        assert "no demo data loaded" in output
        assert Person.objects.count() == before

    def test_it_refuses_a_database_with_organisations_without_if_empty(self):
        with pytest.raises(CommandError):
            run_demo(profile="small", seed=2)


@pytest.mark.django_db
def test_it_gives_the_same_data_for_the_same_seed():
    first = build_and_roll_back(profile="small", seed=3, scale=0.05)
    second = build_and_roll_back(profile="small", seed=3, scale=0.05)
    assert first == second
    assert len(first[0]) > 30 and len(first[1]) > 300


@pytest.mark.django_db
def test_it_gives_different_data_for_another_seed():
    first = build_and_roll_back(profile="small", seed=3, scale=0.05)
    other = build_and_roll_back(profile="small", seed=4, scale=0.05)
    assert first[1] != other[1]
    assert first[3] != other[3]


@pytest.mark.django_db
def test_it_builds_a_scaled_down_large_profile_with_area_level():
    run_demo(profile="large", seed=1, scale=0.1)
    assert Organisation.objects.filter(kind=OrganisationKind.COMPANY).count() == 12
    assert OrgUnit.objects.filter(name__startswith="Förskoleområde").count() == 5
    units = {u.pk: u for u in OrgUnit.objects.all()}
    for unit in units.values():
        parent = units.get(unit.parent_id)
        assert unit.path == f"{parent.path if parent else '/'}{unit.pk}/"
    assert max(u.depth for u in units.values()) == 4
    for unit in OrgUnit.objects.annotate(n=Count("people")):
        assert unit.headcount == unit.n


@pytest.mark.django_db
def test_it_builds_into_an_empty_database_with_if_empty():
    output = run_demo(profile="small", seed=1, scale=0.05, if_empty=True)
    assert "demo-portal-2026" in output
    assert Organisation.objects.exists()
