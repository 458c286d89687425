"""Benchmark runner: `python -m benchmarks.run [--profile large|small] [--repeat N]
[--database-url URL] [--rebuild] [--seed N] [--only NAME,…]` (`make bench`, BENCH_ARGS="…").

1. Points IT-portalen at a database of its own (default: the SQLite file
   benchmarks/results/bench-<profile>.sqlite3) through ITPORTAL_* variables, before Django
   is set up.
2. Builds it once (`migrate`, then `demo --profile P --seed S`, both timed) and records the build
   in a marker table; later runs reuse it unless --rebuild is given or the profile, seed, demo
   steps or migrations differ from the marker.
3. Renders every scenario (benchmarks.scenarios) with Django's test client as an IT
   administrator (or runs its action, e.g. a chargeback run): one warm-up run that also counts
   the queries and checks the result against the SQL where the scenario says how, then N timed
   runs, alternating with N timed runs of the scenario's hand-written SQL.
4. Writes benchmarks/results/latest.md and latest.json and prints the table.

Only `main()` touches the environment; `run_suite()` is the core the test calls inside an
already configured Django.
"""

import argparse
import datetime
import gc
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PROJECT_DIR = RESULTS_DIR.parent.parent
PROFILES = ("large", "small")
DEFAULT_PROFILE = "large"
DEFAULT_SEED = 1
DEFAULT_REPEAT = 15
BENCH_USERNAME = "benchmark"
MARKER_TABLE = "benchmark_build"
BENCH_SECRET_KEY = "benchmark-only-secret-key-never-used-for-a-real-deployment-0123456789"

# Rows counted for the report header: (label, app_label.ModelName). Modules may append theirs.
ROW_COUNTS = [
    ("organisations", "organisation.Organisation"),
    ("units", "organisation.OrgUnit"),
    ("people", "organisation.Person"),
    ("vendors", "organisation.Vendor"),
    ("bodies", "organisation.Body"),
    ("memberships", "organisation.BodyMembership"),
    ("change log", "core.ObjectChange"),
    ("logins", "auth.User"),
    ("systems", "registry.System"),
    ("integrations", "registry.Integration"),
    ("system roles", "registry.SystemRole"),
]

# There is no collectstatic manifest in a benchmark run; plain storage gives the same
# {% static %} URLs without it (the manifest lookup it replaces is one dict lookup).
PLAIN_STATIC_STORAGE = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


class BenchmarkError(Exception):
    pass


# --- Measuring ------------------------------------------------------------------------------
def _summary(samples_ms):
    ordered = sorted(samples_ms)
    if len(ordered) > 1:
        p90 = statistics.quantiles(ordered, n=10, method="inclusive")[8]
    else:
        p90 = ordered[0]
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p90_ms": round(p90, 3),
        "min_ms": round(ordered[0], 3),
    }


def _run_sql(queries):
    """Execute and fetch every query; the number of rows fetched."""
    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params or None)
            rows += len(cursor.fetchall())
    return rows


def _get(client, url, headers):
    response = client.get(url, headers=headers)
    if response.status_code != 200:
        raise BenchmarkError(f"GET {url} answered {response.status_code}, not 200")
    return response


