"""Benchmarking: peers' files imported all or nothing, and our rank and percentile among them."""

import html
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itportal.chargeback import benchmark
from itportal.chargeback.models import PeerValue
from itportal.chargeback.tests.test_kpis import build_dataset, validate
from itportal.core.models import ObjectChange

URL = "/chargeback/benchmark/"
IMPORT_URL = "/chargeback/benchmark/import/"


def peer_file(code, name, value, kpi="ITK002", period=2025):
    return {
        "count": 1,
        "values": [
            {
                "kpi": kpi,
                "municipality": code,
                "municipality_name": name,
                "period": period,
                "values": [{"gender": "T", "status": "", "value": value, "count": 1}],
            }
        ],
    }


def as_bytes(document):
    return json.dumps(document).encode("utf-8")


@pytest.fixture
def ours(org, users, client_for):
    """Our KPIs for 2025 (ITK002 = 467.86) and our own export, re-coded as peer 2591."""
    build_dataset(org, users)
    document = client_for("controller").get("/chargeback/kpis/export/").json()
    for entry in document["values"]:
        entry["municipality"], entry["municipality_name"] = "2591", "Kopiekommun"
    return document


def test_it_places_us_among_peers_after_a_round_trip_of_our_export(org, ours):
    validate(ours)
    benchmark.import_peer_files(
        [
            ("copy.json", as_bytes(ours)),
            ("low.json", as_bytes(peer_file("2592", "Lågkommun", 400))),
            ("high.json", as_bytes(peer_file("2593", "Högkommun", 500))),
        ],
        actor="test",
        dry_run=False,
    )

    found = benchmark.position(org["organisation"], "ITK002", 2025)

    # Peers 400, 467.86 (our copy), 500; ours 467.86: one peer lower, the equal one is not.
    assert found.ours == Decimal("467.86")
    assert [v for _c, _n, v in found.peers] == [Decimal(400), Decimal("467.86"), Decimal(500)]
    assert (found.rank, found.compared, found.percentile) == (2, 4, Decimal("33.33"))
    assert (found.median, found.minimum, found.maximum) == (
        Decimal("467.86"),
        Decimal(400),
        Decimal(500),
    )


def test_it_shows_rank_percentile_and_an_accessible_chart(org, ours, client_for):
    for code, value in (("2592", 400), ("2593", 500), ("2594", 300)):
        PeerValue.objects.create(
            kpi="ITK002", municipality=code, municipality_name=f"K{code}", period=2025, value=value
        )

    response = client_for("employee").get(f"{URL}?kpi=ITK002&year=2025")

    body = response.content.decode()
    assert response.status_code == 200
    assert "2 of 4" not in body and "3 of 4" in body  # 300 and 400 are lower: rank 3
    assert "66.67 % (the share of the 3 peers with a lower value)" in body
    assert 'role="img"' in body and "(us)</text>" in body
    rows = body.split('id="benchmark-table"')[1]
    assert rows.index("K2594") < rows.index("K2592") < rows.index("Norrsjö kommun (us)")


def test_it_imports_peer_files_through_the_page_with_a_dry_run_first(org, client_for):
    client = client_for("controller")
    PeerValue.objects.create(kpi="ITK002", municipality="2592", period=2025, value=350)
    files = [
        SimpleUploadedFile("a.json", as_bytes(peer_file("2592", "Lågkommun", 400))),
        SimpleUploadedFile("b.json", as_bytes(peer_file("2593", "Högkommun", 500))),
    ]

    checked = client.post(IMPORT_URL, {"files": files, "dry_run": "on"})

    body = checked.content.decode()
    assert "Dry run: nothing has been written yet" in body
    assert "replaces 350" in body and "1 new values, 1 replacing a stored value" in body
    assert PeerValue.objects.get(municipality="2592").value == 350
    token = checked.context["token"]

    done = client.post(IMPORT_URL, {"token": token})

    assert "Imported: 1 new, 1 replaced, 0 unchanged." in done.content.decode()
    values = dict(PeerValue.objects.values_list("municipality", "value"))
    assert values == {"2592": Decimal(400), "2593": Decimal(500)}
    assert PeerValue.objects.get(municipality="2593").municipality_name == "Högkommun"
    assert ObjectChange.objects.filter(object_repr__startswith="ITK002 2593").count() == 1


