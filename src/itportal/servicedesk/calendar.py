"""Business-hours calendars: when is the service desk open, and how much open time lies
between two instants? Pure Python (no database); the models build a `BusinessCalendar`.

Rules
-----
* **Opening hours** are given per weekday (Monday = 0) as a tuple of ``(opens, closes)`` local
  wall-clock intervals; several per day are allowed (lunch closed). A closing time of ``None``,
  ``time(0)`` or ``time.max`` means 24:00, midnight at the end of the day, so a 24/7 calendar is
  ``{d: ((time(0), None),) for d in range(7)}``.
* **Closed days**: Swedish public holidays from the ``holidays`` package (``public_holidays``),
  and the eves named in ``closed_eves``, which the package does not hold and which we compute:
  midsommarafton (the Friday 19–25 June), julafton (24 Dec), nyårsafton (31 Dec), påskafton
  (the day before Easter Sunday), trettondagsafton (5 Jan), valborgsmässoafton (30 Apr).
  ``reduced_eves`` gives eves on which the desk closes early (``{"valborgsmassoafton":
  time(13)}``) when they are not closed altogether.
* **Exceptions** (date → intervals) override everything else for that date: an empty tuple
  closes the day, intervals replace the day's hours (even on a holiday).
* **Time zone**: intervals are local wall-clock times in ``tz`` (default Europe/Stockholm),
  made aware with ``zoneinfo``. **Business time is real elapsed time**: an 08:00–17:00 day is
  9 h on the DST change days too (both ends exist exactly once), while 00:00–24:00 on 29 March
  2026 is 23 h and on 25 October 2026 is 25 h. An opening that falls in the spring-forward gap
  starts at the change instant (03:00 CEST); on the fall-back night an interval runs from the
  first occurrence of its opening time to the last occurrence of its closing time.
* ``add(start, d)`` returns the **earliest** instant at which ``d`` of business time has elapsed
  after ``start``; a ``start`` in closed time starts the clock at the next opening, and a span
  that ends exactly at a closing time returns that closing time (not the next opening).
  ``add(start, timedelta(0))`` is ``start``. Results are aware datetimes in ``tz``.
* ``between(a, b)`` is the business time in ``[a, b)``; 0 when ``b <= a``.

Both run in O(log days) with a per-year table of cumulative open time, so SLAs of weeks or
years cost the same as SLAs of minutes. All arithmetic is in whole microseconds, so
``between(a, add(a, d)) == d`` holds exactly.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = [
    "DEFAULT_CLOSED_EVES",
    "EVES",
    "OFFICE_HOURS",
    "ALWAYS_OPEN",
    "BusinessCalendar",
    "eve_dates",
    "easter_sunday",
]

EVES = (
    "midsommarafton",
    "julafton",
    "nyarsafton",
    "paskafton",
    "trettondagsafton",
    "valborgsmassoafton",
)
DEFAULT_CLOSED_EVES = frozenset({"midsommarafton", "julafton", "nyarsafton"})

EVE_NAMES = {
    "sv": {
        "midsommarafton": "Midsommarafton",
        "julafton": "Julafton",
        "nyarsafton": "Nyårsafton",
        "paskafton": "Påskafton",
        "trettondagsafton": "Trettondagsafton",
        "valborgsmassoafton": "Valborgsmässoafton",
    },
    "en": {
        "midsommarafton": "Midsummer Eve",
        "julafton": "Christmas Eve",
        "nyarsafton": "New Year's Eve",
        "paskafton": "Holy Saturday",
        "trettondagsafton": "Twelfth Night",
        "valborgsmassoafton": "Walpurgis Night",
    },
}
WEEKDAY_NAMES = {
    "sv": ("Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
EXCEPTION_NAME = {"sv": "Lokalt undantag", "en": "Local exception"}
HOLIDAY_LANGUAGE = {"sv": "sv", "en": "en_US"}

_9_TO_5 = ((dt.time(8), dt.time(17)),)
OFFICE_HOURS = MappingProxyType(dict.fromkeys(range(5), _9_TO_5))
"""Monday–Friday 08:00–17:00."""
ALWAYS_OPEN = MappingProxyType({d: ((dt.time(0), None),) for d in range(7)})
"""Every day 00:00–24:00 (combine with ``public_holidays=False, closed_eves=frozenset()``)."""

_UTC = dt.UTC
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=_UTC)
_US = dt.timedelta(microseconds=1)
_AVERAGE_YEAR_US = 31_556_952 * 10**6  # 365.2425 days
_MAX_YEARS_AHEAD = 50  # add() gives up after this many years without enough open time


def easter_sunday(year: int) -> dt.date:
    """Western (Gregorian) Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def eve_dates(year: int) -> dict[str, dt.date]:
    """The Swedish eves of ``year`` (not public holidays, but often closed)."""
    june19 = dt.date(year, 6, 19)
    return {
        "midsommarafton": june19 + dt.timedelta(days=(4 - june19.weekday()) % 7),
        "julafton": dt.date(year, 12, 24),
        "nyarsafton": dt.date(year, 12, 31),
        "paskafton": easter_sunday(year) - dt.timedelta(days=1),
        "trettondagsafton": dt.date(year, 1, 5),
        "valborgsmassoafton": dt.date(year, 4, 30),
    }


