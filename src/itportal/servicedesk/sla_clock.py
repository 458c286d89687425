"""SLA clocks: business time on a `BusinessCalendar`, paused while the desk waits.

Rules
-----
* A clock **starts** at ``start`` (the ticket's creation) and counts only business time, i.e.
  time in the calendar's open intervals (see ``servicedesk.calendar``; business time is real
  elapsed time, also across DST changes).
* **Pauses** are ``(paused_from, paused_to)`` pairs of aware datetimes; ``paused_to=None`` means
  still paused. Pauses may overlap each other, lie partly before ``start`` or fall in closed
  hours: they are merged and clipped first, and only the open time inside the union of pauses
  is subtracted, never twice. A pause that has not ended by ``now`` is still running.
* ``elapsed`` = business time in ``[start, now)`` minus business time in the pauses.
  The clock **stops** when the ticket is resolved (or responded to): pass that instant as
  ``now``.
* ``due`` = the earliest instant at which ``target`` of unpaused business time has elapsed,
  pushed out by the pauses so far. While the clock is paused the due time is unknown (it depends
  on when the pause ends) and ``due`` returns None, unless the target was already reached before
  the pause began, in which case that (past) instant is returned.
* ``breached`` is true from the first instant after ``due`` — even when that instant falls in
  closed hours, so a ticket due Friday 17:00 is breached at 17:01, not on Monday. A paused
  clock that had not reached its target when the pause began is not breached.
* ``remaining`` = ``target - elapsed`` (negative once overdue: business time past the target).
* ``warn_at`` = the due time of ``fraction × target`` (default 80 %); a breach warning is due
  once ``now >= warn_at``. ``state`` computes everything for one clock in one call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .calendar import BusinessCalendar

__all__ = ["ClockState", "breached", "due", "elapsed", "remaining", "state", "warn_at"]

Pause = tuple[dt.datetime, dt.datetime | None]


def _aware(moment: dt.datetime, what: str) -> dt.datetime:
    """``moment`` in UTC: comparing aware datetimes that share a zone compares wall-clock
    readings, which is wrong in the repeated hour when DST ends."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, got {moment!r}.")
    return moment.astimezone(dt.UTC)


def _merged(
    pauses: Iterable[Pause], start: dt.datetime, now: dt.datetime | None
) -> list[tuple[dt.datetime, dt.datetime | None]]:
    """Pauses clipped to ``[start, now]`` and merged; the last may be open (end None) when it
    is still running. Pauses that begin at or after ``now`` have not happened yet."""
    cleaned = []
    for paused_from, paused_to in pauses or ():
        paused_from = _aware(paused_from, "A pause's start")
        if paused_to is not None:
            paused_to = _aware(paused_to, "A pause's end")
            if paused_to < paused_from:
                raise ValueError(f"A pause ends ({paused_to}) before it starts ({paused_from}).")
        if now is not None:
            if paused_from >= now:
                continue
            if paused_to is not None and paused_to > now:
                paused_to = None  # still running at `now`
        if paused_to is not None and paused_to <= start:
            continue
        cleaned.append((max(paused_from, start), paused_to))
    cleaned.sort(key=lambda pause: pause[0])
    merged: list[list] = []
    for paused_from, paused_to in cleaned:
        if merged and (merged[-1][1] is None or paused_from <= merged[-1][1]):
            last = merged[-1]
            last[1] = None if last[1] is None or paused_to is None else max(last[1], paused_to)
        else:
            merged.append([paused_from, paused_to])
    return [(f, t) for f, t in merged]


def elapsed(
    calendar: BusinessCalendar,
    start: dt.datetime,
    now: dt.datetime,
    pauses: Iterable[Pause] = (),
) -> dt.timedelta:
    """Unpaused business time between ``start`` and ``now``."""
    start, now = _aware(start, "start"), _aware(now, "now")
    return _elapsed(calendar, start, now, _merged(pauses, start, now))


