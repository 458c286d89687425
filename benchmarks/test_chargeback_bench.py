"""The chargeback scenarios on a small demo build: each is measured, and the SQL floor of the
monthly run computes the run's service lines (checked by the runner, line by line).

Speed is measured by `make bench`, never asserted here.
"""

import pytest

from benchmarks.chargeback import CHARGEBACK_SCENARIOS, compare_with_floor, run_target
from benchmarks.run import run_suite
from benchmarks.scenarios import all_scenarios


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestChargebackScenarios:
    def test_every_chargeback_scenario_is_measured(self, tmp_path):
        report = run_suite(
            repeat=1, out_dir=tmp_path, scenarios=CHARGEBACK_SCENARIOS, meta={"profile": "test"}
        )
        assert report["skipped"] == []
        measured = {s["name"]: s for s in report["scenarios"]}
        assert list(measured) == [s.name for s in CHARGEBACK_SCENARIOS]
        for s in measured.values():
            assert "error" not in s, s
            assert s["page"]["median_ms"] > 0 and s["sql"]["rows"] > 0, s
        compute = measured["chargeback-run-compute"]
        assert compute["page"]["bytes"] == 0 and compute["page"]["queries"] > 10
        assert "equal to the öre" in compute["check"] or "differ by an öre" in compute["check"]
        markdown = (tmp_path / "latest.md").read_text("utf-8")
        assert "Check: " in markdown

    def test_the_floor_matches_the_run_line_by_line(self):
        summary = compare_with_floor(run_target())
        assert "service lines" in summary

    def test_the_scenarios_are_part_of_the_suite(self):
        names = [s.name for s in all_scenarios()]
        assert {s.name for s in CHARGEBACK_SCENARIOS} <= set(names)
        assert len(names) == len(set(names))


@pytest.mark.django_db
def test_the_chargeback_scenarios_skip_a_database_without_runs(org):
    for scenario in CHARGEBACK_SCENARIOS:
        assert "no chargeback runs" in scenario.skip_reason()
