"""The catalogue step of the demo generator (catalogue/demo.py), on a scaled `small` build."""

import datetime
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from itportal.catalogue.choices import BillingUnit, Category, CostKind, FeeBasis, ServiceStatus
from itportal.catalogue.demo import PRICE_CHANGES_2026
from itportal.catalogue.models import ITFeeRule, Price, PriceList, Service, Subscription
from itportal.core.models import ObjectChange
from itportal.demo.profiles import PROFILES, DemoContext
from itportal.organisation.choices import OrganisationKind
from itportal.organisation.models import Organisation, OrgUnit

SCALE = 0.2


def target():
    return DemoContext(PROFILES["small"], 1, scale=SCALE).scaled(
        PROFILES["small"].params["catalogue"]["subscriptions"]
    )


@pytest.fixture(scope="class")
def demo_catalogue(django_db_setup, django_db_blocker):
    """A fifth of the `small` profile, built once for the class and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", profile="small", seed=1, scale=SCALE, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_catalogue")
class TestDemoCatalogue:
    def test_it_offers_about_forty_services_in_every_category(self):
        services = Service.objects.all()
        assert 38 <= services.count() <= 46
        assert set(services.values_list("category", flat=True)) == set(Category.values)
        assert set(services.values_list("billing_unit", flat=True)) == set(BillingUnit.values)
        names = set(services.values_list("name", flat=True))
        assert {
            "Dator som tjänst – bas",
            "Dator som tjänst – utökad",
            "Surfplatta som tjänst",
            "Mobiltelefon som tjänst",
            "Utskriftstjänst (per skrivare)",
            "Lagring per GB",
            "Virtuell server",
            "Databastjänst",
            "Konsulttimme systemförvaltning",
            "Installation på plats (engång)",
            "Licens Office 365 E3 per användare",
            "Videomöte",
            "Växeltjänst per anknytning",
        } <= names
        assert 3 <= services.filter(cost_kind=CostKind.DEVELOPMENT).count() <= 8
        assert services.filter(orderable=True).count() >= 15
        assert services.filter(status=ServiceStatus.RETIRED, orderable=True).count() == 0

    def test_each_service_is_described_and_owned_by_the_it_office(self):
        it_office = OrgUnit.objects.get(name="IT-kontoret")
        for service in Service.objects.select_related("owner__unit"):
            assert service.summary and service.included and service.excluded, service
            assert service.owner_unit_id == it_office.pk
            assert service.owner.unit.path.startswith(it_office.path), service
        linked = Service.objects.annotate(n=Count("systems")).filter(n__gt=0)
        assert linked.count() >= 20
        assert (
            Service.objects.get(name="Växeltjänst per anknytning")
            .systems.filter(name="Växeln")
            .exists()
        )

    def test_it_prices_every_year_and_prices_rise(self):
        years = list(PriceList.objects.order_by("year").values_list("year", flat=True))
        assert years[:4] == [2024, 2025, 2026, 2027]
        for service in Service.objects.filter(status=ServiceStatus.ACTIVE):
            prices = list(service.prices.order_by("valid_from"))
            assert {p.valid_from.year for p in prices} >= {2024, 2025, 2026, 2027}, service
            if service.code not in PRICE_CHANGES_2026:
                first, last = prices[0].amount, prices[-1].amount
                assert first < last <= first * Decimal("1.25"), service
        for price in Price.objects.select_related("price_list", "service"):
            price.full_clean()  # no overlap, dates in the list's year

    def test_it_changes_at_least_two_prices_in_the_middle_of_2026(self):
        changed = []
        for code in PRICE_CHANGES_2026:
            first, second = Price.objects.filter(
                service__code=code, price_list__year=2026
            ).order_by("valid_from")
            assert first.valid_from == datetime.date(2026, 1, 1)
            assert first.valid_to == second.valid_from - datetime.timedelta(days=1)
            assert second.valid_to is None and first.amount != second.amount
            changed.append(second.valid_from)
        assert len(changed) >= 2
        assert any(day.day != 1 for day in changed)  # one in the middle of a month

    def test_it_sets_the_it_fee_rules(self):
        municipality = Organisation.objects.get(kind=OrganisationKind.MUNICIPALITY)
        old, new = ITFeeRule.objects.filter(organisation=municipality).order_by("valid_from")
        assert (old.basis, new.basis) == (FeeBasis.EMPLOYEE, FeeBasis.EMPLOYEE)
        assert old.annual_amount == 4800 and old.valid_to == datetime.date(2025, 12, 31)
        assert new.valid_from == datetime.date(2026, 1, 1) and new.annual_amount < 4800
        companies = Organisation.objects.filter(kind=OrganisationKind.COMPANY)
        rules = ITFeeRule.objects.filter(organisation__in=companies)
        assert rules.count() == companies.count()
        assert set(rules.values_list("basis", flat=True)) == {FeeBasis.ACCOUNT}

    def test_it_builds_the_target_number_of_subscriptions(self):
        wanted = target()
        assert abs(Subscription.objects.count() - wanted) <= wanted * 0.1

    def test_subscriptions_follow_headcount(self):
        devices = Counter(
            dict(
                Subscription.objects.filter(
                    service__category=Category.WORKPLACE, service__billing_unit=BillingUnit.DEVICE
                )
                .exclude(service__code="DST-ELEV")
                .values_list("unit")
                .annotate(n=Sum("quantity"))
                .order_by()
            )
        )
        units = list(OrgUnit.objects.filter(headcount__gte=10).order_by("-headcount"))
        assert all(devices[u.pk] > 0 for u in units)
        big, small = units[: len(units) // 4], units[-len(units) // 4 :]
        per_big = sum(devices[u.pk] for u in big) / len(big)
        per_small = sum(devices[u.pk] for u in small) / len(small)
        assert per_big > 2 * per_small
        companies = Subscription.objects.filter(unit__organisation__kind=OrganisationKind.COMPANY)
        assert companies.exists()

    def test_subscriptions_start_from_2024_and_about_a_tenth_have_ended(self):
        today = timezone.localdate()
        subs = Subscription.objects.all()
        total = subs.count()
        assert not subs.filter(start__lt=datetime.date(2024, 1, 1)).exists()
        assert not subs.filter(start__gt=today).exists()
        assert not subs.filter(end__lt=F("start")).exists()
        ended = subs.filter(end__lt=today).count()
        assert 0.08 * total <= ended <= 0.14 * total
        assert subs.filter(start__gt=datetime.date(2024, 1, 1)).exclude(start__day=1).count() > (
            0.1 * total
        )
        mid_month_ends = [
            end
            for end in subs.filter(end__isnull=False).values_list("end", flat=True)
            if (end + datetime.timedelta(days=1)).day != 1
        ]
        assert mid_month_ends
        # The retired service ended before 2026, the planned one has no subscribers yet.
        assert not subs.filter(
            Q(end__isnull=True) | Q(end__gte=datetime.date(2026, 1, 1)),
            service__status=ServiceStatus.RETIRED,
        ).exists()
        assert not subs.filter(service__status=ServiceStatus.PLANNED).exists()

    def test_identifiers_match_the_quantity(self):
        with_items = Subscription.objects.exclude(identifiers="").select_related("service")
        assert with_items.count() >= 5
        for sub in with_items:
            if sub.service.billing_unit in (BillingUnit.DEVICE, BillingUnit.USER):
                assert len(sub.identifier_list) == sub.quantity, sub
            sub.full_clean()
        assert with_items.filter(quantity__gt=1).exists()

    def test_subscriptions_pass_the_models_checks(self):
        for sub in Subscription.objects.select_related("service", "unit").order_by("pk")[::25]:
            sub.full_clean()

    def test_it_audits_the_catalogue_as_the_demo_command(self):
        for model in (Service, Price, Subscription, ITFeeRule):
            changes = ObjectChange.objects.filter(
                content_type=ContentType.objects.get_for_model(model)
            )
            assert changes.count() == model.objects.count(), model
            assert set(changes.values_list("actor", flat=True).distinct()) == {"command:demo"}
