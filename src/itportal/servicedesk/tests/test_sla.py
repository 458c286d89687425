"""SLA clocks of real tickets, hand-computed: opened on a Friday afternoon, paused while waiting
on the requester, a local closed day; breach warnings fire on time under a frozen clock."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from itportal.servicedesk import services, tasks
from itportal.servicedesk.choices import Kind, Level, Status
from itportal.servicedesk.models import SLA, Calendar, CalendarException, OpeningHours, Ticket

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=STOCKHOLM)


def dec(day, hour, minute=0):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def calendar(db):
    calendar = Calendar.objects.create(name="Vardagar 08–17 (test)")
    for weekday in range(5):
        OpeningHours.objects.create(
            calendar=calendar, weekday=weekday, opens=datetime.time(8), closes=datetime.time(17)
        )
    # priority 4 (low impact, medium urgency): response 4 h, resolution 3 days of 9 h = 27 h
    SLA.objects.filter(service__isnull=True, priority=4).delete()
    SLA.objects.create(
        priority=4, response_minutes=240, resolution_minutes=27 * 60, calendar=calendar
    )
    return calendar


@pytest.fixture
def requester(org, users):
    person = org["people"][0]
    person.user = users["employee"]
    person.save()
    return person


def incident(requester, users, when):
    return services.open_ticket(
        kind=Kind.INCIDENT,
        requester=requester,
        title="Kan inte logga in i ekonomisystemet",
        impact=Level.LOW,
        urgency=Level.MEDIUM,
        actor=users["employee"],
        now=when,
    )


def test_a_ticket_opened_friday_afternoon_is_due_after_the_weekend(calendar, requester, users):
    ticket = incident(requester, users, at(27, 16))

    assert ticket.priority == 4
    # response: Fri 16–17 (1 h) + Mon 08–11 (3 h) = 4 h → Mon 30 Nov 11:00
    assert ticket.response_due == at(30, 11)
    # resolution 27 h: Fri 1 h, Mon 9 h, Tue 9 h (19 h), Wed 08–16 (8 h) → Wed 2 Dec 16:00
    assert ticket.resolution_due == dec(2, 16)


def test_waiting_on_the_requester_pauses_the_clock(calendar, requester, users):
    ticket = incident(requester, users, at(27, 16))
    services.reply(
        ticket, body="Vilket felmeddelande får du?", actor=users["itstaff"], now=at(27, 16, 30)
    )
    services.change_status(ticket, Status.WAITING_REQUESTER, actor=users["itstaff"], now=at(30, 9))
    ticket.refresh_from_db()
    assert ticket.resolution_due is None  # unknown while paused

    services.reply(ticket, body="Det står 'konto låst'.", actor=users["employee"], now=at(30, 11))

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS  # the requester's reply restarted the clock
    assert ticket.responded_at == at(27, 16, 30) and not ticket.response_breached
    # paused Mon 09–11 (2 h): Wed 16:00 + 2 h of business time = Wed 17:00 (1 h) + Thu 09:00
    assert ticket.resolution_due == dec(3, 9)


def test_a_local_closed_day_moves_the_due_time(calendar, requester, users):
    CalendarException.objects.create(
        calendar=calendar, date=datetime.date(2026, 11, 30), note="Flytt"
    )

    ticket = incident(requester, users, at(27, 16))

    # Monday closed: Fri 16–17 (1 h) + Tue 08–11 (3 h) → Tue 1 Dec 11:00
    assert ticket.response_due == dec(1, 11)


def test_the_warning_and_the_breach_fire_on_time(calendar, requester, users, settings):
    settings.SERVICEDESK_EMAIL = "servicedesk@norrsjo.example"
    ticket = incident(requester, users, at(27, 16))
    services.reply(ticket, body="Vi tittar på det.", actor=users["itstaff"], now=at(27, 16, 5))

    # 80 % of 27 h = 21 h 36 min: Fri 1 h, Mon 9 h, Tue 9 h, Wed 08:00 + 2 h 36 → Wed 10:36
    tasks.run_check(now=dec(2, 10, 35))
    assert mail.outbox == []
    tasks.run_check(now=dec(2, 10, 37))
    assert [m.subject for m in mail.outbox] == [
        f"SLA soon breached: {ticket.number} Kan inte logga in i ekonomisystemet"
    ]
    tasks.run_check(now=dec(2, 15, 59))  # warned once only
    assert len(mail.outbox) == 1
    ticket.refresh_from_db()
    assert not ticket.resolution_breached

    tasks.run_check(now=dec(2, 16, 1))

    ticket.refresh_from_db()
    assert ticket.resolution_breached and not ticket.response_breached
    assert mail.outbox[-1].subject == (
        f"SLA breached: {ticket.number} Kan inte logga in i ekonomisystemet"
    )
    assert mail.outbox[-1].to == ["servicedesk@norrsjo.example"]
    events = list(ticket.entries.filter(kind="event").values_list("body", flat=True))
    assert "SLA warning sent." in events and "SLA breached." in events


def test_recomputing_leaves_resolved_tickets_alone(calendar, requester, users):
    ticket = incident(requester, users, at(27, 16))
    services.change_status(ticket, Status.IN_PROGRESS, actor=users["itstaff"], now=at(27, 16, 10))
    services.change_status(ticket, Status.RESOLVED, actor=users["itstaff"], now=at(30, 9))

    result = tasks.run_check(now=dec(20, 12))

    assert result.checked == 0
    ticket.refresh_from_db()
    assert not ticket.resolution_breached
    assert Ticket.objects.get(pk=ticket.pk).resolved_at == at(30, 9)


def nov(day, hour, minute=0):
    return at(day, hour, minute)


def test_a_reopened_ticket_goes_on_with_the_time_it_had_used(calendar, requester, users):
    ticket = incident(requester, users, nov(2, 9))  # Monday 2 November 09:00
    services.change_status(ticket, Status.RESOLVED, actor=users["itstaff"], now=nov(2, 10))
    ticket.refresh_from_db()
    assert ticket.responded_at == nov(2, 10)  # resolving answered the requester

    services.change_status(ticket, Status.IN_PROGRESS, actor=users["itstaff"], now=nov(9, 9))

    ticket.refresh_from_db()
    # 1 h used before the resolution; 26 h left from Mon 9 Nov 09:00: Mon 8 h, Tue 9 h,
    # Wed 9 h → Wed 11 Nov 17:00. The week spent resolved does not count.
    assert ticket.resolution_due == nov(11, 17)
    assert not ticket.resolution_breached and not ticket.response_breached
    result = tasks.run_check(now=nov(11, 16, 59))
    ticket.refresh_from_db()
    assert result.checked == 1 and not ticket.resolution_breached


def test_closing_later_does_not_breach_a_ticket_resolved_in_time(calendar, requester, users):
    ticket = incident(requester, users, nov(2, 9))
    services.change_status(ticket, Status.RESOLVED, actor=users["itstaff"], now=nov(2, 10))

    services.change_status(ticket, Status.CLOSED, actor=users["itstaff"], now=nov(16, 9))

    ticket.refresh_from_db()
    assert not ticket.response_breached and not ticket.resolution_breached


def test_check_sla_all_recounts_resolved_tickets_after_an_sla_change(calendar, requester, users):
    from io import StringIO

    from django.core.management import call_command

    ticket = incident(requester, users, nov(2, 9))  # Monday 09:00
    services.change_status(ticket, Status.RESOLVED, actor=users["itstaff"], now=nov(3, 9))
    ticket.refresh_from_db()
    assert not ticket.resolution_breached  # 9 business hours used of 27
    # The desk tightens the target to 8 business hours: due Monday 17:00, but the ticket used
    # 9 h (Mon 09–17 and Tue 08–09), so it is now breached.
    SLA.objects.filter(calendar=calendar).update(resolution_minutes=8 * 60)
    out = StringIO()

    call_command("check_sla", "--now", stdout=out)  # open tickets only: this one is resolved
    ticket.refresh_from_db()
    assert not ticket.resolution_breached and "Checked 0 tickets" in out.getvalue()

    call_command("check_sla", "--all", stdout=out)
    ticket.refresh_from_db()
    assert ticket.resolution_breached
    assert ticket.resolution_due == nov(2, 17)
    assert "Checked 1 tickets, 1 changed, 0 warnings, 0 breaches." in out.getvalue()
    assert not mail.outbox  # a resolved ticket warns nobody