def measure(scenario, client, picks, repeat):
    """Time one scenario: its page through `client` (or its action) and its SQL, `repeat` times
    each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url, queries = scenario.resolve(picks)
    headers = dict(scenario.headers)
    if scenario.action is not None:
        call = scenario.action(picks)
    else:

        def call():
            return _get(client, url, headers)

    gc.collect()
    # Warm-up: fills the template, URL and content-type caches; counts the page's queries.
    with CaptureQueriesContext(connection) as captured:
        response = call()
    page_queries = len(captured)
    size = len(response.content) if scenario.action is None else 0
    rows = _run_sql(queries)
    check = scenario.verify(picks) if scenario.verify is not None else ""
    page_ms, sql_ms = [], []
    if scenario.repeat is not None:
        repeat = min(repeat, scenario.repeat)
    for _ in range(repeat):  # alternate, so drift on the machine hits both alike
        start = time.perf_counter()
        call()
        page_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        _run_sql(queries)
        sql_ms.append((time.perf_counter() - start) * 1000)
    page = {**_summary(page_ms), "queries": page_queries, "bytes": size, "runs": repeat}
    sql = {**_summary(sql_ms), "queries": len(queries), "rows": rows}
    ratio = page["median_ms"] / sql["median_ms"] if sql["median_ms"] > 0 else None
    result = {
        "name": scenario.name,
        "url": url,
        "description": scenario.description,
        "page": page,
        "sql": sql,
        "ratio": None if ratio is None else round(ratio, 2),
    }
    if check:
        result["check"] = check
    return result


def benchmark_user():
    """The login the pages are rendered for: an IT administrator (sees every row)."""
    from django.contrib.auth.models import Group, User

    from itportal.core.roles import Role

    user, created = User.objects.get_or_create(username=BENCH_USERNAME)
    if created:
        user.set_unusable_password()
        user.save()
    group, _ = Group.objects.get_or_create(name=Role.IT_ADMIN.value)
    user.groups.add(group)
    return user


def _row_counts():
    from django.apps import apps

    from benchmarks.scenarios import EXTRA_ROW_COUNTS

    return {
        label: apps.get_model(model)._default_manager.count()
        for label, model in [*ROW_COUNTS, *EXTRA_ROW_COUNTS]
    }


def _database_info():
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        version = sqlite3.sqlite_version
    elif connection.vendor == "postgresql":
        connection.ensure_connection()
        number = connection.pg_version
        version = f"{number // 10000}.{number % 10000}"
    else:  # pragma: no cover
        version = ""
    return {
        "vendor": connection.vendor,
        "version": version,
        "name": Path(str(connection.settings_dict["NAME"])).name,
    }


def _machine_info():
    import django

    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpu_count": os.cpu_count(),
        "platform": f"{platform.system()} {platform.machine()}",
        # Other work on the machine widens p90 first; read the numbers with this in mind.
        "load_average": round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None,
    }


def run_suite(*, repeat=DEFAULT_REPEAT, out_dir=RESULTS_DIR, scenarios=None, user=None, meta=None):
    """Measure `scenarios` (default: all), write latest.md/latest.json into `out_dir`, return
    the report. Django must be set up and the database filled."""
    from django.test import Client
    from django.test.utils import override_settings

    from benchmarks.report import write_report
    from benchmarks.scenarios import Picks, all_scenarios

    scenarios = all_scenarios() if scenarios is None else list(scenarios)
    meta = meta or {}
    client = Client()
    client.force_login(user or benchmark_user())
    picks = Picks()
    machine = _machine_info()  # before measuring: its load average is the one we ran under
    results, skipped = [], []
    with override_settings(STORAGES={**_storages(), "staticfiles": PLAIN_STATIC_STORAGE}):
        for scenario in scenarios:
            reason = scenario.skip_reason()
            if reason:  # e.g. a register scenario on a database without systems
                skipped.append({"name": scenario.name, "reason": reason})
                continue
            try:
                results.append(measure(scenario, client, picks, repeat))
            except Exception as error:  # report it and go on with the other scenarios
                results.append(
                    {
                        "name": scenario.name,
                        "url": _safe_url(scenario, picks),
                        "description": scenario.description,
                        "error": f"{type(error).__name__}: {error}",
                    }
                )
    client.logout()
    report = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "profile": meta.get("profile", ""),
        "seed": meta.get("seed"),
        "repeat": repeat,
        "rows": _row_counts(),
        "database": _database_info(),
        "machine": machine,
        "build": meta.get("build"),
        "scenarios": results,
        "skipped": skipped,
    }
    write_report(report, out_dir)
    return report


def _storages():
    from django.conf import settings

    return settings.STORAGES


def _safe_url(scenario, picks):
    try:
        return scenario.resolve(picks)[0]
    except Exception:
        return "?"


# --- The benchmark database -----------------------------------------------------------------
def fingerprint(profile, seed):
    """What the database was built from; a difference means a rebuild."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from itportal.demo import profiles

    leaves = MigrationLoader(connection, ignore_no_migrations=True).graph.leaf_nodes()
    return {
        "profile": profile,
        "seed": seed,
        "steps": list(profiles.STEPS),
        "migrations": sorted(f"{app}.{name}" for app, name in leaves),
    }


def read_marker():
    from django.db import connection

    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {MARKER_TABLE} WHERE name = 'build'")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def write_marker(data):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(name VARCHAR(20) PRIMARY KEY, value TEXT NOT NULL)"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (name, value) VALUES ('build', %s)", [json.dumps(data)]
        )


def _drop_marker():
    from django.db import connection

    if MARKER_TABLE in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {MARKER_TABLE}")


def _has_data():
    from django.db import connection

    if "organisation_person" not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM organisation_person LIMIT 1")
        return cursor.fetchone() is not None


def _delete_sqlite_files():
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    connection.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(name + suffix).unlink(missing_ok=True)


