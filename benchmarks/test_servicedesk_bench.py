"""The service desk scenarios on a small demo build: each is measured, the recomputations check
tickets, and the scenarios skip, with the reason, a database without tickets.

Speed is measured by `make bench`, never asserted here.
"""

import pytest

from benchmarks.run import run_suite
from benchmarks.scenarios import all_scenarios
from benchmarks.servicedesk import SERVICEDESK_SCENARIOS, change_on_hubs, five_hubs


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestServiceDeskScenarios:
    def test_every_service_desk_scenario_is_measured(self, tmp_path):
        report = run_suite(
            repeat=1, out_dir=tmp_path, scenarios=SERVICEDESK_SCENARIOS, meta={"profile": "test"}
        )
        assert report["skipped"] == []
        measured = {s["name"]: s for s in report["scenarios"]}
        assert list(measured) == [s.name for s in SERVICEDESK_SCENARIOS]
        for s in measured.values():
            assert "error" not in s, s
            assert s["page"]["median_ms"] > 0 and s["sql"]["rows"] > 0, s
        for name in ("desk-sla-recompute-open", "desk-sla-recompute-all"):
            assert measured[name]["page"]["bytes"] == 0
            assert "tickets' clocks recomputed" in measured[name]["check"]
        assert measured["desk-queue"]["page"]["bytes"] > 10_000

    def test_recomputing_everything_is_rolled_back(self):
        import datetime

        from benchmarks.scenarios import Picks
        from benchmarks.servicedesk import _last, _recompute
        from itportal.servicedesk.models import Ticket

        ticket = Ticket.objects.filter(sla__isnull=False).order_by("pk").first()
        wrong = ticket.opened_at - datetime.timedelta(days=400)
        Ticket.objects.filter(pk=ticket.pk).update(resolution_due=wrong)

        _recompute(every=True)(Picks())()

        assert _last[True].checked == Ticket.objects.count()
        assert _last[True].changed >= 1  # it set the wrong due time right …
        assert Ticket.objects.get(pk=ticket.pk).resolution_due == wrong  # … and rolled back

    def test_the_demo_holds_a_change_on_the_five_hubs(self):
        change = change_on_hubs()
        assert change is not None
        assert set(five_hubs()) <= set(change["systems"])

    def test_the_scenarios_are_part_of_the_suite(self):
        names = [s.name for s in all_scenarios()]
        assert {s.name for s in SERVICEDESK_SCENARIOS} <= set(names)
        assert len(names) == len(set(names))


@pytest.mark.django_db
def test_the_service_desk_scenarios_skip_a_database_without_tickets(org):
    for scenario in SERVICEDESK_SCENARIOS:
        assert "no open tickets" in scenario.skip_reason()
