"""SLA clocks with pauses: hand-computed cases (arithmetic in the comments).

Calendar: the default, Monday–Friday 08:00–17:00 Europe/Stockholm with Swedish holidays and
midsommarafton, julafton, nyårsafton closed. Mon 2 Feb 2026 is an ordinary Monday.
"""

import datetime as dt
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itportal.servicedesk import sla_clock
from itportal.servicedesk.calendar import BusinessCalendar

STHLM = ZoneInfo("Europe/Stockholm")
UTC = dt.UTC
H = timedelta(hours=1)
M = timedelta(minutes=1)
CAL = BusinessCalendar()


def at(y, m, d, hh=0, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=STHLM)


MON_9 = at(2026, 2, 2, 9)


def test_without_pauses():
    # Mon 09:00 + 4 h → Mon 13:00; at 12:00 3 h used, 1 h left
    assert sla_clock.due(CAL, MON_9, 4 * H) == at(2026, 2, 2, 13)
    assert sla_clock.elapsed(CAL, MON_9, at(2026, 2, 2, 12)) == 3 * H
    assert sla_clock.remaining(CAL, MON_9, 4 * H, [], at(2026, 2, 2, 12)) == H


def test_breach_fires_on_the_due_instant():
    # due Mon 13:00: not breached at 13:00:00, breached one second later
    assert not sla_clock.breached(CAL, MON_9, 4 * H, [], at(2026, 2, 2, 13))
    assert sla_clock.breached(CAL, MON_9, 4 * H, [], at(2026, 2, 2, 13, 0, 1))
    # overdue by 1 h 30 min of business time at 14:30
    assert sla_clock.remaining(CAL, MON_9, 4 * H, [], at(2026, 2, 2, 14, 30)) == -90 * M


def test_a_ticket_due_at_closing_time_is_breached_that_evening_not_on_monday():
    # Fri 6 Feb 09:00 + 8 h → Fri 17:00; at 17:01 no more business time has passed (remaining
    # 0) but the due time is behind us
    start = at(2026, 2, 6, 9)
    assert sla_clock.due(CAL, start, 8 * H) == at(2026, 2, 6, 17)
    assert sla_clock.breached(CAL, start, 8 * H, [], at(2026, 2, 6, 17, 1))
    assert sla_clock.remaining(CAL, start, 8 * H, [], at(2026, 2, 6, 17, 1)) == timedelta(0)


def test_a_two_hour_pause_in_the_middle():
    # Mon 09:00, 4 h target, waiting on the requester 10:00–12:00: 09–10 1 h, paused, 12–15
    # 3 h → due 15:00 (instead of 13:00)
    pauses = [(at(2026, 2, 2, 10), at(2026, 2, 2, 12))]
    assert sla_clock.due(CAL, MON_9, 4 * H, pauses, at(2026, 2, 2, 14)) == at(2026, 2, 2, 15)
    # at 16:00: 09–16 = 7 h − 2 h paused = 5 h used
    assert sla_clock.elapsed(CAL, MON_9, at(2026, 2, 2, 16), pauses) == 5 * H
    # at 14:00: 5 h − 2 h = 3 h used, 1 h left
    assert sla_clock.remaining(CAL, MON_9, 4 * H, pauses, at(2026, 2, 2, 14)) == H
    assert not sla_clock.breached(CAL, MON_9, 4 * H, pauses, at(2026, 2, 2, 14, 30))


def test_a_pause_across_the_night():
    # Mon 14:00, 8 h target; paused Mon 16:00 → Tue 10:00, which holds 1 h (Mon 16–17) + 2 h
    # (Tue 08–10) of business time. Mon 14–16 2 h, resumes Tue 10:00 with 6 h left → Tue 16:00
    # (no pause: Mon 3 h + Tue 08–13 → Tue 13:00)
    start = at(2026, 2, 2, 14)
    pauses = [(at(2026, 2, 2, 16), at(2026, 2, 3, 10))]
    now = at(2026, 2, 3, 12)
    assert sla_clock.due(CAL, start, 8 * H, [], now) == at(2026, 2, 3, 13)
    assert sla_clock.due(CAL, start, 8 * H, pauses, now) == at(2026, 2, 3, 16)
    # at Tue 12:00: Mon 14–17 3 h + Tue 08–12 4 h = 7 h − 3 h paused = 4 h
    assert sla_clock.elapsed(CAL, start, now, pauses) == 4 * H