def prepare_database(profile, seed, *, rebuild=False, log=print):
    """Build the benchmark database unless its marker says it holds this build; the build
    info (with build times) either way."""
    from django.core.management import call_command, get_commands
    from django.db import connection

    wanted = fingerprint(profile, seed)
    marker = read_marker()
    if not rebuild and marker and marker.get("fingerprint") == wanted:
        log(f"Reusing {_database_label()} (built {marker['built_at']}).")
        return {**marker, "reused": True}
    if marker is None and _has_data() and not rebuild:
        raise BenchmarkError(
            f"{_database_label()} holds data but was not built by the benchmark; refusing to "
            "overwrite it. Point --database-url at a database of its own, or pass --rebuild."
        )
    if "demo" not in get_commands():
        raise BenchmarkError(
            "`manage.py demo` does not exist (src/itportal/demo/management/commands/demo.py); "
            "the benchmark database cannot be built."
        )
    reason = "--rebuild" if rebuild else ("no build yet" if marker is None else "build changed")
    log(f"Building {_database_label()} with profile {profile}, seed {seed} ({reason}) …")
    if connection.vendor == "sqlite":
        _delete_sqlite_files()
    else:
        _drop_marker()  # a half-finished build must not pass for the old one
    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if connection.vendor != "sqlite" and _has_data():
        call_command("flush", interactive=False, verbosity=0)
    migrate_seconds = time.perf_counter() - start
    start = time.perf_counter()
    call_command("demo", "--profile", profile, "--seed", str(seed))
    demo_seconds = time.perf_counter() - start
    data = {
        "fingerprint": wanted,
        "built_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "migrate_seconds": round(migrate_seconds, 2),
        "demo_seconds": round(demo_seconds, 2),
    }
    write_marker(data)
    log(f"Built in {demo_seconds:.1f} s (demo) + {migrate_seconds:.1f} s (migrate).")
    return {**data, "reused": False}


def _database_label():
    from django.db import connection

    return f"{connection.vendor} database {Path(str(connection.settings_dict['NAME'])).name}"


# --- Command line ---------------------------------------------------------------------------
def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--profile", choices=PROFILES, default=DEFAULT_PROFILE)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="timed runs (15)")
    parser.add_argument(
        "--database-url",
        help="database to build and measure (default: sqlite file "
        "benchmarks/results/bench-<profile>.sqlite3)",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database first")
    parser.add_argument("--only", help="comma-separated scenario names (default: all)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def configure_environment(database_url):
    """ITPORTAL_* for a production-like run on the benchmark database (before django.setup)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "itportal.settings"
    os.environ["ITPORTAL_DATABASE_URL"] = database_url
    os.environ["ITPORTAL_DEBUG"] = "0"  # DEBUG would log every query and skew the times
    os.environ.setdefault("ITPORTAL_SECRET_KEY", BENCH_SECRET_KEY)
    os.environ["ITPORTAL_ALLOWED_HOSTS"] = "testserver"
    # The test client speaks plain HTTP: no redirect to HTTPS, cookies without Secure.
    os.environ["ITPORTAL_SECURE_SSL_REDIRECT"] = "0"
    os.environ["ITPORTAL_SECURE_COOKIES"] = "0"
    src = str(PROJECT_DIR / "src")
    if src not in sys.path:
        sys.path.insert(0, src)


def main(argv=None):
    args = parse_args(argv)
    database_url = args.database_url or (
        f"sqlite:///{RESULTS_DIR / f'bench-{args.profile}.sqlite3'}"
    )
    configure_environment(database_url)
    # WhiteNoise warns that STATIC_ROOT is missing; a benchmark run never collects static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()
    from benchmarks.report import render_markdown
    from benchmarks.scenarios import all_scenarios

    scenarios = all_scenarios()
    if args.only:
        names = {n.strip() for n in args.only.split(",") if n.strip()}
        unknown = names - {s.name for s in scenarios}
        if unknown:
            print(f"Unknown scenario(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        scenarios = [s for s in scenarios if s.name in names]
    try:
        build = prepare_database(args.profile, args.seed, rebuild=args.rebuild)
    except BenchmarkError as error:
        print(error, file=sys.stderr)
        return 1
    report = run_suite(
        repeat=args.repeat,
        scenarios=scenarios,
        meta={"profile": args.profile, "seed": args.seed, "build": build},
    )
    print(render_markdown(report))
    for skipped in report["skipped"]:
        print(f"Skipped {skipped['name']}: {skipped['reason']}", file=sys.stderr)
    print(f"Written: {RESULTS_DIR / 'latest.md'} and latest.json")
    failed = [s["name"] for s in report["scenarios"] if s.get("error")]
    if failed:
        print(f"Failed scenarios: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
