"""Each governance rule finds its planted gap, names who must act, and clears when the gap is
fixed through the services."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from itportal.organisation import services as org_services
from itportal.organisation.models import OrgUnit, VendorContact
from itportal.registry import compliance
from itportal.registry.choices import (
    IntegrationStatus,
    LicenceMetric,
    Lifecycle,
    OperatingForm,
    Severity,
)
from itportal.registry.models import (
    InformationAsset,
    Integration,
    Licence,
    RoleType,
    System,
    SystemRole,
)
from itportal.registry.rules import RULES, RULES_BY_CODE, months_before
from itportal.registry.services import record_create, record_update, system_retire, system_review

ACTOR = "test"
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def role_type(code):
    return RoleType.objects.get(code=code)


def add_role(system, code, person=None, vendor_contact=None, **extra):
    return record_create(
        SystemRole(
            system=system,
            role_type=role_type(code),
            person=person,
            vendor_contact=vendor_contact,
            **extra,
        ),
        actor=ACTOR,
    )


def make_system(org, name, *, owner=True, manager=True, unit=None, **fields):
    """A system that meets every rule, unless `fields` or the flags say otherwise."""
    values = {
        "owning_unit": unit or org["it_office"],
        "lifecycle": Lifecycle.OPERATION,
        "in_operation_since": datetime.date(2019, 1, 1),
        "last_reviewed": TODAY,
        **fields,
    }
    system = record_create(System(name=name, **values), actor=ACTOR)
    if owner:
        add_role(system, "owner", org["people"][0])
    if manager:
        add_role(system, "manager", org["people"][1])
    return system


@pytest.fixture
def unit_manager(org):
    """People[2] manages the IT office: they act for systems without an owner."""
    manager = org["people"][2]
    OrgUnit.objects.filter(pk=org["it_office"].pk).update(manager=manager)
    return manager


def found(code, system=None):
    findings = [f for f in compliance.findings() if f.rule == code]
    if system is not None:
        findings = [f for f in findings if f.system.pk == system.pk]
    return findings


def test_it_declares_each_rule_with_a_code_title_and_severity():
    assert len(RULES) == 8
    assert len(RULES_BY_CODE) == len(RULES)
    for rule in RULES:
        assert rule.code and str(rule.title) and str(rule.description)
        assert rule.severity in Severity.values


def test_it_finds_nothing_in_a_compliant_register(org):
    make_system(org, "Procapita")

    assert compliance.findings() == []


def test_it_finds_a_system_in_operation_without_an_owner_until_one_is_appointed(org, unit_manager):
    system = make_system(org, "Procapita", owner=False)

    [finding] = found("owner_and_manager", system)
    assert finding.severity == Severity.HIGH
    assert "no active owner" in finding.message
    assert finding.must_act == (unit_manager,)
    assert finding.administration == org["administration"]

    add_role(system, "owner", org["people"][0])

    assert found("owner_and_manager") == []


def test_it_finds_a_missing_manager_and_asks_the_owner_to_act(org):
    system = make_system(org, "Procapita", manager=False)
    make_system(org, "Planering", manager=False, owner=False, lifecycle=Lifecycle.PLANNING)

    [finding] = found("owner_and_manager")
    assert finding.system == system
    assert "no active manager" in finding.message
    assert finding.must_act == (org["people"][0],)

    add_role(system, "manager", org["people"][1])

    assert found("owner_and_manager") == []


def test_it_counts_only_roles_active_today(org, unit_manager):
    system = make_system(org, "Procapita", owner=False, manager=False)
    add_role(system, "owner", org["people"][0], end=YESTERDAY)
    add_role(system, "manager", org["people"][1], start=TODAY + datetime.timedelta(days=3))

    [finding] = found("owner_and_manager", system)
    assert "neither an active owner nor an active manager" in finding.message
    assert finding.must_act == (unit_manager,)


def test_it_finds_a_role_held_by_a_person_who_left_until_the_role_ends(org, unit_manager):
    system = make_system(org, "Procapita")
    manager = org["people"][1]
    role = SystemRole.objects.get(system=system, person=manager)

    org_services.record_update(manager, actor=ACTOR, data={"active": False})

    [finding] = found("active_role_holders", system)
    assert str(manager) in finding.message
    assert finding.must_act == (org["people"][0],)  # the owner

    record_update(role, actor=ACTOR, data={"end": YESTERDAY})

    assert found("active_role_holders") == []


def test_it_asks_the_unit_manager_when_the_owner_is_the_one_who_left(org, unit_manager):
    system = make_system(org, "Procapita")
    org_services.record_update(org["people"][0], actor=ACTOR, data={"active": False})

    [finding] = found("active_role_holders", system)

    assert finding.must_act == (unit_manager,)


def test_it_finds_a_system_whose_only_owner_left_until_an_active_owner_is_appointed(
    org, unit_manager
):
    system = make_system(org, "Procapita")
    org_services.record_update(org["people"][0], actor=ACTOR, data={"active": False})

    [finding] = found("owner_and_manager", system)
    assert "no active owner" in finding.message
    assert finding.must_act == (unit_manager,)
    assert found("active_role_holders", system)

    add_role(system, "owner", org["people"][3])

    assert found("owner_and_manager") == []
    assert found("active_role_holders", system)  # the leaver's role runs until it is ended


def test_it_finds_a_vendor_managed_system_without_operations_on_both_sides(org):
    system = make_system(org, "Lifecare", operating_form=OperatingForm.VENDOR_MANAGED)

    [finding] = found("vendor_operations", system)
    assert "neither locally nor at the vendor" in finding.message

    add_role(system, "operations_local", org["people"][2])
    [finding] = found("vendor_operations", system)
    assert "at the vendor" in finding.message

    contact = VendorContact.objects.create(vendor=org["vendor"], name="Kim Drift")
    add_role(system, "operations_vendor", vendor_contact=contact)

    assert found("vendor_operations") == []


def test_it_finds_a_system_never_or_long_ago_reviewed_until_it_is_reviewed(org, settings):
    settings.REVIEW_MAX_MONTHS = 12
    never = make_system(org, "Procapita", last_reviewed=None)
    stale = make_system(org, "Lifecare", last_reviewed=months_before(TODAY, 13))
    make_system(org, "Fresh", last_reviewed=months_before(TODAY, 11))
    make_system(
        org,
        "Gammal",
        last_reviewed=None,
        lifecycle=Lifecycle.RETIRED,
        retired_on=YESTERDAY,
        owner=False,
        manager=False,
    )

    findings = found("review_overdue")
    assert [f.system for f in findings] == [stale, never]  # sorted by system name
    assert findings[0].must_act == (org["people"][1],)  # the manager keeps the facts

    system_review(never, actor=ACTOR, on=TODAY)
    system_review(stale, actor=ACTOR, on=TODAY)

    assert found("review_overdue") == []


def test_it_takes_the_review_period_from_the_settings(org, settings):
    make_system(org, "Procapita", last_reviewed=months_before(TODAY, 13))

    settings.REVIEW_MAX_MONTHS = 24
    assert found("review_overdue") == []
    settings.REVIEW_MAX_MONTHS = 6
    assert len(found("review_overdue")) == 1


def test_it_finds_personal_data_without_controller_or_record_until_both_are_set(org):
    system = make_system(org, "Procapita")
    asset = record_create(
        InformationAsset(system=system, name="Brukarakter", personal_data=True), actor=ACTOR
    )
    record_create(InformationAsset(system=system, name="Statistik"), actor=ACTOR)

    [finding] = found("personal_data", system)
    assert "Brukarakter" in finding.message and "Statistik" not in finding.message
    assert finding.severity == Severity.HIGH

    record_update(asset, actor=ACTOR, data={"controller_board": org["board"]})
    [finding] = found("personal_data", system)
    assert "no record-of-processing entry" in finding.message

    record_update(asset, actor=ACTOR, data={"processing_record": "RF-2024-17"})

    assert found("personal_data") == []


def test_it_flags_saas_hosted_outside_the_eu_eea_until_it_moves(org):
    system = make_system(org, "Molnet", operating_form=OperatingForm.SAAS, hosting_country="US")
    make_system(org, "Norsk", operating_form=OperatingForm.SAAS, hosting_country="NO")
    make_system(org, "Egen", operating_form=OperatingForm.IN_HOUSE, hosting_country="US")

    [finding] = found("saas_outside_eea")
    assert finding.system == system
    assert "US" in finding.message

    record_update(system, actor=ACTOR, data={"hosting_country": "IE"})

    assert found("saas_outside_eea") == []


def test_it_finds_what_a_retired_system_left_behind_until_it_is_retired_properly(org):
    system = make_system(org, "Gamla ekonomisystemet")
    other = make_system(org, "Raindance")
    record_create(
        Integration(source=other, target=system, information="Verifikationer", technology="file"),
        actor=ACTOR,
    )
    record_create(
        Integration(
            source=system,
            target=other,
            information="Historik",
            technology="file",
            status=IntegrationStatus.RETIRED,
        ),
        actor=ACTOR,
    )
    licence = record_create(
        Licence(product="Ekonomi Pro", system=system, metric=LicenceMetric.USER), actor=ACTOR
    )
    # A legacy import marked it retired without ending anything.
    System.objects.filter(pk=system.pk).update(lifecycle=Lifecycle.RETIRED, retired_on=YESTERDAY)

    [finding] = found("retired_leftovers")
    assert finding.system == system
    assert "1 active integration" in finding.message
    assert "2 active roles" in finding.message
    assert "1 active licence" in finding.message

    system.refresh_from_db()
    system_retire(system, actor=ACTOR, on=TODAY)
    [finding] = found("retired_leftovers")
    assert "integration" not in finding.message and "roles" not in finding.message

    record_update(licence, actor=ACTOR, data={"valid_until": YESTERDAY})

    assert found("retired_leftovers") == []


def test_it_finds_inconsistent_lifecycle_dates_until_they_are_corrected(org):
    no_start = make_system(org, "Utan start", in_operation_since=None)
    future = make_system(org, "Framtida", in_operation_since=TODAY + datetime.timedelta(days=30))
    planned = make_system(org, "Planerad", planned_retirement=datetime.date(2030, 1, 1))
    # Imported data the form would refuse: retirement planned before it went live, and a
    # retirement date on a system still in operation.
    System.objects.filter(pk=planned.pk).update(
        planned_retirement=datetime.date(2018, 1, 1), retired_on=datetime.date(2020, 1, 1)
    )

    findings = {f.system.pk: f for f in found("lifecycle_dates")}
    assert set(findings) == {no_start.pk, future.pk, planned.pk}
    assert "no date it went into operation" in findings[no_start.pk].message
    assert "in the future" in findings[future.pk].message
    assert "planned retirement lies before" in findings[planned.pk].message
    assert "not in the retired phase" in findings[planned.pk].message
    assert findings[no_start.pk].severity == Severity.LOW

    record_update(no_start, actor=ACTOR, data={"in_operation_since": datetime.date(2020, 5, 1)})
    record_update(future, actor=ACTOR, data={"in_operation_since": YESTERDAY})
    planned.refresh_from_db()
    record_update(planned, actor=ACTOR, data={"planned_retirement": None, "retired_on": None})

    assert found("lifecycle_dates") == []


def test_it_finds_a_retired_system_without_a_retirement_date(org):
    system = make_system(org, "Arkivet", owner=False, manager=False)
    System.objects.filter(pk=system.pk).update(lifecycle=Lifecycle.RETIRED)

    [finding] = found("lifecycle_dates", system)

    assert "no retirement date" in finding.message


def test_it_checks_the_whole_register_in_a_constant_number_of_queries(org, unit_manager):
    def grow(start, n):
        for i in range(start, start + n):
            system = make_system(
                org,
                f"System {i}",
                owner=i % 2 == 0,
                last_reviewed=None,
                operating_form=OperatingForm.VENDOR_MANAGED if i % 3 else OperatingForm.SAAS,
                hosting_country="US",
            )
            record_create(
                InformationAsset(system=system, name="Personer", personal_data=True), actor=ACTOR
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            findings = compliance.findings()
        return len(ctx.captured_queries), findings

    grow(0, 3)
    few, small = count()
    grow(3, 12)
    many, large = count()

    assert len(large) > len(small)
    assert many == few <= 10