def _to_us(moment: dt.datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"An aware datetime is required, got the naive {moment.isoformat()}.")
    return (moment - _EPOCH) // _US


def _from_us(us: int, zone: ZoneInfo) -> dt.datetime:
    return (_EPOCH + dt.timedelta(microseconds=us)).astimezone(zone)


def _local_to_us(day: dt.date, wall: dt.time, zone: ZoneInfo, *, last: bool) -> int:
    """The instant of local wall-clock ``wall`` on ``day``: in a spring-forward gap the change
    instant; on a fall-back repeat the first (``last=False``) or last occurrence."""
    naive = dt.datetime.combine(day, wall)
    fold0 = naive.replace(tzinfo=zone, fold=0)
    us0, us1 = _to_us(fold0), _to_us(naive.replace(tzinfo=zone, fold=1))
    if us0 == us1:
        return us0
    # PEP 495: in a repeat fold=0 is the first occurrence (the earlier instant); in a gap
    # fold=0 uses the offset before the change, which gives the later instant.
    if _from_us(us0, zone).replace(tzinfo=None) == naive:  # repeated: both instants exist
        return max(us0, us1) if last else min(us0, us1)
    # Nonexistent: the change happens between the two readings; find it to the microsecond.
    lo, hi = min(us0, us1), max(us0, us1)
    offset_before = fold0.utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _from_us(mid, zone).utcoffset() == offset_before:
            lo = mid
        else:
            hi = mid
    return hi


def _normalise_intervals(intervals, where: str) -> tuple[tuple[dt.time, dt.time | None], ...]:
    result = []
    previous_end = None
    for pair in intervals:
        try:
            opens, closes = pair
        except (TypeError, ValueError):
            raise ValueError(
                f"{where}: an interval is an (opens, closes) pair, got {pair!r}."
            ) from None
        if not isinstance(opens, dt.time) or opens.tzinfo is not None:
            raise ValueError(f"{where}: the opening time must be a naive time, got {opens!r}.")
        if closes in (dt.time(0), dt.time.max):
            closes = None
        if closes is not None and (not isinstance(closes, dt.time) or closes.tzinfo is not None):
            raise ValueError(f"{where}: the closing time must be a naive time, got {closes!r}.")
        if closes is not None and closes <= opens:
            raise ValueError(
                f"{where}: closes {closes:%H:%M} is not after opens {opens:%H:%M} "
                "(use None or time(0) for midnight at the end of the day)."
            )
        if previous_end is None and result:
            raise ValueError(f"{where}: an interval follows one that runs to midnight.")
        if previous_end is not None and opens < previous_end:
            raise ValueError(f"{where}: intervals overlap or are out of order.")
        result.append((opens, closes))
        previous_end = closes
    return tuple(result)


