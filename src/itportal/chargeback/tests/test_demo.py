"""The chargeback step of the demo generator (chargeback/demo.py), on a scaled `small` build."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from itportal.chargeback import kpis, services
from itportal.chargeback.demo import periods
from itportal.chargeback.models import (
    Adjustment,
    ChargebackLine,
    ChargebackRun,
    LineKind,
    PeerValue,
    PeriodKind,
    RunState,
    YearFigures,
)
from itportal.chargeback.simulation import simulate
from itportal.core.models import ObjectChange
from itportal.organisation.choices import OrganisationKind
from itportal.organisation.models import Organisation

SCALE = 0.2


def test_history_is_quarterly_and_this_year_monthly():
    closed, draft = periods(datetime.date(2026, 11, 29))
    assert closed[:8] == [f"{y}-Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]
    assert closed[8:] == [f"2026-{m:02d}" for m in range(1, 11)]
    assert draft == "2026-11"


def test_the_large_profile_runs_this_years_complete_quarters_quarterly():
    closed, draft = periods(datetime.date(2026, 11, 29), "quarter")
    assert closed[8:] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-10"]
    assert draft == "2026-11"
    closed, draft = periods(datetime.date(2026, 1, 5), "quarter")
    assert closed[-1] == "2025-Q4" and draft == "2026-01"


@pytest.fixture(scope="class")
def demo_runs(django_db_setup, django_db_blocker):
    """A fifth of the `small` profile, built once for the class and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", profile="small", seed=1, scale=SCALE, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_runs")
