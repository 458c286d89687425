"""The registry step of the demo generator (registry/demo.py).

The planted gaps are checked with queries of their own, independent of the governance rules.
"""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from itportal.core.models import ObjectChange
from itportal.demo.profiles import PROFILES, DemoContext
from itportal.organisation.choices import UnitKind
from itportal.registry import compliance
from itportal.registry import rules as rules_module
from itportal.registry.choices import EU_EEA, IntegrationStatus, Lifecycle, OperatingForm, Scope
from itportal.registry.demo import GAP_KINDS, RULES
from itportal.registry.models import (
    Capability,
    ComplianceSnapshot,
    Contract,
    InformationAsset,
    Integration,
    Licence,
    System,
    SystemRole,
    administration_key,
)

SCALE = 0.5
HUBS = (
    "E-tjänsteplattformen",
    "Ekonomi 365",
    "E-arkiv",
    "HR-systemet",
    "Katalogtjänst",
    "Diariet",
    "Lönesystemet",
)


def run_demo(**options):
    call_command("demo", stdout=StringIO(), **options)


def expected_gaps(scale=SCALE):
    ctx = DemoContext(PROFILES["small"], 1, scale=scale)
    return {kind: ctx.scaled(n) for kind, n in PROFILES["small"].params["registry"]["gaps"].items()}


def active_role(today):
    return (Q(start__isnull=True) | Q(start__lte=today)) & (Q(end__isnull=True) | Q(end__gte=today))


def gap_systems():
    """{gap kind: set of system pks} found by plain queries on the register."""
    today = timezone.localdate()
    roles = SystemRole.objects.filter(active_role(today))

    def holds(code):
        return Exists(roles.filter(system=OuterRef("pk"), role_type__code=code))

    def ids(qs):
        return set(qs.values_list("pk", flat=True))

    operation = System.objects.filter(lifecycle=Lifecycle.OPERATION)
    retired = System.objects.filter(lifecycle=Lifecycle.RETIRED)
    personal = InformationAsset.objects.filter(personal_data=True)
    return {
        "no_owner": ids(operation.exclude(holds("owner"))),
        "no_manager": ids(operation.exclude(holds("manager"))),
        "inactive_holder": set(
            roles.filter(person__active=False).values_list("system_id", flat=True)
        ),
        "vendor_operations": ids(
            System.objects.filter(operating_form=OperatingForm.VENDOR_MANAGED)
            .exclude(lifecycle=Lifecycle.RETIRED)
            .exclude(holds("operations_vendor"))
        ),
        "stale_review": ids(
            System.objects.filter(
                Q(last_reviewed__isnull=True)
                | Q(last_reviewed__lt=today - datetime.timedelta(days=365))
            )
        ),
        "personal_data_no_controller": set(
            personal.filter(controller_board__isnull=True).values_list("system_id", flat=True)
        ),
        "personal_data_no_record": set(
            personal.filter(controller_board__isnull=False, processing_record="").values_list(
                "system_id", flat=True
            )
        ),
        "saas_outside_eea": ids(
            System.objects.filter(operating_form=OperatingForm.SAAS).exclude(
                hosting_country__in=EU_EEA
            )
        ),
        "retired_integration": ids(
            retired.filter(
                Q(outgoing__status=IntegrationStatus.ACTIVE)
                | Q(incoming__status=IntegrationStatus.ACTIVE)
            ).distinct()
        ),
        "retired_role": ids(retired.filter(Exists(roles.filter(system=OuterRef("pk"))))),
        "retired_licence": ids(
            retired.filter(
                Exists(
                    Licence.objects.filter(
                        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
                        system=OuterRef("pk"),
                    )
                )
            )
        ),
        "lifecycle_dates": ids(
            System.objects.filter(planned_retirement__lt=F("in_operation_since"))
        ),
    }


def registry_snapshot():
    """What must not change between two builds with the same seed (primary keys aside)."""
    systems = list(
        System.objects.order_by("name").values_list(
            "name",
            "owning_unit__cost_centre",
            "vendor__name",
            "lifecycle",
            "scope",
            "operating_form",
            "hosting_country",
            "in_operation_since",
            "planned_retirement",
            "retired_on",
            "last_reviewed",
            "cost_licence",
        )
    )
    integrations = sorted(
        Integration.objects.values_list(
            "source__name", "target__name", "information", "technology", "status"
        )
    )
    roles = sorted(
        SystemRole.objects.values_list(
            "system__name", "role_type__code", "person__email", "vendor_contact__email", "start"
        ),
        key=repr,
    )
    assets = sorted(
        InformationAsset.objects.values_list(
            "system__name", "name", "confidentiality", "personal_data", "processing_record"
        )
    )
    contracts = sorted(Contract.objects.values_list("vendor__name", "number", "start", "end"))
    licences = sorted(
        Licence.objects.values_list("product", "entitlements", "annual_cost", "valid_until"),
        key=repr,
    )
    return systems, integrations, roles, assets, contracts, licences