def _elapsed(calendar, start, now, merged) -> dt.timedelta:
    if now <= start:
        return dt.timedelta(0)
    total = calendar.between(start, now)
    for paused_from, paused_to in merged:
        total -= calendar.between(paused_from, now if paused_to is None else paused_to)
    return total


def due(
    calendar: BusinessCalendar,
    start: dt.datetime,
    target: dt.timedelta,
    pauses: Iterable[Pause] = (),
    now: dt.datetime | None = None,
) -> dt.datetime | None:
    """When ``target`` of unpaused business time will have elapsed; None while paused."""
    start = _aware(start, "start")
    if now is not None:
        now = _aware(now, "now")
    if target < dt.timedelta(0):
        raise ValueError(f"An SLA target must not be negative, got {target}.")
    return _due(calendar, start, target, _merged(pauses, start, now))


def _due(calendar, start, target, merged) -> dt.datetime | None:
    cursor, left = start, target
    for paused_from, paused_to in merged:
        candidate = calendar.add(cursor, left)
        if candidate <= paused_from:
            return candidate
        if paused_to is None:
            return None
        left -= calendar.between(cursor, paused_from)
        cursor = paused_to
    return calendar.add(cursor, left)


def breached(
    calendar: BusinessCalendar,
    start: dt.datetime,
    target: dt.timedelta,
    pauses: Iterable[Pause],
    now: dt.datetime,
) -> bool:
    """True once ``now`` is past the due time (see the module docstring)."""
    deadline = due(calendar, start, target, pauses, now)
    return deadline is not None and _aware(now, "now") > deadline


def remaining(
    calendar: BusinessCalendar,
    start: dt.datetime,
    target: dt.timedelta,
    pauses: Iterable[Pause],
    now: dt.datetime,
) -> dt.timedelta:
    """Business time left before the target; negative when overdue."""
    return target - elapsed(calendar, start, now, pauses)


def warn_at(
    calendar: BusinessCalendar,
    start: dt.datetime,
    target: dt.timedelta,
    pauses: Iterable[Pause] = (),
    fraction: float = 0.8,
    now: dt.datetime | None = None,
) -> dt.datetime | None:
    """When ``fraction`` of the target will have been used (None while paused)."""
    if not 0 < fraction <= 1:
        raise ValueError(f"The warning fraction must be in (0, 1], got {fraction}.")
    return due(calendar, start, target * fraction, pauses, now)


@dataclass(frozen=True)
class ClockState:
    elapsed: dt.timedelta
    remaining: dt.timedelta
    due: dt.datetime | None
    warn_at: dt.datetime | None
    paused: bool
    warning: bool  # the warning threshold is passed, not yet breached
    breached: bool


def state(
    calendar: BusinessCalendar,
    start: dt.datetime,
    target: dt.timedelta,
    pauses: Iterable[Pause],
    now: dt.datetime,
    fraction: float = 0.8,
) -> ClockState:
    """Everything about one clock at ``now`` (pauses merged once; the cheap way to recompute
    many clocks)."""
    if target < dt.timedelta(0):
        raise ValueError(f"An SLA target must not be negative, got {target}.")
    if not 0 < fraction <= 1:
        raise ValueError(f"The warning fraction must be in (0, 1], got {fraction}.")
    start, now = _aware(start, "start"), _aware(now, "now")
    merged = _merged(pauses, start, now)
    used = _elapsed(calendar, start, now, merged)
    deadline = _due(calendar, start, target, merged)
    warning_time = _due(calendar, start, target * fraction, merged)
    is_breached = deadline is not None and now > deadline
    return ClockState(
        elapsed=used,
        remaining=target - used,
        due=deadline,
        warn_at=warning_time,
        paused=bool(merged) and merged[-1][1] is None,
        warning=not is_breached and warning_time is not None and now >= warning_time,
        breached=is_breached,
    )
