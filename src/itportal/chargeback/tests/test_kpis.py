"""Cost KPIs from a small hand-built dataset: a closed run and the year's figures."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itportal.catalogue.models import Price, PriceList, Service, Subscription
from itportal.chargeback import kpis, services
from itportal.chargeback.models import YearFigures
from itportal.chargeback.tests.test_simulation import build
from itportal.core.models import ObjectChange

D = datetime.date
URL = "/chargeback/kpis/"
SCHEMA = json.loads(
    (Path(kpis.__file__).parent / "schemas" / "kpi-exchange.schema.json").read_text("utf-8")
)


def build_dataset(org, users):
    """January 2025, closed. Lines (kr): computers 800 (IT office), server 1 000 and project
    management 5 000 (school, development), IT fee 500 + 300 + 2 000 = 2 800: 9 600.
    Year figures: other IT costs 2 000, development 1 500, operating cost 1 000 000,
    1 000 inhabitants. Workstations on 31 Dec 2025: 2 (IT office) + 1 (school from July) = 3.
    """
    made = build(org, 2025)
    project = Service.objects.create(
        name="Projektledning",
        code="PL",
        category="support",
        billing_unit="month",
        cost_kind="development",
        owner_unit=org["it_office"],
    )
    Price.objects.create(
        price_list=PriceList.objects.get(year=2025),
        service=project,
        valid_from=D(2025, 1, 1),
        amount=5000,
    )
    Subscription.objects.create(
        unit=org["school"], service=project, quantity=1, start=D(2025, 1, 1), end=D(2025, 1, 31)
    )
    run = services.compute_run(org["organisation"], "2025-01", actor=users["controller"])
    services.approve_run(run, actor=users["controller"])
    services.close_run(run, actor=users["controller"])
    YearFigures.objects.create(
        organisation=org["organisation"],
        year=2025,
        operating_cost=Decimal("1000000"),
        other_it_cost=Decimal("2000"),
        development_cost=Decimal("1500"),
        inhabitants=1000,
    )
    return {**made, "project": project, "run": run}


def test_it_computes_every_kpi_of_a_closed_year_by_hand(org, users):
    build_dataset(org, users)

    report = kpis.cost_report(org["organisation"])

    (year,) = report.years
    assert (year.year, year.preliminary, year.months, year.incomplete) == (2025, False, 1, True)
    assert (year.charged, year.total, year.development, year.keep_running) == (
        Decimal("9600.00"),
        Decimal("13100.00"),  # 9 600 + 2 000 + 1 500
        Decimal("6500.00"),  # project 5 000 + entered 1 500
        Decimal("6600.00"),
    )
    assert (year.headcount, year.workstations) == (28, Decimal("3"))
    assert {k.code: v for k, v in year.values()} == {
        "ITK001": Decimal("13100.00"),
        "ITK002": Decimal("467.86"),  # 13 100 / 28 = 467.857…
        "ITK003": Decimal("4366.67"),  # 13 100 / 3
        "ITK004": Decimal("13.10"),  # 13 100 / 1 000
        "ITK005": Decimal("1.31"),  # 13 100 / 1 000 000 × 100
        "ITK006": Decimal("49.62"),  # 6 500 / 13 100 × 100 = 49.618…
    }


def test_it_breaks_the_total_down_per_service(org, users):
    build_dataset(org, users)

    report = kpis.cost_report(org["organisation"])

    rows = [(r.name, r.cost_kind, r.amount(2025)) for r in report.services]
    assert rows == [
        ("Dator som tjänst", "keep_running", Decimal("800.00")),
        ("Projektledning", "development", Decimal("5000.00")),
        ("Servertjänst", "keep_running", Decimal("1000.00")),
        ("IT fee", "keep_running", Decimal("2800.00")),
        ("Other IT costs (entered)", "keep_running", Decimal("2000.00")),
        ("IT development costs (entered)", "development", Decimal("1500.00")),
    ]
    assert sum(r.amount(2025) for r in report.services) == report.years[0].total


def test_it_marks_a_year_with_a_draft_run_as_preliminary(org, users):
    build_dataset(org, users)
    services.compute_run(org["organisation"], "2025-02", actor=users["controller"])

    (year,) = kpis.cost_report(org["organisation"]).years

    assert year.preliminary and year.months == 2
    assert year.charged == Decimal("9600.00") + Decimal("4600.00")  # Feb: 800 + 1 000 + 2 800


def test_it_leaves_the_operating_share_blank_without_year_figures(org, users):
    build_dataset(org, users)
    YearFigures.objects.all().delete()

    (year,) = kpis.cost_report(org["organisation"]).years

    assert year.total == Decimal("9600.00")
    assert year.operating_share is None
    assert year.per_inhabitant is None  # neither figures nor the organisation's inhabitants


def test_it_shows_the_kpis_chart_and_service_table_to_any_logged_in_user(org, users, client_for):
    build_dataset(org, users)

    response = client_for("employee").get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-kpi="ITK002" data-year="2025">467.86<' in body
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in body
    assert '<title id="trend-title">Total IT cost</title>' in body
    assert "Projektledning" in body and "13,100" in body
    assert "The runs of 2025 cover 1 of 12 months." in body


def test_it_says_when_no_year_figures_are_entered(org, users, client_for):
    build_dataset(org, users)
    YearFigures.objects.all().delete()

    body = client_for("controller").get(URL).content.decode()

    assert "No year figures are entered for 2025" in body
    assert "/chargeback/year-figures/add/?organisation=" in body


def validate(document):
    jsonschema.validate(document, SCHEMA)


def test_it_exports_the_kpis_as_kolada_shaped_json_that_validates(org, users, client_for):
    build_dataset(org, users)

    response = client_for("employee").get("/chargeback/kpis/export/")

    assert response["Content-Disposition"].startswith('attachment; filename="it-kpis-2580-')
    document = json.loads(response.content)
    validate(document)
    assert document["count"] == len(document["values"]) == 6
    first = document["values"][1]
    assert first == {
        "kpi": "ITK002",
        "municipality": "2580",
        "municipality_name": "Norrsjö kommun",
        "period": 2025,
        "values": [{"gender": "T", "status": "", "value": 467.86, "count": 1}],
    }


def test_it_serves_the_same_document_over_the_api(org, users, client_for):
    build_dataset(org, users)
    page = client_for("employee").get("/chargeback/kpis/export/").json()

    api = client_for("employee").get(f"/api/kpis/?organisation={org['organisation'].pk}")

    assert api.status_code == 200
    assert api.json() == page


def test_it_writes_the_export_file_from_the_command(org, users, tmp_path):
    build_dataset(org, users)
    target = tmp_path / "kpis.json"

    call_command("export_kpis", "--organisation", str(org["organisation"].pk), "--output", target)

    document = json.loads(target.read_text("utf-8"))
    validate(document)
    assert {v["kpi"] for v in document["values"]} == {k.code for k in kpis.KPIS}


def test_it_lets_a_controller_enter_year_figures_and_an_admin_delete_them(org, client_for):
    data = {
        "organisation": org["organisation"].pk,
        "year": 2024,
        "operating_cost": "2500000",
        "other_it_cost": "0",
        "development_cost": "0",
        "inhabitants": "",
        "note": "",
    }
    response = client_for("controller").post("/chargeback/year-figures/add/", data)

    figures = YearFigures.objects.get(year=2024)
    assert response.status_code == 302
    assert ObjectChange.objects.filter(object_id=str(figures.pk), action="create").exists()
    duplicate = client_for("controller").post("/chargeback/year-figures/add/", data)
    assert duplicate.status_code == 200 and YearFigures.objects.count() == 1
    assert (
        client_for("controller").get(f"/chargeback/year-figures/{figures.pk}/delete/").status_code
        == 403
    )
    client_for("admin").post(
        f"/chargeback/year-figures/{figures.pk}/delete/", {"_version": figures.version}
    )
    assert not YearFigures.objects.exists()


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [URL, "/chargeback/kpis/export/", "/chargeback/year-figures/"])
def test_it_renders_kpi_pages_with_a_constant_number_of_queries(org, users, client_for, url):
    made = build_dataset(org, users)
    client = client_for("controller")
    before = count_queries(client, url)
    PriceList.objects.create(year=2024)
    for price_list in PriceList.objects.filter(year=2024):
        for service in (made["dst"], made["server"], made["project"]):
            Price.objects.create(
                price_list=price_list, service=service, valid_from=D(2024, 1, 1), amount=100
            )
    for period in ("2024-11", "2024-12", "2025-02", "2025-Q2"):
        services.compute_run(org["organisation"], period, actor=users["controller"])
    YearFigures.objects.create(organisation=org["organisation"], year=2024, operating_cost=10)

    assert count_queries(client, url) == before


def test_it_lets_finance_roles_write_year_figures_over_the_api_but_not_employees(org, client_for):
    data = {"organisation": org["organisation"].pk, "year": 2023, "operating_cost": "900000.00"}

    refused = client_for("employee").post(
        "/api/year-figures/", data, content_type="application/json"
    )
    created = client_for("controller").post(
        "/api/year-figures/", data, content_type="application/json"
    )

    assert refused.status_code == 403
    assert created.status_code == 201, created.content
    assert created.json()["version"] == 1
    assert YearFigures.objects.get().operating_cost == Decimal("900000.00")