BAD = [
    (
        {
            "values": [peer_file("2592", "A", 1)["values"][0]] * 3
            + [{**peer_file("2593", "B", 1)["values"][0], "period": "2025"}]
        },
        'bad.json: values[3].period: not a year ("2025")',
    ),
    (
        {"values": [{**peer_file("2592", "A", 1)["values"][0], "kpi": "N00005"}]},
        'bad.json: values[0].kpi: "N00005" is not one of our KPIs',
    ),
    (
        peer_file("2592", "A", "many"),
        'bad.json: values[0].values[0].value: not a number ("many")',
    ),
    (
        {"values": [{**peer_file("259", "A", 1)["values"][0]}]},
        'bad.json: values[0].municipality: "259" is not a four-digit municipality code',
    ),
    ({"data": []}, 'bad.json: not a KPI file: expected an object with a list "values"'),
]


@pytest.mark.parametrize(("document", "message"), BAD)
def test_it_refuses_a_bad_peer_file_naming_file_entry_and_field(org, document, message):
    good = ("good.json", as_bytes(peer_file("2599", "Bra kommun", 1)))

    with pytest.raises(benchmark.PeerFileError) as refused:
        benchmark.import_peer_files(
            [good, ("bad.json", as_bytes(document))], actor="test", dry_run=False
        )

    assert any(m.startswith(message) for m in refused.value.messages), refused.value.messages
    assert not PeerValue.objects.exists()


def test_it_refuses_broken_json_and_a_value_given_twice(org):
    one = as_bytes(peer_file("2592", "A", 1))

    with pytest.raises(benchmark.PeerFileError) as refused:
        benchmark.import_peer_files(
            [("a.json", one), ("b.json", one), ("c.json", b'{"values": [')],
            actor="test",
            dry_run=False,
        )

    messages = refused.value.messages
    assert messages[0].startswith("c.json: not JSON (line 1")
    assert messages[1] == (
        "b.json: values[0].values[0]: ITK002 for 2592 2025 (T) is also in a.json: "
        "values[0].values[0]"
    )
    assert not PeerValue.objects.exists()


def test_it_shows_the_refusal_on_the_page_and_writes_nothing(org, client_for, settings):
    bad = SimpleUploadedFile("bad.json", as_bytes(BAD[0][0]))

    response = client_for("itstaff").post(IMPORT_URL, {"files": [bad]})

    assert response.status_code == 422
    assert BAD[0][1] in html.unescape(response.content.decode())
    assert not PeerValue.objects.exists()

    settings.IMPORT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.json", b" " * 2000 + as_bytes(peer_file("2592", "A", 1)))
    too_big = client_for("itstaff").post(IMPORT_URL, {"files": [big]})
    assert too_big.status_code == 400
    assert "the largest upload accepted is 0.0 MB" in too_big.content.decode()


def test_it_imports_from_the_command_and_refuses_with_the_messages(org, tmp_path):
    good = tmp_path / "peer.json"
    good.write_bytes(as_bytes(peer_file("2592", "Lågkommun", 400)))
    bad = tmp_path / "bad.json"
    bad.write_bytes(as_bytes(peer_file("2593", "B", None) | {"values": [{"kpi": "ITK002"}]}))

    call_command("import_peer_kpis", str(good), "--dry-run")
    assert not PeerValue.objects.exists()
    call_command("import_peer_kpis", str(good))
    assert PeerValue.objects.get().value == 400
    with pytest.raises(CommandError, match=r"bad.json: values\[0\].municipality: missing"):
        call_command("import_peer_kpis", str(bad))


def test_it_leaves_out_null_values_and_counts_them(org):
    result = benchmark.import_peer_files(
        [("a.json", as_bytes(peer_file("2592", "A", None)))], actor="test", dry_run=True
    )

    assert (result.entries, result.skipped) == ([], 1)


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [f"{URL}?kpi=ITK002&year=2025", "/api/peer-values/"])
def test_it_renders_the_benchmark_with_a_constant_number_of_queries(org, ours, client_for, url):
    client = client_for("employee")
    PeerValue.objects.create(kpi="ITK002", municipality="2592", period=2025, value=1)
    before = count_queries(client, url)
    for i in range(20):
        PeerValue.objects.create(
            kpi="ITK002", municipality=f"{2600 + i}", period=2025, value=100 + i
        )

    assert count_queries(client, url) == before