@dataclass(frozen=True)
class _Year:
    bounds: list[int]  # local midnights, µs; len = days + 1
    intervals: list[tuple[tuple[int, int], ...]]  # per day, µs
    cum: list[int]  # business µs before each day; len = days + 1

    @property
    def total(self) -> int:
        return self.cum[-1]

    def day_of(self, us: int) -> int:
        return min(max(bisect.bisect_right(self.bounds, us) - 1, 0), len(self.intervals) - 1)

    def position(self, us: int) -> int:
        """Business µs from the start of the year up to ``us``."""
        if us <= self.bounds[0]:
            return 0
        if us >= self.bounds[-1]:
            return self.total
        i = self.day_of(us)
        done = self.cum[i]
        for start, end in self.intervals[i]:
            if us <= start:
                break
            done += min(us, end) - start
        return done

    def instant(self, target: int) -> int:
        """Earliest µs at which ``target`` (0 < target <= total) business µs have elapsed."""
        j = bisect.bisect_left(self.cum, target)  # cum[j] >= target > cum[j - 1]
        i = j - 1
        left = target - self.cum[i]
        for start, end in self.intervals[i]:
            if left <= end - start:
                return start + left
            left -= end - start
        raise AssertionError("cumulative table out of step")  # pragma: no cover


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours in a time zone with Swedish holidays, eves and local exceptions."""

    hours: Mapping[int, tuple] = field(default_factory=lambda: dict(OFFICE_HOURS))
    tz: str = "Europe/Stockholm"
    public_holidays: bool = True
    closed_eves: frozenset[str] = DEFAULT_CLOSED_EVES
    exceptions: Mapping[dt.date, tuple] = field(default_factory=dict)
    reduced_eves: Mapping[str, dt.time] = field(default_factory=dict)
    exception_notes: Mapping[dt.date, str] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(f"Unknown time zone {self.tz!r}.") from None
        hours = {}
        for weekday, intervals in dict(self.hours).items():
            if weekday not in range(7):
                raise ValueError(f"Weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}.")
            hours[weekday] = _normalise_intervals(intervals, f"weekday {weekday}")
        exceptions = {}
        for day, intervals in dict(self.exceptions).items():
            if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
                raise ValueError(f"An exception is keyed by a date, got {day!r}.")
            exceptions[day] = _normalise_intervals(intervals, f"exception {day}")
        eves = frozenset(self.closed_eves)
        unknown = sorted(eves.difference(EVES) | set(self.reduced_eves).difference(EVES))
        if unknown:
            raise ValueError(f"Unknown eve {', '.join(unknown)}; known: {', '.join(EVES)}.")
        for name, closes in self.reduced_eves.items():
            if not isinstance(closes, dt.time):
                raise ValueError(f"reduced_eves[{name!r}] must be a closing time.")
        if not any(hours.values()) and not any(exceptions.values()):
            raise ValueError(
                "The calendar has no opening hours at all: business time could never elapse."
            )
        object.__setattr__(self, "hours", MappingProxyType(hours))
        object.__setattr__(self, "exceptions", MappingProxyType(exceptions))
        object.__setattr__(self, "closed_eves", eves)
        object.__setattr__(self, "reduced_eves", MappingProxyType(dict(self.reduced_eves)))
        object.__setattr__(self, "exception_notes", MappingProxyType(dict(self.exception_notes)))

    def __hash__(self):
        return hash(
            (
                tuple(sorted(self.hours.items())),
                self.tz,
                self.public_holidays,
                self.closed_eves,
                tuple(sorted(self.exceptions.items())),
                tuple(sorted(self.reduced_eves.items())),
            )
        )

    @property
    def zone(self) -> ZoneInfo:
        zone = self._cache.get("zone")
        if zone is None:
            zone = self._cache["zone"] = ZoneInfo(self.tz)
        return zone

    # --- days -------------------------------------------------------------------------------

    def _holidays(self, year: int, language: str = "sv") -> Mapping[dt.date, str]:
        key = ("holidays", year, language)
        if key not in self._cache:
            self._cache[key] = (
                holidays.country_holidays(
                    "SE",
                    years=year,
                    include_sundays=False,
                    language=HOLIDAY_LANGUAGE.get(language, "sv"),
                )
                if self.public_holidays
                else {}
            )
        return self._cache[key]

    def _eves(self, year: int) -> dict[dt.date, str]:
        key = ("eves", year)
        if key not in self._cache:
            self._cache[key] = {day: name for name, day in eve_dates(year).items()}
        return self._cache[key]

    def _closing_eve(self, day: dt.date) -> str | None:
        name = self._eves(day.year).get(day)
        return name if name in self.closed_eves else None

    def _wall_intervals(self, day: dt.date) -> tuple[tuple[dt.time, dt.time | None], ...]:
        if day in self.exceptions:
            return self.exceptions[day]
        if day in self._holidays(day.year) or self._closing_eve(day):
            return ()
        intervals = self.hours.get(day.weekday(), ())
        eve = self._eves(day.year).get(day)
        if eve in self.reduced_eves:
            closes = self.reduced_eves[eve]
            intervals = tuple(
                (opens, closes if ends is None or ends > closes else ends)
                for opens, ends in intervals
                if opens < closes
            )
        return intervals

    def is_closed_day(self, day: dt.date) -> bool:
        """True when the desk is not open at all on ``day``."""
        return not self._wall_intervals(day)

    def closed_reason(self, day: dt.date, language: str = "sv") -> str | None:
        """Why ``day`` is closed, for the UI ("Midsommarafton", "Juldagen", "Lördag", the local
        exception's note…); None when the desk is open that day. ``language``: "sv" or "en"."""
        if not self.is_closed_day(day):
            return None
        lang = language if language in EVE_NAMES else "sv"
        if day in self.exceptions:
            return self.exception_notes.get(day) or EXCEPTION_NAME[lang]
        holiday = self._holidays(day.year, lang).get(day)
        if holiday:
            return holiday
        eve = self._closing_eve(day)
        if eve:
            return EVE_NAMES[lang][eve]
        return WEEKDAY_NAMES[lang][day.weekday()]

    def _us_intervals(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        zone = self.zone
        result = []
        for opens, closes in self._wall_intervals(day):
            start = _local_to_us(day, opens, zone, last=False)
            if closes is None:
                end = _local_to_us(day + dt.timedelta(days=1), dt.time(0), zone, last=False)
            else:
                end = _local_to_us(day, closes, zone, last=True)
            if result and start <= result[-1][1]:  # merged when the fall-back hour overlaps
                result[-1] = (result[-1][0], max(result[-1][1], end))
            elif end > start:
                result.append((start, end))
        return tuple(result)

    def intervals_on(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """The open intervals of ``day`` as aware datetimes in the calendar's zone."""
        zone = self.zone
        return tuple((_from_us(s, zone), _from_us(e, zone)) for s, e in self._us_intervals(day))

    # --- arithmetic -------------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        key = ("year", year)
        table = self._cache.get(key)
        if table is None:
            zone = self.zone
            first = dt.date(year, 1, 1)
            days = (dt.date(year + 1, 1, 1) - first).days
            bounds, intervals, cum = [], [], [0]
            previous_end = None
            for n in range(days + 1):
                day = first + dt.timedelta(days=n)
                bounds.append(_local_to_us(day, dt.time(0), zone, last=False))
                if n == days:
                    break
                day_intervals = []
                for start, end in self._us_intervals(day):
                    if previous_end is not None and start < previous_end:
                        start = previous_end
                    if end > start:
                        day_intervals.append((start, end))
                        previous_end = end
                intervals.append(tuple(day_intervals))
                cum.append(cum[-1] + sum(e - s for s, e in day_intervals))
            table = self._cache[key] = _Year(bounds, intervals, cum)
        return table

    def _year_start(self, year: int) -> int:
        key = ("year_start", year)
        start = self._cache.get(key)
        if start is None:
            start = _local_to_us(dt.date(year, 1, 1), dt.time(0), self.zone, last=False)
            self._cache[key] = start
        return start

    def _local_year(self, us: int) -> int:
        """The local calendar year of the instant ``us`` (without building a datetime)."""
        year = 1970 + us // _AVERAGE_YEAR_US
        while us < self._year_start(year):
            year -= 1
        while us >= self._year_start(year + 1):
            year += 1
        return year

    def between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Business time in ``[a, b)``; zero when ``b <= a``."""
        a_us, b_us = _to_us(a), _to_us(b)
        if b_us <= a_us:
            return dt.timedelta(0)
        ya, yb = self._local_year(a_us), self._local_year(b_us)
        if ya == yb:
            table = self._year(ya)
            total = table.position(b_us) - table.position(a_us)
        else:
            total = self._year(ya).total - self._year(ya).position(a_us)
            total += sum(self._year(y).total for y in range(ya + 1, yb))
            total += self._year(yb).position(b_us)
        return dt.timedelta(microseconds=total)

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The earliest instant at which ``duration`` of business time has elapsed after
        ``start`` (see the module docstring)."""
        start_us = _to_us(start)
        if duration < dt.timedelta(0):
            raise ValueError(f"The business duration must not be negative, got {duration}.")
        if not duration:
            return start.astimezone(self.zone)
        year = self._local_year(start_us)
        target = self._year(year).position(start_us) + duration // _US
        for _ in range(_MAX_YEARS_AHEAD + 1):
            table = self._year(year)
            if target <= table.total:
                return _from_us(table.instant(target), self.zone)
            target -= table.total
            year += 1
        raise ValueError(
            f"The calendar does not have {duration} of open time within "
            f"{_MAX_YEARS_AHEAD} years after {start.isoformat()}."
        )

    def is_open(self, moment: dt.datetime) -> bool:
        """True when ``moment`` lies in an open interval."""
        us = _to_us(moment)
        table = self._year(self._local_year(us))
        return any(s <= us < e for s, e in table.intervals[table.day_of(us)])

    def next_open(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` if the desk is open then, otherwise the next opening."""
        if self.is_open(moment):
            return moment.astimezone(self.zone)
        # add() of one microsecond lands one microsecond after the opening; step back in UTC
        # (aware arithmetic in one zone is wall-clock arithmetic and would be wrong at DST).
        return _from_us(_to_us(self.add(moment, _US)) - 1, self.zone)