def test_overlapping_pauses_are_not_subtracted_twice():
    # 10:00–11:00, 10:30–12:00 and 11:30–11:45 cover 10:00–12:00 = 2 h → same as one pause
    pauses = [
        (at(2026, 2, 2, 10), at(2026, 2, 2, 11)),
        (at(2026, 2, 2, 11, 30), at(2026, 2, 2, 11, 45)),
        (at(2026, 2, 2, 10, 30), at(2026, 2, 2, 12)),
    ]
    now = at(2026, 2, 2, 16)
    assert sla_clock.elapsed(CAL, MON_9, now, pauses) == 5 * H
    assert sla_clock.due(CAL, MON_9, 4 * H, pauses, now) == at(2026, 2, 2, 15)


def test_pauses_in_closed_hours_and_before_the_start_cost_nothing_extra():
    # a pause Mon 18:00 → Tue 07:00 lies in closed time: Mon 09:00 + 10 h = Tue 10:00 either way
    night = [(at(2026, 2, 2, 18), at(2026, 2, 3, 7))]
    now = at(2026, 2, 3, 12)
    assert sla_clock.due(CAL, MON_9, 10 * H, night, now) == at(2026, 2, 3, 10)
    assert sla_clock.elapsed(CAL, MON_9, now, night) == 12 * H  # Mon 09–17 8 h + Tue 08–12 4 h
    # a pause 08:00–10:00 on a ticket opened at 09:00 only holds 1 h of the clock → 4 h due 14:00
    early = [(at(2026, 2, 2, 8), at(2026, 2, 2, 10))]
    assert sla_clock.due(CAL, MON_9, 4 * H, early, now) == at(2026, 2, 2, 14)


def test_while_paused_the_due_time_is_unknown():
    # Mon 09:00, 4 h; paused since 10:00 and still waiting at 11:00 (1 h used)
    pauses = [(at(2026, 2, 2, 10), None)]
    now = at(2026, 2, 2, 11)
    assert sla_clock.due(CAL, MON_9, 4 * H, pauses, now) is None
    assert sla_clock.elapsed(CAL, MON_9, now, pauses) == H
    # a paused clock is never breached, however long the wait (next day: still 1 h used)
    tuesday = at(2026, 2, 3, 16)
    assert not sla_clock.breached(CAL, MON_9, 4 * H, pauses, tuesday)
    assert sla_clock.remaining(CAL, MON_9, 4 * H, pauses, tuesday) == 3 * H
    state = sla_clock.state(CAL, MON_9, 4 * H, pauses, tuesday)
    assert (state.paused, state.due, state.breached, state.warning) == (True, None, False, False)
    # a pause that ends after `now` is still running at `now`
    later = [(at(2026, 2, 2, 10), at(2026, 2, 2, 15))]
    assert sla_clock.due(CAL, MON_9, 4 * H, later, now) is None
    # once it has ended (now 16:00): 09–10 1 h, 15–17 2 h, Tue 08–09 1 h → Tue 09:00
    assert sla_clock.due(CAL, MON_9, 4 * H, later, at(2026, 2, 2, 16)) == at(2026, 2, 3, 9)


def test_a_pause_after_the_deadline_does_not_hide_the_breach():
    # Mon 09:00, 2 h → due 11:00; the agent sets "waiting" at 14:00: still breached (at 11:00)
    pauses = [(at(2026, 2, 2, 14), None)]
    now = at(2026, 2, 2, 15)
    assert sla_clock.due(CAL, MON_9, 2 * H, pauses, now) == at(2026, 2, 2, 11)
    assert sla_clock.breached(CAL, MON_9, 2 * H, pauses, now)


