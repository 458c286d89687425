"""The report: benchmarks/results/latest.json (the data) and latest.md (the same as a table).

Both files are meant to be committed, so they hold nothing machine-private (no host name, no
absolute paths) and are written deterministically (fixed key order, trailing newline).
"""

import json
from pathlib import Path

JSON_NAME = "latest.json"
MD_NAME = "latest.md"


def _ms(value, digits=2):
    return "–" if value is None else f"{value:.{digits}f}"


def _ratio(value):
    return "–" if value is None else f"{value:.1f}×"


def render_markdown(report):
    machine = report["machine"]
    database = report["database"]
    lines = [
        "# Benchmarks",
        "",
        f"- Date: {report['date']}",
        f"- Profile: {report['profile']} (seed {report['seed']}), "
        f"{report['repeat']} timed runs per scenario after one warm-up",
        "- Rows: " + ", ".join(f"{label} {n:,}" for label, n in report["rows"].items()),
        f"- Database: {database['vendor']} {database['version']} ({database['name']})",
        f"- Machine: Python {machine['python']}, Django {machine['django']}, "
        f"{machine['cpu_count']} CPUs, {machine['platform']}"
        + (
            f", load average {machine['load_average']} at the start"
            if machine.get("load_average") is not None
            else ""
        ),
    ]
    build = report.get("build") or {}
    if build.get("demo_seconds") is not None:
        reused = " (database reused from that build)" if build.get("reused") else ""
        lines.append(
            f"- Build: `demo --profile {report['profile']}` took {build['demo_seconds']:.1f} s, "
            f"migrate {build['migrate_seconds']:.1f} s, built {build['built_at']}{reused}"
        )
    lines += [
        "",
        "Server-side times through Django's test client (middleware, view, template or "
        "serializer; no network, no browser), next to the hand-written SQL the page needs. "
        "Scenarios that time an action instead of a page (a chargeback run) say so below. "
        "Ratio = page median / SQL median.",
        "",
        "| Scenario | Median ms | p90 ms | Queries | SQL median ms | SQL queries | Ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in report["scenarios"]:
        if s.get("error"):
            lines.append(f"| {s['name']} | error | | | | | |")
            continue
        page, sql = s["page"], s["sql"]
        lines.append(
            f"| {s['name']} | {_ms(page['median_ms'])} | {_ms(page['p90_ms'])} "
            f"| {page['queries']} | {_ms(sql['median_ms'], 3)} | {sql['queries']} "
            f"| {_ratio(s['ratio'])} |"
        )
    lines += ["", "## Scenarios", ""]
    for s in report["scenarios"]:
        text = f"- **{s['name']}** `{s['url']}`"
        if s.get("description"):
            text += f": {s['description']}"
        if s.get("error"):
            text += f" **Error:** {s['error']}"
        elif s["page"]["bytes"]:
            text += f" ({s['page']['bytes']:,} bytes; SQL fetches {s['sql']['rows']:,} rows)"
        else:
            text += f" (SQL fetches {s['sql']['rows']:,} rows)"
        runs = s.get("page", {}).get("runs")
        if runs not in (None, report["repeat"]):
            text += f" Timed {runs} times."
        if s.get("check"):
            text += f" Check: {s['check']}"
        lines.append(text)
    return "\n".join(lines) + "\n"


def write_report(report, out_dir):
    """Write latest.json and latest.md into `out_dir`; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / JSON_NAME
    md_path = out_dir / MD_NAME
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    md_path.write_text(render_markdown(report), "utf-8")
    return json_path, md_path
