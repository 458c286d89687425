"""The SLA achievement report: hand-computed percentages per service, month, group and priority,
the year's edges in Stockholm time, filters, totals, the CSV export, the query count and who may
see it."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from itportal.catalogue.models import Service
from itportal.servicedesk import services
from itportal.servicedesk.choices import Kind, Level
from itportal.servicedesk.models import AssignmentGroup, Ticket

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
URL = "/desk/sla-report/"


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def make_service(org, name, code):
    return Service.objects.create(
        name=name,
        code=code,
        category="workplace",
        billing_unit="device",
        owner_unit=org["it_office"],
    )


def ticket(desk, when, *, service, group=None, high=False, **outcome):
    """A ticket opened at `when`; `outcome` sets the SLA fields afterwards (test data only)."""
    opened = services.open_ticket(
        kind=Kind.INCIDENT,
        requester=desk["person"],
        title=f"Ärende {when:%Y-%m-%d %H:%M}",
        actor="test",
        service=service,
        group=group,
        impact=Level.HIGH if high else Level.LOW,
        urgency=Level.HIGH if high else Level.LOW,
        now=when,
    )
    if outcome:
        Ticket.objects.filter(pk=opened.pk).update(**outcome)
    return opened


def in_time(when, resolved=True):
    fields = {"responded_at": when + datetime.timedelta(minutes=5)}
    if resolved:
        fields["resolved_at"] = when + datetime.timedelta(hours=2)
    return fields


@pytest.fixture
def desk(org):
    """Seven tickets with an SLA in 2025 (one outside the year, one without an SLA):

    | #  | service | group | opened (Stockholm) | response        | resolution             |
    | 1  | E-post  | G1    | 15 Jan             | in time         | resolved in time       |
    | 2  | E-post  | G1    | 20 Jan             | in time         | resolved, breached     |
    | 3  | E-post  | G2    | 3 Mar (priority 1) | late (breached) | open, breached         |
    | 4  | Ekonomi | G2    | 10 Mar             | in time         | resolved in time       |
    | 5  | Ekonomi | –     | 11 Mar             | pending         | open                   |
    | 7  | Ekonomi | –     | 1 Jan 00:30        | in time         | open                   |
    | 6  | E-post  | G1    | 1 Jan 2026 00:30   | (another year: not counted)              |
    | 8  | Ekonomi | G1    | 5 May              | (no SLA: not counted)                    |
    """
    desk = {
        "person": org["people"][0],
        "mail": make_service(org, "E-post", "EPOST"),
        "finance": make_service(org, "Ekonomisystem", "EKONOMI"),
        "g1": AssignmentGroup.objects.create(name="Servicedesken"),
        "g2": AssignmentGroup.objects.create(name="Nätverk"),
    }
    mail, finance, g1, g2 = desk["mail"], desk["finance"], desk["g1"], desk["g2"]
    ticket(desk, at(2025, 1, 15), service=mail, group=g1, **in_time(at(2025, 1, 15)))
    ticket(
        desk,
        at(2025, 1, 20),
        service=mail,
        group=g1,
        resolution_breached=True,
        **in_time(at(2025, 1, 20)),
    )
    ticket(
        desk,
        at(2025, 3, 3),
        service=mail,
        group=g2,
        high=True,
        responded_at=at(2025, 3, 4),
        response_breached=True,
        resolution_breached=True,
    )
    ticket(desk, at(2025, 3, 10), service=finance, group=g2, **in_time(at(2025, 3, 10)))
    ticket(desk, at(2025, 3, 11), service=finance)
    ticket(desk, at(2025, 1, 1, 0, 30), service=finance, **in_time(at(2025, 1, 1), False))
    ticket(desk, at(2026, 1, 1, 0, 30), service=mail, group=g1, **in_time(at(2026, 1, 1)))
    ticket(desk, at(2025, 5, 5), service=finance, group=g1, sla=None)
    return desk


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def counts(row):
    return (
        row.label,
        row.tickets,
        row.response_met,
        row.response_breached,
        row.response_pct,
        row.resolved,
        row.resolution_met,
        row.resolution_breached,
        row.resolution_pct,
    )


def test_the_report_per_service_has_hand_computed_percentages_and_totals(desk, client_for):
    response = get(client_for("itstaff"), year=2025, by="service")

    report = response.context["report"]
    # E-post: responses 2 in time of 3 decided = 66.7 %; resolutions 1 in time of 2 = 50 %;
    # breached resolutions: #2 (resolved late) and #3 (still open).
    # Ekonomisystem: #5 is still waiting within its response time, so 2 of 2 = 100 %.
    assert [counts(row) for row in report.rows] == [
        ("E-post", 3, 2, 1, 66.7, 2, 1, 2, 50.0),
        ("Ekonomisystem", 3, 2, 0, 100.0, 1, 1, 0, 100.0),
    ]
    assert counts(report.total) == ("Total", 6, 4, 1, 80.0, 3, 2, 2, 66.7)
    page = response.content.decode()
    assert "<caption" in page and 'scope="row">Total</th>' in page
    assert "66.7 %" in page and "80.0 %" in page


def test_the_report_per_month_counts_the_year_in_stockholm_time(desk, client_for):
    report = get(client_for("itstaff"), year=2025, by="month").context["report"]

    # January: #1, #2 and #7 (1 January 00:30 in Stockholm is still 31 December in UTC);
    # March: #3, #4, #5. The ticket of 1 January 2026 00:30 belongs to 2026.
    assert [counts(row) for row in report.rows] == [
        ("2025-01", 3, 3, 0, 100.0, 2, 1, 1, 50.0),
        ("2025-03", 3, 1, 1, 50.0, 1, 1, 1, 100.0),
    ]
    assert report.rows[0].key == datetime.date(2025, 1, 1)
    page = get(client_for("itstaff"), year=2025, by="month").content.decode()
    assert "January 2025" in page and "March 2025" in page

    next_year = get(client_for("itstaff"), year=2026, by="month").context["report"]
    assert [counts(row) for row in next_year.rows] == [("2026-01", 1, 1, 0, 100.0, 1, 1, 0, 100.0)]


def test_the_report_per_group_and_per_priority(desk, client_for):
    client = client_for("itstaff")
    by_group = get(client, year=2025, by="group").context["report"]
    assert [counts(row) for row in by_group.rows] == [
        ("Nätverk", 2, 1, 1, 50.0, 1, 1, 1, 100.0),
        ("Servicedesken", 2, 2, 0, 100.0, 2, 1, 1, 50.0),
        ("No assignment group", 2, 1, 0, 100.0, 0, 0, 0, None),
    ]
    by_priority = get(client, year=2025, by="priority").context["report"]
    assert [(row.key, row.tickets, row.response_pct) for row in by_priority.rows] == [
        (1, 1, 0.0),
        (5, 5, 100.0),
    ]


def test_filters_by_service_and_group(desk, client_for):
    client = client_for("itstaff")
    mail = get(client, year=2025, by="month", service=desk["mail"].pk).context["report"]
    assert [(row.label, row.tickets) for row in mail.rows] == [("2025-01", 2), ("2025-03", 1)]
    assert counts(mail.total) == ("Total", 3, 2, 1, 66.7, 2, 1, 2, 50.0)

    g2 = get(client, year=2025, by="service", group=desk["g2"].pk).context["report"]
    assert [(row.label, row.tickets) for row in g2.rows] == [("E-post", 1), ("Ekonomisystem", 1)]


def test_the_year_defaults_to_this_year_and_nonsense_is_ignored(desk, client_for, org):
    phones = make_service(org, "Telefoni", "TELEFONI")
    ticket(desk, timezone.now(), service=phones)
    client = client_for("itstaff")

    for params in ({}, {"year": "abc", "by": "nonsense", "service": "x", "group": "999999"}):
        response = get(client, **params)
        assert response.context["year"] == timezone.localdate().year
        assert response.context["by"] == "service"
        rows = {row.label: row.tickets for row in response.context["report"].rows}
        assert rows["Telefoni"] == 1
        assert "Ekonomisystem" not in rows  # its tickets are of 2025


def test_an_empty_year_says_so(desk, client_for):
    response = get(client_for("itstaff"), year=2020)
    assert response.context["report"].rows == []
    assert "No tickets with an SLA were opened in this period." in response.content.decode()


def test_csv_export_has_the_rows_and_the_totals(desk, client_for):
    response = client_for("itstaff").get(URL, {"year": 2025, "by": "service", "export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="sla-2025-service.csv"' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:5] == [
        "Service",
        "Tickets",
        "Response in time",
        "Response breached",
        "Response met %",
    ]
    assert lines[1] == ["E-post", "3", "2", "1", "66.7", "2", "1", "2", "50.0"]
    assert lines[2] == ["Ekonomisystem", "3", "2", "0", "100.0", "1", "1", "0", "100.0"]
    assert lines[3] == ["Total", "6", "4", "1", "80.0", "3", "2", "2", "66.7"]


def query_count(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        get(client, **params)
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_tickets(desk, client_for, org):
    client = client_for("itstaff")
    before = {by: query_count(client, year=2025, by=by) for by in ("service", "month", "group")}
    other = make_service(org, "Telefoni", "TELEFONI")
    for month in range(4, 13):
        ticket(
            desk, at(2025, month, 2), service=other, group=desk["g2"], **in_time(at(2025, month, 2))
        )
    after = {by: query_count(client, year=2025, by=by) for by in ("service", "month", "group")}

    assert after == before
    assert max(after.values()) <= 8
    report = get(client, year=2025, by="month").context["report"]
    assert len(report.rows) == 11 and report.total.tickets == 15


def test_only_it_staff_see_the_report(desk, client_for):
    assert client_for("employee").get(URL).status_code == 403
    assert client_for("coordinator").get(URL).status_code == 403
    assert client_for("employee").get(URL, {"export": "csv"}).status_code == 403
    assert client_for("admin").get(URL).status_code == 200
