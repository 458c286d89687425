"""The runner's core on a tiny dataset: every scenario measured, both report files written.

Only the shape of the report is checked; speed is measured by `make bench`, never asserted.
"""

import json

import pytest

from benchmarks.report import JSON_NAME, MD_NAME
from benchmarks.run import parse_args, run_suite
from benchmarks.scenarios import SCENARIOS, Picks


@pytest.fixture
def report(org, tmp_path):
    return run_suite(repeat=2, out_dir=tmp_path, meta={"profile": "test", "seed": 0})


def test_every_scenario_is_measured_with_positive_numbers(report):
    assert [s["name"] for s in report["scenarios"]] == [s.name for s in SCENARIOS]
    for s in report["scenarios"]:
        assert "error" not in s, s
        page, sql = s["page"], s["sql"]
        assert page["median_ms"] > 0 and page["p90_ms"] >= page["median_ms"], s
        assert page["queries"] > 0 and page["bytes"] > 0, s
        assert sql["median_ms"] > 0 and sql["queries"] > 0, s
        assert s["ratio"] > 0, s
    assert report["rows"]["people"] == 4
    assert report["database"]["vendor"]
    assert report["machine"]["cpu_count"]


def test_report_files_are_written(report, tmp_path):
    data = json.loads((tmp_path / JSON_NAME).read_text("utf-8"))
    assert data == report
    markdown = (tmp_path / MD_NAME).read_text("utf-8")
    assert "| Scenario | Median ms | p90 ms | Queries | SQL median ms |" in markdown
    for scenario in SCENARIOS:
        assert f"| {scenario.name} |" in markdown


def test_scenario_names_are_unique_and_sql_resolves(org):
    names = [s.name for s in SCENARIOS]
    assert len(names) == len(set(names))
    picks = Picks()
    for scenario in SCENARIOS:
        url, queries = scenario.resolve(picks)
        assert url.startswith("/") and queries


def test_defaults():
    args = parse_args([])
    assert (args.profile, args.repeat, args.rebuild) == ("large", 15, False)
    assert args.database_url is None