class TestDemoChargeback:
    def test_every_organisation_has_closed_runs_and_a_draft_for_this_month(self):
        today = timezone.localdate()
        closed, current = periods(today)
        for organisation in Organisation.objects.all():
            runs = ChargebackRun.objects.filter(organisation=organisation)
            assert runs.filter(state=RunState.CLOSED).count() == len(closed), organisation
            draft = runs.get(state=RunState.DRAFT)
            assert draft.period_start == today.replace(day=1)
            assert draft.kind == PeriodKind.MONTH and draft.period_label == current
        quarters = ChargebackRun.objects.filter(kind=PeriodKind.QUARTER, state=RunState.CLOSED)
        assert set(quarters.values_list("period_start__year", flat=True)) == {2024, 2025}
        assert not ChargebackRun.objects.filter(state=RunState.APPROVED).exists()

    def test_stored_totals_equal_the_sum_of_the_lines(self):
        for run in ChargebackRun.objects.all():
            sums = services.totals(run)
            assert (sums["amount"], sums["vat"], sums["count"]) == (
                run.total_amount,
                run.total_vat,
                run.line_count,
            ), run
        municipality = Organisation.objects.get(kind=OrganisationKind.MUNICIPALITY)
        first = ChargebackRun.objects.filter(organisation=municipality).order_by("period_start")[0]
        assert first.total_amount > 1_000_000 and first.total_vat == 0
        company_run = ChargebackRun.objects.filter(
            organisation__kind=OrganisationKind.COMPANY, total_amount__gt=0
        ).first()
        assert company_run.total_vat == pytest.approx(
            company_run.total_amount / 4, rel=Decimal("0.01")
        )

    def test_runs_bill_services_and_the_it_fee(self):
        kinds = set(ChargebackLine.objects.values_list("kind", flat=True).distinct())
        assert {LineKind.SERVICE, LineKind.FEE, LineKind.ADJUSTMENT} <= kinds
        # The mid-year price change of mobile phones shows as two prices in 2026's runs.
        prices = set(
            ChargebackLine.objects.filter(
                service__code="MOB", run__period_start__year=2026
            ).values_list("unit_price", flat=True)
        )
        assert len(prices) >= 2

    def test_an_adjustment_of_a_closed_line_is_booked_in_the_draft(self):
        adjustment = Adjustment.objects.select_related("original__run", "booked_in").get()
        assert adjustment.original.run.state == RunState.CLOSED
        assert adjustment.amount < 0 and adjustment.reason
        draft = adjustment.booked_in
        assert draft.state == RunState.DRAFT
        assert draft.organisation_id == adjustment.original.run.organisation_id
        line = draft.lines.get(kind=LineKind.ADJUSTMENT)
        assert line.adjustment_id == adjustment.pk and line.amount == adjustment.amount
        assert line.unit_id == adjustment.original.unit_id

    def test_recomputing_the_draft_gives_the_same_lines(self):
        draft = ChargebackRun.objects.get(
            state=RunState.DRAFT, organisation__kind=OrganisationKind.MUNICIPALITY
        )
        before = list(draft.lines.order_by("pk").values_list("unit", "service", "amount"))
        with transaction.atomic():
            run = services.compute_run(draft.organisation, draft.period_label, actor="command:test")
            after = list(run.lines.order_by("pk").values_list("unit", "service", "amount"))
            transaction.set_rollback(True)
        assert after == before and run.total_amount == draft.total_amount

    def test_runs_are_audited_as_the_demo_command(self):
        changes = ObjectChange.objects.filter(
            content_type=ContentType.objects.get_for_model(ChargebackRun)
        )
        assert set(changes.values_list("actor", flat=True).distinct()) == {"command:demo"}
        closed = ChargebackRun.objects.filter(state=RunState.CLOSED).first()
        assert changes.filter(object_id=str(closed.pk), after__state=RunState.CLOSED).exists()

    def test_year_figures_and_kpis_are_plausible(self):
        municipality = Organisation.objects.get(kind=OrganisationKind.MUNICIPALITY)
        figures = YearFigures.objects.filter(organisation=municipality).order_by("year")
        years = [f.year for f in figures]
        assert years == list(range(2024, timezone.localdate().year + 1))
        for item in figures:
            per_inhabitant = item.operating_cost / item.inhabitants
            assert 80_000 <= per_inhabitant <= 130_000
            assert 0 < item.development_cost < item.other_it_cost < item.operating_cost / 50
        report = kpis.cost_report(municipality)
        by_year = report.by_year
        for year in (2024, 2025):
            item = by_year[year]
            assert item.months == 12 and not item.preliminary
            assert 1.5 <= item.operating_share <= 5, item
            assert 5 <= item.development_share <= 30, item
            assert item.per_employee > 10_000 and item.per_workstation > 1_000

    def test_peer_municipalities_are_marked_as_demo(self):
        peers = PeerValue.objects.all()
        assert peers.values("municipality").distinct().count() == 12
        assert set(peers.values_list("period", flat=True)) == {2024, 2025}
        assert set(peers.values_list("kpi", flat=True)) == set(kpis.KPIS_BY_CODE)
        assert peers.count() == 12 * 2 * len(kpis.KPIS_BY_CODE)
        for code, name in peers.values_list("municipality", "municipality_name").distinct():
            assert name.startswith("Demokommun ") and code.startswith("99") and len(code) == 4
        shares = [float(v) for v in peers.filter(kpi="ITK005").values_list("value", flat=True)]
        assert 1.5 <= min(shares) < max(shares) <= 5
        per_employee = [int(v) for v in peers.filter(kpi="ITK002").values_list("value", flat=True)]
        assert max(per_employee) > 1.3 * min(per_employee)  # a spread to place us in

    def test_the_simulation_kpi_and_benchmark_pages_show_the_demo_numbers(self):
        from django.contrib.auth.models import User
        from django.template.defaultfilters import floatformat
        from django.test import Client

        municipality = Organisation.objects.get(kind=OrganisationKind.MUNICIPALITY)
        client = Client()
        client.force_login(User.objects.get(username="controller"))
        report = kpis.cost_report(municipality)
        year = report.by_year[2025]

        page = client.get(f"/chargeback/kpis/?organisation={municipality.pk}")
        simulation = client.get(f"/chargeback/simulation/?organisation={municipality.pk}&year=2025")
        benchmark = client.get("/chargeback/benchmark/?kpi=ITK002&year=2025")

        assert page.status_code == simulation.status_code == benchmark.status_code == 200
        text = page.content.decode()
        assert floatformat(year.total, "0g") in text
        assert floatformat(year.per_employee, "2g") in text
        # the simulation: the year's IT fee and services in total, both charged in the demo
        result = simulate(municipality, 2025)
        shown = simulation.content.decode()
        assert result.fee > 0 and result.services > 0
        assert floatformat(result.fee, "0g") in shown
        assert floatformat(result.services, "0g") in shown
        assert "Demokommun" in benchmark.content.decode()
