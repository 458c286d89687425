"""Business-hours calendar: hand-computed cases (arithmetic in the comments) and properties.

Unless a test says otherwise the calendar is the default: Monday–Friday 08:00–17:00
Europe/Stockholm, Swedish public holidays, midsommarafton, julafton and nyårsafton closed.
"""

import datetime as dt
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itportal.servicedesk.calendar import (
    ALWAYS_OPEN,
    BusinessCalendar,
    easter_sunday,
    eve_dates,
)

STHLM = ZoneInfo("Europe/Stockholm")
UTC = dt.UTC
H = timedelta(hours=1)
OFFICE = BusinessCalendar()
ALL_DAY = BusinessCalendar(hours=ALWAYS_OPEN, public_holidays=False, closed_eves=frozenset())
LUNCH = BusinessCalendar(hours={d: ((time(8), time(12)), (time(13), time(17))) for d in range(5)})


def at(y, m, d, hh=0, mm=0):
    """Local Stockholm wall-clock time."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=STHLM)


def utc(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=UTC)


def real(interval):
    """Real elapsed time of an (aware start, aware end) pair (subtract in UTC: subtracting two
    datetimes that share a zone subtracts wall-clock readings)."""
    start, end = interval
    return end.astimezone(UTC) - start.astimezone(UTC)


# --- a plain weekend ------------------------------------------------------------------------


def test_friday_afternoon_ticket_is_due_monday_morning():
    # Fri 6 Feb 2026 16:00 + 4 h: Fri 16–17 = 1 h, Sat/Sun closed, Mon 08–11 = 3 h → Mon 11:00
    due = OFFICE.add(at(2026, 2, 6, 16), 4 * H)
    assert due == at(2026, 2, 9, 11)
    assert OFFICE.between(at(2026, 2, 6, 16), due) == 4 * H


def test_a_start_outside_opening_hours_starts_the_clock_at_the_next_opening():
    # Sat 7 Feb 2026 10:00 + 2 h → Mon 9 Feb 08:00 + 2 h = 10:00
    assert OFFICE.add(at(2026, 2, 7, 10), 2 * H) == at(2026, 2, 9, 10)
    # Mon 9 Feb 06:30 + 30 min → 08:30
    assert OFFICE.add(at(2026, 2, 9, 6, 30), timedelta(minutes=30)) == at(2026, 2, 9, 8, 30)
    # Mon 9 Feb 18:00 + 1 h → Tue 09:00
    assert OFFICE.add(at(2026, 2, 9, 18), H) == at(2026, 2, 10, 9)


def test_a_span_that_ends_at_closing_time_is_due_at_closing_time_not_next_morning():
    # Mon 9 Feb 2026 08:00 + 9 h = the whole day → 17:00 the same day
    assert OFFICE.add(at(2026, 2, 9, 8), 9 * H) == at(2026, 2, 9, 17)
    # zero duration: due at once, even when closed
    assert OFFICE.add(at(2026, 2, 7, 10), timedelta(0)) == at(2026, 2, 7, 10)


def test_between_counts_only_open_time():
    # Fri 6 Feb 2026 12:00 → Tue 10 Feb 10:00: Fri 12–17 5 h + Mon 9 h + Tue 08–10 2 h = 16 h
    assert OFFICE.between(at(2026, 2, 6, 12), at(2026, 2, 10, 10)) == 16 * H
    # Sat → Sun: nothing; reversed: nothing
    assert OFFICE.between(at(2026, 2, 7, 9), at(2026, 2, 8, 16)) == timedelta(0)
    assert OFFICE.between(at(2026, 2, 10, 10), at(2026, 2, 6, 12)) == timedelta(0)


# --- Swedish holidays and eves --------------------------------------------------------------


def test_kristi_himmelsfardsdag_is_closed_and_the_friday_after_is_a_normal_day():
    # Wed 13 May 2026 15:00 + 4 h: Wed 15–17 = 2 h, Thu 14 May closed (Kristi himmelsfärds
    # dag), Fri 15 May 08–10 = 2 h → Fri 10:00
    assert OFFICE.is_closed_day(date(2026, 5, 14))
    assert OFFICE.closed_reason(date(2026, 5, 14)) == "Kristi himmelsfärdsdag"
    assert not OFFICE.is_closed_day(date(2026, 5, 15))
    assert OFFICE.add(at(2026, 5, 13, 15), 4 * H) == at(2026, 5, 15, 10)
    # Wed 15:00 → Mon 18 May 09:00: 2 h + Thu 0 + Fri 9 h + Mon 1 h = 12 h
    assert OFFICE.between(at(2026, 5, 13, 15), at(2026, 5, 18, 9)) == 12 * H


def test_midsommarafton_and_midsommardagen_are_closed():
    # Thu 18 June 2026 16:00 + 4 h: Thu 16–17 = 1 h, Fri 19 June midsommarafton closed,
    # Sat 20 midsommardagen, Sun 21, Mon 22 June 08–11 = 3 h → Mon 11:00
    assert OFFICE.add(at(2026, 6, 18, 16), 4 * H) == at(2026, 6, 22, 11)
    assert OFFICE.closed_reason(date(2026, 6, 19)) == "Midsommarafton"
    assert OFFICE.closed_reason(date(2026, 6, 20)) == "Midsommardagen"
    assert OFFICE.closed_reason(date(2026, 6, 19), language="en") == "Midsummer Eve"
    assert OFFICE.intervals_on(date(2026, 6, 19)) == ()


def test_a_calendar_that_keeps_midsommarafton_open():
    # Same ticket, midsommarafton open: Thu 1 h + Fri 19 June 08–11 3 h → Fri 11:00
    open_eve = BusinessCalendar(closed_eves=frozenset({"julafton", "nyarsafton"}))
    assert open_eve.add(at(2026, 6, 18, 16), 4 * H) == at(2026, 6, 19, 11)
    assert open_eve.closed_reason(date(2026, 6, 19)) is None


def test_christmas_2026():
    # Wed 23 Dec 2026 14:00 + 16 h: Wed 14–17 = 3 h (13 left); Thu 24 julafton, Fri 25
    # juldagen, Sat 26 annandag jul, Sun 27 closed; Mon 28 = 9 h (4 left); Tue 29 08–12 → 12:00
    assert OFFICE.add(at(2026, 12, 23, 14), 16 * H) == at(2026, 12, 29, 12)
    assert [OFFICE.closed_reason(date(2026, 12, d)) for d in (24, 25, 26, 27)] == [
        "Julafton",
        "Juldagen",
        "Annandag jul",
        "Söndag",
    ]


def test_new_year_2026_2027_across_the_year_boundary():
    # Wed 30 Dec 2026 10:00 + 16 h: Wed 10–17 = 7 h (9 left); Thu 31 nyårsafton, Fri 1 Jan
    # nyårsdagen, Sat, Sun closed; Mon 4 Jan 2027 08–17 = 9 h → exactly 17:00
    assert OFFICE.add(at(2026, 12, 30, 10), 16 * H) == at(2027, 1, 4, 17)
    assert OFFICE.closed_reason(date(2026, 12, 31)) == "Nyårsafton"
    assert OFFICE.closed_reason(date(2027, 1, 1)) == "Nyårsdagen"
    # Wed 23 Dec 08:00 → Thu 7 Jan 2027 08:00: 23 Dec 9 h + 28, 29, 30 Dec 27 h + Mon 4 Jan
    # 9 h + Tue 5 Jan (trettondagsafton, open by default) 9 h; Wed 6 Jan trettondedag jul = 54 h
    assert OFFICE.between(at(2026, 12, 23, 8), at(2027, 1, 7, 8)) == 54 * H


def test_a_whole_year_of_business_time():
    # 2026: 261 weekdays − 10 closed weekdays (1 Jan, 6 Jan, 3 Apr, 6 Apr, 1 May, 14 May,
    # 19 Jun, 24 Dec, 25 Dec, 31 Dec) = 251 days × 9 h = 2259 h
    assert OFFICE.between(at(2026, 1, 1), at(2027, 1, 1)) == 2259 * H
    # …and the last of those hours ends on Wed 30 Dec 2026 at 17:00
    assert OFFICE.add(at(2026, 1, 1), 2259 * H) == at(2026, 12, 30, 17)


def test_optional_eves_and_reduced_eves():
    # påskafton is a Saturday anyway; trettondagsafton Mon 5 Jan 2026 closes when asked to
    cal = BusinessCalendar(closed_eves=frozenset({"trettondagsafton"}))
    assert cal.closed_reason(date(2026, 1, 5)) == "Trettondagsafton"
    assert cal.closed_reason(date(2026, 12, 24)) is None  # julafton open in this calendar
    # valborgsmässoafton Thu 30 Apr 2026 closes at 13:00: 12:00 + 2 h = Thu 12–13 1 h, Fri
    # 1 May första maj closed, Mon 4 May 08–09 → 09:00
    early = BusinessCalendar(reduced_eves={"valborgsmassoafton": time(13)})
    assert early.add(at(2026, 4, 30, 12), 2 * H) == at(2026, 5, 4, 9)
    assert [real(i) for i in early.intervals_on(date(2026, 4, 30))] == [5 * H]


@pytest.mark.parametrize("year", range(2000, 2061))
def test_computed_eves_agree_with_the_holidays_package(year):
    se = holidays.country_holidays("SE", years=year, include_sundays=False, language="sv")
    by_name = {name: day for day, name in se.items()}
    eves = eve_dates(year)
    assert easter_sunday(year) == by_name["Påskdagen"]
    assert eves["paskafton"] == by_name["Påskdagen"] - timedelta(days=1)
    assert eves["midsommarafton"] == by_name["Midsommardagen"] - timedelta(days=1)
    assert eves["midsommarafton"].weekday() == 4
    assert 19 <= eves["midsommarafton"].day <= 25


# --- DST ------------------------------------------------------------------------------------


def test_dst_spring_forward_weekend():
    # Fri 27 March 2026 16:00 CET (+01:00) + 4 h: Fri 1 h, clocks go forward Sun 29 March,
    # Mon 30 March 08–11 CEST (+02:00) 3 h → Mon 11:00 +02:00 = 09:00 UTC
    start = at(2026, 3, 27, 16)
    due = OFFICE.add(start, 4 * H)
    assert start.utcoffset() == H
    assert due == at(2026, 3, 30, 11)
    assert due.utcoffset() == 2 * H
    assert due.astimezone(UTC) == utc(2026, 3, 30, 9)
    # real elapsed 66 h (not 67: the night of the change is an hour short), business 4 h
    assert due.astimezone(UTC) - start.astimezone(UTC) == 66 * H
    assert OFFICE.between(start, due) == 4 * H


def test_dst_fall_back_weekend():
    # Fri 23 Oct 2026 16:00 CEST + 4 h → Mon 26 Oct 11:00 CET = 10:00 UTC
    due = OFFICE.add(at(2026, 10, 23, 16), 4 * H)
    assert due.astimezone(UTC) == utc(2026, 10, 26, 10)
    assert due.utcoffset() == H


def test_an_office_day_is_nine_hours_on_both_change_days():
    sunday_open = BusinessCalendar(hours={6: ((time(8), time(17)),)}, public_holidays=False)
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        assert [real(i) for i in sunday_open.intervals_on(day)] == [9 * H]
        assert sunday_open.between(at(day.year, day.month, day.day), day_after(day)) == 9 * H


def day_after(day):
    nxt = day + timedelta(days=1)
    return at(nxt.year, nxt.month, nxt.day)


def test_intervals_that_cross_the_changed_hour_count_real_time():
    # Sunday 01:00–04:00: on 29 March 01:00 CET → 04:00 CEST is 2 h real; on 25 October
    # 01:00 CEST → 04:00 CET is 4 h real
    night = BusinessCalendar(hours={6: ((time(1), time(4)),)}, public_holidays=False)
    assert [real(i) for i in night.intervals_on(date(2026, 3, 29))] == [2 * H]
    assert [real(i) for i in night.intervals_on(date(2026, 10, 25))] == [4 * H]
    assert night.intervals_on(date(2026, 3, 29))[0][0].astimezone(UTC) == utc(2026, 3, 29, 0)
    # an opening at 02:30, which does not exist on 29 March, opens at the change (01:00 UTC)
    gap = BusinessCalendar(hours={6: ((time(2, 30), time(5)),)}, public_holidays=False)
    ((opens, closes),) = gap.intervals_on(date(2026, 3, 29))
    assert opens.astimezone(UTC) == utc(2026, 3, 29, 1)
    assert closes.astimezone(UTC) == utc(2026, 3, 29, 3)


def test_twenty_four_seven_is_real_elapsed_time_across_dst():
    # Sat 28 March 00:00 → Sun 29 March 00:00 local: 24 h; Sun → Mon: 23 h (02:00 → 03:00)
    assert ALL_DAY.between(at(2026, 3, 28), at(2026, 3, 29)) == 24 * H
    assert ALL_DAY.between(at(2026, 3, 29), at(2026, 3, 30)) == 23 * H
    # 24 h of business time from Sun 29 March 00:00 ends Mon 30 March 01:00 local
    assert ALL_DAY.add(at(2026, 3, 29), 24 * H) == at(2026, 3, 30, 1)
    # Sat 28 March 22:00 CET (21:00 UTC) + 4 h = 01:00 UTC = Sun 03:00 CEST
    due = ALL_DAY.add(at(2026, 3, 28, 22), 4 * H)
    assert due.astimezone(UTC) == utc(2026, 3, 29, 1)
    assert (due.hour, due.utcoffset()) == (3, 2 * H)
    # 25 October has 25 h: 24 h from 00:00 ends 23:00 the same day
    assert ALL_DAY.between(at(2026, 10, 25), at(2026, 10, 26)) == 25 * H
    assert ALL_DAY.add(at(2026, 10, 25), 24 * H) == at(2026, 10, 25, 23)
    # a year of 24/7: 365 × 24 h (the lost and the gained hour cancel out)
    assert ALL_DAY.between(at(2026, 1, 1), at(2027, 1, 1)) == 365 * 24 * H


def test_midnight_conventions_for_24_00():
    # (time(0), None), (time(0), time(0)) and (time(0), time.max) all mean 00:00–24:00
    for closes in (None, time(0), time.max):
        cal = BusinessCalendar(hours={d: ((time(0), closes),) for d in range(7)})
        assert cal.between(at(2026, 2, 9), at(2026, 2, 10)) == 24 * H
        # open through midnight Mon → Tue: 23:00 + 2 h = Tue 01:00
        assert cal.add(at(2026, 2, 9, 23), 2 * H) == at(2026, 2, 10, 1)


# --- exceptions and lunch -------------------------------------------------------------------


def test_a_local_half_day():
    # Thu 30 Apr 2026 open 08–12 only: 10:00 + 4 h = Thu 10–12 2 h, Fri 1 May (första maj)
    # closed, weekend, Mon 4 May 08–10 2 h → Mon 10:00 (without the exception: Thu 14:00)
    half = BusinessCalendar(exceptions={date(2026, 4, 30): ((time(8), time(12)),)})
    assert half.add(at(2026, 4, 30, 10), 4 * H) == at(2026, 5, 4, 10)
    assert OFFICE.add(at(2026, 4, 30, 10), 4 * H) == at(2026, 4, 30, 14)


def test_an_exception_closes_a_day_or_opens_a_holiday():
    cal = BusinessCalendar(
        exceptions={date(2026, 2, 10): (), date(2026, 5, 14): ((time(10), time(14)),)},
        exception_notes={date(2026, 2, 10): "Personaldag"},
    )
    # Mon 9 Feb 16:00 + 2 h: Mon 1 h, Tue 10 Feb closed (staff day), Wed 08–09 → Wed 09:00
    assert cal.add(at(2026, 2, 9, 16), 2 * H) == at(2026, 2, 11, 9)
    assert cal.closed_reason(date(2026, 2, 10)) == "Personaldag"
    assert BusinessCalendar(exceptions={date(2026, 2, 10): ()}).closed_reason(
        date(2026, 2, 10), language="en"
    ) == ("Local exception")
    # Kristi himmelsfärdsdag opened 10–14 (a migration weekend): Wed 16:00 + 3 h = Wed 1 h,
    # Thu 10–12 2 h → Thu 12:00
    assert cal.add(at(2026, 5, 13, 16), 3 * H) == at(2026, 5, 14, 12)
    assert cal.closed_reason(date(2026, 5, 14)) is None


def test_lunch_closed():
    # Mon 2 Feb 2026 11:00 + 2 h: 11–12 1 h, lunch 12–13, 13–14 1 h → 14:00
    assert LUNCH.add(at(2026, 2, 2, 11), 2 * H) == at(2026, 2, 2, 14)
    # exactly one hour from 11:00 ends at 12:00 (not 13:00)
    assert LUNCH.add(at(2026, 2, 2, 11), H) == at(2026, 2, 2, 12)
    # a ticket raised during lunch starts at 13:00
    assert LUNCH.add(at(2026, 2, 2, 12, 30), timedelta(minutes=30)) == at(2026, 2, 2, 13, 30)
    # Mon 08:00 → Tue 08:00 is 8 h, not 9
    assert LUNCH.between(at(2026, 2, 2, 8), at(2026, 2, 3, 8)) == 8 * H
    assert LUNCH.is_open(at(2026, 2, 2, 11, 59))
    assert not LUNCH.is_open(at(2026, 2, 2, 12, 30))
    assert LUNCH.next_open(at(2026, 2, 2, 12, 30)) == at(2026, 2, 2, 13)
    assert LUNCH.next_open(at(2026, 2, 6, 17)) == at(2026, 2, 9, 8)


# --- bad input ------------------------------------------------------------------------------


def test_a_calendar_without_open_time_is_refused():
    with pytest.raises(ValueError, match="no opening hours"):
        BusinessCalendar(hours={})
    with pytest.raises(ValueError, match="no opening hours"):
        BusinessCalendar(hours={0: ()}, exceptions={date(2026, 1, 7): ()})


def test_a_calendar_open_only_on_exception_days_runs_out():
    once = BusinessCalendar(hours={}, exceptions={date(2026, 1, 7): ((time(8), time(9)),)})
    assert once.add(at(2026, 1, 1), H) == at(2026, 1, 7, 9)
    with pytest.raises(ValueError, match="does not have"):
        once.add(at(2026, 1, 1), 2 * H)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"hours": {0: ((time(17), time(8)),)}}, "not after"),
        ({"hours": {0: ((time(8), time(12)), (time(11), time(17)))}}, "overlap"),
        ({"hours": {7: ((time(8), time(17)),)}}, "Weekday"),
        ({"closed_eves": frozenset({"pingstafton"})}, "Unknown eve"),
        ({"tz": "Europe/Nowhere"}, "Unknown time zone"),
    ],
)
def test_bad_calendars_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**kwargs)


def test_naive_datetimes_and_negative_durations_are_refused():
    with pytest.raises(ValueError, match="aware"):
        OFFICE.add(dt.datetime(2026, 2, 9, 8), H)
    with pytest.raises(ValueError, match="aware"):
        OFFICE.between(at(2026, 2, 9, 8), dt.datetime(2026, 2, 9, 9))
    with pytest.raises(ValueError, match="negative"):
        OFFICE.add(at(2026, 2, 9, 8), -H)


def test_calendars_are_values():
    assert BusinessCalendar() == OFFICE
    assert hash(BusinessCalendar()) == hash(OFFICE)
    assert BusinessCalendar(closed_eves=frozenset()) != OFFICE


# --- properties -----------------------------------------------------------------------------

moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2030, 12, 31),
    timezones=st.sampled_from([STHLM, UTC]),
)
durations = st.integers(min_value=0, max_value=3000 * 3600 * 10**6).map(
    lambda us: timedelta(microseconds=us)
)


@settings(max_examples=300, deadline=None)
@given(a=moments, d=durations)
def test_between_inverts_add(a, d):
    b = OFFICE.add(a, d)
    assert b >= a
    assert OFFICE.between(a, b) == d
    # add() gives the earliest such instant: a microsecond less is not enough
    if d:
        assert OFFICE.between(a, b.astimezone(UTC) - timedelta(microseconds=1)) < d


@settings(max_examples=200, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_between_is_additive(a, b, c):
    a, b, c = sorted([a, b, c], key=lambda m: m.astimezone(UTC))
    assert LUNCH.between(a, b) + LUNCH.between(b, c) == LUNCH.between(a, c)


def _reference_between(cal, a, b):
    """Day by day over intervals_on: slow, obviously right."""
    a, b = a.astimezone(UTC), b.astimezone(UTC)
    total = timedelta(0)
    day = a.astimezone(cal.zone).date() - timedelta(days=1)
    while day <= b.astimezone(cal.zone).date():
        for opens, closes in cal.intervals_on(day):
            lo, hi = max(a, opens.astimezone(UTC)), min(b, closes.astimezone(UTC))
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total


@settings(max_examples=100, deadline=None)
@given(a=moments, span=st.integers(min_value=0, max_value=40 * 24 * 60))
def test_between_matches_a_day_by_day_reference(a, span):
    b = a + timedelta(minutes=span)
    for cal in (OFFICE, LUNCH, ALL_DAY):
        assert cal.between(a, b) == _reference_between(cal, a, b)