def test_breach_warning_at_eighty_percent():
    # Mon 09:00, 10 h target → due Tue 10:00 (Mon 8 h + Tue 08–10 2 h); 80 % = 8 h → Mon 17:00
    target = 10 * H
    assert sla_clock.warn_at(CAL, MON_9, target) == at(2026, 2, 2, 17)
    assert sla_clock.warn_at(CAL, MON_9, target, fraction=0.5) == at(2026, 2, 2, 14)
    evening = sla_clock.state(CAL, MON_9, target, [], at(2026, 2, 2, 17, 30))
    assert (evening.warning, evening.breached) == (True, False)
    assert evening.due == at(2026, 2, 3, 10)
    assert evening.remaining == 2 * H
    late = sla_clock.state(CAL, MON_9, target, [], at(2026, 2, 3, 10, 1))
    assert (late.warning, late.breached) == (False, True)
    early = sla_clock.state(CAL, MON_9, target, [], at(2026, 2, 2, 16, 59))
    assert (early.warning, early.breached, early.paused) == (False, False, False)


def test_clock_across_the_dst_change_with_a_pause():
    # Fri 27 March 2026 16:00 CET, 4 h; paused Mon 30 March 08:00–09:00 CEST: Fri 16–17 1 h,
    # Mon 09–12 3 h → Mon 12:00 +02:00 = 10:00 UTC
    pauses = [(at(2026, 3, 30, 8), at(2026, 3, 30, 9))]
    due = sla_clock.due(CAL, at(2026, 3, 27, 16), 4 * H, pauses, at(2026, 3, 30, 10))
    assert due.astimezone(UTC) == dt.datetime(2026, 3, 30, 10, tzinfo=UTC)


def test_clock_across_midsommar_with_a_pause():
    # Thu 18 June 2026 15:00, 9 h; paused Thu 16:00 → Mon 22 June 09:00 (holds Thu 16–17 1 h and
    # Mon 08–09 1 h; Fri 19 midsommarafton and Sat 20 midsommardagen are closed): Thu 15–16 1 h,
    # Mon 09–17 8 h → Mon 22 June 17:00
    pauses = [(at(2026, 6, 18, 16), at(2026, 6, 22, 9))]
    now = at(2026, 6, 22, 10)
    assert sla_clock.due(CAL, at(2026, 6, 18, 15), 9 * H, pauses, now) == at(2026, 6, 22, 17)
    # at Mon 10:00: Thu 2 h + Mon 2 h = 4 h − 2 h paused = 2 h used
    assert sla_clock.elapsed(CAL, at(2026, 6, 18, 15), now, pauses) == 2 * H


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="ends"):
        sla_clock.elapsed(CAL, MON_9, at(2026, 2, 3), [(at(2026, 2, 2, 12), at(2026, 2, 2, 11))])
    with pytest.raises(ValueError, match="negative"):
        sla_clock.due(CAL, MON_9, -H)
    with pytest.raises(ValueError, match="fraction"):
        sla_clock.warn_at(CAL, MON_9, H, fraction=0)
    with pytest.raises(ValueError, match="aware"):
        sla_clock.elapsed(CAL, MON_9, dt.datetime(2026, 2, 3))


# --- properties -----------------------------------------------------------------------------

moments = st.datetimes(
    min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31), timezones=st.just(UTC)
)
hours = st.integers(min_value=0, max_value=200).map(lambda n: n * 15 * M)


@settings(max_examples=200, deadline=None)
@given(
    start=moments,
    target=hours,
    pauses=st.lists(st.tuples(moments, hours), max_size=4),
)
def test_the_clock_has_used_exactly_the_target_at_the_due_time(start, target, pauses):
    pauses = [(f, f + length) for f, length in pauses]
    now = max([start, *(t for _, t in pauses)]) + timedelta(days=1)
    deadline = sla_clock.due(CAL, start, target, pauses, now)
    assert deadline is not None
    if deadline <= now:  # pauses after `now` do not exist, so only check inside the window
        assert sla_clock.elapsed(CAL, start, deadline, pauses) == target
        assert not sla_clock.breached(CAL, start, target, pauses, deadline)