def build_and_roll_back(**options):
    with transaction.atomic():
        run_demo(**options)
        data = registry_snapshot()
        transaction.set_rollback(True)
    return data


@pytest.fixture(scope="class")
def small_registry(django_db_setup, django_db_blocker):
    """Half the `small` profile, built once for the class and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        run_demo(profile="small", seed=1, scale=SCALE)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("small_registry")
class TestScaledSmallProfile:
    def test_it_builds_a_portfolio_of_the_expected_size(self):
        systems = System.objects.count()
        assert 150 <= systems <= 200
        assert System.objects.filter(name="Omsorgsportalen", vendor__isnull=False).exists()
        assert System.objects.filter(technical_platform=True, scope=Scope.SHARED).count() >= 8
        operation = System.objects.filter(lifecycle=Lifecycle.OPERATION).count()
        assert 0.7 <= operation / systems <= 0.92
        assert len(set(System.objects.values_list("lifecycle", flat=True))) >= 4
        assert 35 <= Capability.objects.count() <= 60

    def test_it_plants_every_gap_kind_exactly(self):
        found = gap_systems()
        expected = expected_gaps()
        for kind in GAP_KINDS:
            assert len(found[kind]) == expected[kind], kind
        # One gap per planted system.
        counts = Counter(pk for pks in found.values() for pk in pks)
        assert max(counts.values()) == 1

    def test_it_keeps_every_other_row_valid(self):
        dates_gap = gap_systems()["lifecycle_dates"]
        for system in System.objects.exclude(pk__in=dates_gap):
            system.full_clean()
        for system in System.objects.filter(pk__in=dates_gap):
            with pytest.raises(ValidationError):
                system.clean()
        invalid = []
        for role in SystemRole.objects.select_related("role_type", "system", "person"):
            try:
                role.clean()
            except ValidationError:
                invalid.append(role)
        assert len(invalid) == expected_gaps()["inactive_holder"]
        assert all(not role.person.active for role in invalid)

    def test_it_meets_the_integration_target_per_system(self):
        params = PROFILES["small"].params["registry"]
        systems = System.objects.count()
        ratio = Integration.objects.count() / systems
        assert ratio == pytest.approx(params["integrations"] / params["systems"], rel=0.02)
        degree = Counter()
        for source, target in Integration.objects.values_list("source", "target"):
            degree[source] += 1
            degree[target] += 1
        busiest = [pk for pk, _n in degree.most_common(7)]
        top = set(System.objects.filter(pk__in=busiest).values_list("name", flat=True))
        assert len(top & set(HUBS)) >= 5
        # Most systems have an integration; a few stand alone.
        assert len(degree) / systems > 0.85

    def test_it_never_integrates_a_system_with_itself(self):
        assert not Integration.objects.filter(source=F("target")).exists()
        pairs = list(Integration.objects.values_list("source", "target"))
        assert len(pairs) == len(set(pairs))

    def test_it_makes_some_cycles(self):
        pairs = set(Integration.objects.values_list("source", "target"))
        assert any((target, source) in pairs for source, target in pairs)

    def test_it_gives_every_system_an_owning_administration_or_office(self):
        assert not System.objects.filter(owning_unit__isnull=True).exists()
        kinds = set(System.objects.values_list("owning_unit__kind", flat=True))
        assert kinds == {UnitKind.ADMINISTRATION, UnitKind.OFFICE}

    def test_it_sets_scope_as_the_usage_suggests_or_gives_a_reason(self):
        for system in System.objects.prefetch_related("usages__unit"):
            keys = {administration_key(u.unit.path) for u in system.usages.all()}
            suggested = Scope.SHARED if system.technical_platform or len(keys) > 1 else Scope.UNIT
            assert system.scope == suggested or system.scope_reason, system
        assert System.objects.filter(scope=Scope.SHARED).count() > 20

    def test_it_gives_product_roles_and_a_board_only_to_self_developed_systems(self):
        portal = System.objects.get(name="IT-portalen")
        assert portal.self_developed and portal.product_board is not None
        assert portal.roles.filter(role_type__code="product_owner").exists()
        assert not SystemRole.objects.filter(
            role_type__self_developed_only=True, system__self_developed=False
        ).exists()
        assert not System.objects.filter(product_board__isnull=False, self_developed=False).exists()

    def test_it_buys_some_products_separately_in_several_units(self):
        products = Counter(
            Licence.objects.filter(system__isnull=True).values_list("product", flat=True)
        )
        assert products and min(products.values()) >= 3

    def test_it_writes_eight_weeks_of_falling_snapshots(self):
        group = ComplianceSnapshot.objects.filter(administration__isnull=True)
        dates = sorted(set(group.values_list("date", flat=True)))
        assert len(dates) == 8
        assert dates[-1] == timezone.localdate()
        totals = [sum(group.filter(date=d).values_list("count", flat=True)) for d in dates]
        assert totals == sorted(totals, reverse=True) and totals[0] > totals[-1]
        assert totals[-1] == sum(expected_gaps().values())
        # A group row for every rule each day; administration rows add up to it.
        assert group.count() == 8 * len(set(RULES.values()))
        for day, total in zip(dates, totals, strict=True):
            per_admin = ComplianceSnapshot.objects.filter(date=day, administration__isnull=False)
            assert sum(per_admin.values_list("count", flat=True)) == total
            assert not per_admin.filter(count=0).exists()

    def test_it_uses_the_rule_codes_of_the_rules_module(self):
        assert set(RULES.values()) == set(rules_module.RULES_BY_CODE)

    def test_it_has_the_rules_find_every_planted_gap_and_nothing_else(self):
        planted = {}
        for kind, pks in gap_systems().items():
            planted.setdefault(RULES[kind], set()).update(pks)
        found = {}
        for finding in compliance.findings():
            found.setdefault(finding.rule, set()).add(finding.system.pk)
        assert found == planted

    def test_it_renders_the_impact_of_its_most_connected_system(self, client):
        import xml.etree.ElementTree as ET
        from html import escape

        from django.contrib.auth.models import User

        from itportal.registry import graph

        degree = Counter()
        for source, target in Integration.objects.values_list("source", "target"):
            degree[source] += 1
            degree[target] += 1
        hub = System.objects.get(pk=degree.most_common(1)[0][0])
        impact = graph.impact(hub.pk)
        assert impact.systems
        client.force_login(User.objects.get(username="admin"))
        page = client.get(f"/registry/impact/{hub.pk}/")
        assert page.status_code == 200
        body = page.content.decode()
        assert all(escape(node.name) in body for node in impact.systems)
        svg = client.get(f"/registry/impact/{hub.pk}.svg")
        assert svg.status_code == 200
        root = ET.fromstring(svg.content)
        assert root.tag.endswith("svg")

    def test_it_shows_the_planted_gaps_on_the_compliance_page_and_in_the_digest(self, client):
        from django.contrib.auth.models import User
        from django.core import mail

        client.force_login(User.objects.get(username="admin"))
        gaps = gap_systems()
        page = client.get("/registry/compliance/findings/")
        assert page.context["shown"] == sum(len(pks) for pks in gaps.values())
        some_gap = System.objects.get(pk=next(iter(gaps["saas_outside_eea"])))
        saas = client.get("/registry/compliance/findings/?rule=saas_outside_eea")
        assert some_gap.name in saas.content.decode()
        call_command("send_compliance_digest", "--now", stdout=StringIO())
        assert len(mail.outbox) >= 1
        assert any(some_gap.name in m.body for m in mail.outbox)

    def test_it_audits_the_registry_rows(self):
        content_type = ContentType.objects.get_for_model(System)
        assert ObjectChange.objects.filter(content_type=content_type).count() == (
            System.objects.count()
        )
        assert (
            ObjectChange.objects.filter(
                content_type=ContentType.objects.get_for_model(Integration)
            ).count()
            == Integration.objects.count()
        )


@pytest.mark.django_db
def test_it_builds_the_registry_deterministically():
    first = build_and_roll_back(profile="small", seed=5, scale=0.05)
    second = build_and_roll_back(profile="small", seed=5, scale=0.05)
    assert first == second
    assert len(first[0]) > 50 and len(first[1]) > 100
    other = build_and_roll_back(profile="small", seed=6, scale=0.05)
    assert other[1] != first[1]


@pytest.mark.django_db
def test_it_plants_every_gap_kind_in_a_tiny_large_profile():
    run_demo(profile="large", seed=2, scale=0.05)
    found = gap_systems()
    ctx = DemoContext(PROFILES["large"], 2, scale=0.05)
    for kind, n in PROFILES["large"].params["registry"]["gaps"].items():
        assert len(found[kind]) == ctx.scaled(n), kind
