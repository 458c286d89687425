"""The change calendar's iCalendar feed: parsed back with the `icalendar` package, its required
properties validated, the night the clocks go back handled, and the command writes the same."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.core.management import call_command
from django.test import Client

from itportal.registry.models import System
from itportal.servicedesk import changes
from itportal.servicedesk.models import Blackout, Change

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
UTC = datetime.UTC
FEED = "/desk/changes/calendar.ics"


def local(*args, fold=0):
    return datetime.datetime(*args, tzinfo=STOCKHOLM).replace(fold=fold)


@pytest.fixture
def calendar_data(org, users):
    system = System.objects.create(name="Lönesystemet Åäö", owning_unit=org["administration"])

    def change(title, start, end, *, kind="standard", systems=(system,)):
        return changes.create_change(
            Change(
                title=title,
                kind=kind,
                requested_by=users["itstaff"],
                planned_start=start,
                planned_end=end,
                description="Byte av databasmotor; kräver omstart.",
            ),
            actor=users["itstaff"],
            m2m={"systems": list(systems)},
        )

    # The night the clocks go back: 02:00–03:00 happens twice on 25 October 2026.
    dst = change(
        "Omstart över sommartidens slut", local(2026, 10, 25, 2, 30), local(2026, 10, 25, 3, 30)
    )
    changes.submit(dst, actor=users["itstaff"])  # standard: approved at once
    second = change(
        "Andra halvtimmen", local(2026, 10, 25, 2, 30, fold=1), local(2026, 10, 25, 2, 50, fold=1)
    )
    changes.submit(second, actor=users["itstaff"])
    draft = change("Utkast", local(2026, 11, 2, 18), local(2026, 11, 2, 19))
    withdrawn = change("Struken", local(2026, 11, 3, 18), local(2026, 11, 3, 19))
    changes.submit(withdrawn, actor=users["itstaff"])
    withdrawn.refresh_from_db()
    changes.cancel(withdrawn, actor=users["itstaff"], reason="Behövs inte.")
    payroll = changes.create_blackout(
        Blackout(name="Lönekörning", start=local(2026, 10, 24, 0), end=local(2026, 10, 26, 0)),
        actor="test",
        m2m={"systems": [system]},
    )
    return {
        "dst": dst,
        "second": second,
        "draft": draft,
        "withdrawn": withdrawn,
        "payroll": payroll,
        "system": system,
    }


def events_of(body):
    calendar = icalendar.Calendar.from_ical(body)
    return calendar, {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_parses_and_has_the_required_properties(calendar_data, client_for):
    response = client_for("employee").get(FEED)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")  # CRLF line ends only
    calendar, events = events_of(body)
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]).startswith("-//")
    assert len(events) == 4  # two changes, the cancelled one, the blackout; not the draft
    for uid, event in events.items():
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert name in event, (uid, name)
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start.tzinfo is not None and end > start, uid


def test_it_writes_the_changes_status_sequence_and_description(calendar_data, client_for):
    dst, withdrawn = calendar_data["dst"], calendar_data["withdrawn"]
    dst.refresh_from_db()
    withdrawn.refresh_from_db()

    _calendar, events = events_of(client_for("itstaff").get(FEED).content)

    event = next(e for uid, e in events.items() if uid.startswith(f"chg-{dst.pk}@"))
    assert str(event["SUMMARY"]) == f"{dst.number} Omstart över sommartidens slut"
    assert event["STATUS"] == "CONFIRMED"
    assert int(event["SEQUENCE"]) == dst.version
    assert "Lönesystemet Åäö" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/desk/changes/{dst.pk}/")
    cancelled = next(e for uid, e in events.items() if uid.startswith(f"chg-{withdrawn.pk}@"))
    assert cancelled["STATUS"] == "CANCELLED"
    assert not any(uid.startswith(f"chg-{calendar_data['draft'].pk}@") for uid in events)


def test_it_places_changes_right_on_the_night_the_clocks_go_back(calendar_data, client_for):
    dst, second = calendar_data["dst"], calendar_data["second"]

    _calendar, events = events_of(client_for("itstaff").get(FEED).content)

    first = events[next(uid for uid in events if uid.startswith(f"chg-{dst.pk}@"))]
    later = events[next(uid for uid in events if uid.startswith(f"chg-{second.pk}@"))]
    # 02:30 summer time is 00:30 UTC; 03:30 winter time is 02:30 UTC: two hours, not one
    assert first.decoded("DTSTART") == datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert first.decoded("DTEND") == datetime.datetime(2026, 10, 25, 2, 30, tzinfo=UTC)
    assert first.decoded("DTEND") - first.decoded("DTSTART") == datetime.timedelta(hours=2)
    # the second 02:30 (winter time) is an hour after the first
    assert later.decoded("DTSTART") == datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    shown = first.decoded("DTSTART").astimezone(STOCKHOLM)
    assert (shown.hour, shown.minute, shown.utcoffset()) == (2, 30, datetime.timedelta(hours=2))


def test_it_keeps_the_uid_and_raises_the_sequence_when_a_change_moves(
    calendar_data, client_for, users
):
    draft = calendar_data["draft"]
    changes.submit(draft, actor=users["itstaff"])
    client = client_for("itstaff")
    _calendar, before = events_of(client.get(FEED).content)
    draft.refresh_from_db()
    # a standard change, approved: cancelled and replaced would be the normal way; the version
    # also moves when it is implemented
    changes.implement(draft, actor=users["itstaff"], result="Klart.")

    _calendar, after = events_of(client.get(FEED).content)

    uid = next(uid for uid in before if uid.startswith(f"chg-{draft.pk}@"))
    assert uid in after
    assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])


def test_blackouts_are_transparent_events_marked_as_such(calendar_data, client_for):
    payroll = calendar_data["payroll"]

    _calendar, events = events_of(client_for("itstaff").get(FEED).content)

    event = events[next(uid for uid in events if uid.startswith(f"blackout-{payroll.pk}@"))]
    assert event["TRANSP"] == "TRANSPARENT"
    assert "Blackout period" in event["CATEGORIES"].cats
    assert "Lönekörning" in str(event["SUMMARY"])
    assert "Lönesystemet Åäö" in str(event["DESCRIPTION"])


def test_the_feed_needs_a_login(calendar_data):
    response = Client().get(FEED)

    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_the_command_writes_the_same_calendar(calendar_data, client_for, tmp_path):
    target = tmp_path / "andringar.ics"

    call_command("export_change_calendar", str(target), "--base-url", "https://it.kommun.se")

    _calendar, written = events_of(target.read_bytes())
    _calendar, served = events_of(client_for("itstaff").get(FEED).content)
    assert set(written) == set(served)
    some = next(iter(e for uid, e in written.items() if uid.startswith("chg-")))
    assert str(some["URL"]).startswith("https://it.kommun.se/desk/changes/")


def test_the_calendar_page_lists_the_months_changes_and_links_the_feed(calendar_data, client_for):
    response = client_for("employee").get("/desk/changes/calendar/?month=2026-10")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Omstart över sommartidens slut" in page
    assert "Lönekörning" in page
    assert FEED in page
    assert "Utkast" not in page  # drafts are not planned work yet
    assert f'href="/desk/changes/{calendar_data["dst"].pk}/"' not in page  # no link for them
