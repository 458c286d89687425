"""The numeric knobs of the service desk's demo: when tickets come in (months, weekdays, hours,
holidays), how long things take (shares of the SLA targets), and the random draws from them."""

import datetime as dt
import math
from decimal import Decimal

from itportal.servicedesk.choices import Channel, Kind
from itportal.servicedesk.models import ChangeRisk

DAYS = 365
CHUNK = 20_000  # tickets per insert round (with their history and audit rows)
SECOND = dt.timedelta(seconds=1)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
CENT = Decimal("0.01")
BUSINESS_DAY = 9 * 60  # minutes of the desk's 08–17 day
CLOSE_AFTER = dt.timedelta(days=5)  # resolved tickets are closed five days later, at night
NO_ANSWER_AFTER = 20 * BUSINESS_DAY  # waiting on a silent requester: resolved after this

# --- When tickets come in -------------------------------------------------------------------
KINDS = ((Kind.INCIDENT, 0.55), (Kind.REQUEST, 0.33), (Kind.QUESTION, 0.12))
MONTH_FACTOR = {
    1: 1.2,
    2: 1.05,
    3: 1.0,
    4: 0.95,
    5: 0.95,
    6: 0.85,
    7: 0.45,
    8: 1.3,
    9: 1.15,
    10: 1.0,
    11: 1.0,
    12: 0.8,
}
WEEKDAY_FACTOR = (1.2, 1.05, 1.0, 0.95, 0.8, 0.07, 0.05)
HOLIDAY_FACTOR = 0.05
AFTER_HOLIDAY = 1.35  # the first open day after a public holiday
SCHOOL_START = (8, 11, 1.25)  # from 11 August the schools start: more on top of August's
# Per hour of the day, 00–23.
WORKDAY_HOURS = (
    0.02, 0.01, 0.01, 0.01, 0.02, 0.05, 0.15, 0.6, 1.6, 1.8, 1.35, 1.0,
    0.7, 1.4, 1.5, 1.2, 0.7, 0.35, 0.2, 0.18, 0.16, 0.12, 0.08, 0.04,
)  # fmt: skip
OFF_HOURS = (
    0.05, 0.03, 0.02, 0.02, 0.02, 0.03, 0.05, 0.1, 0.3, 0.5, 0.6, 0.6,
    0.55, 0.6, 0.6, 0.55, 0.5, 0.45, 0.45, 0.45, 0.4, 0.3, 0.2, 0.1,
)  # fmt: skip
CHANNELS = ((Channel.PORTAL, 0.5), (Channel.EMAIL, 0.3), (Channel.AGENT, 0.2))

# --- How long things take --------------------------------------------------------------------
# Business time to the first reply and to the resolution, as a share of the SLA's target:
# lognormal (median, sigma). About 4 % of the responses and 5 % of the resolutions breach.
# Planned work (priority 5: 20 business days) is done late in its window, as a desk with a
# queue does; urgent work early.
RESPONSE_SHARE = (0.18, 0.85)
RESOLUTION_SHARE = {1: (0.45, 0.5), 2: (0.4, 0.5), 3: (0.45, 0.45), 4: (0.55, 0.35), 5: (0.75, 0.2)}
KIND_FACTOR = {Kind.INCIDENT: 1.0, Kind.REQUEST: 1.05, Kind.QUESTION: 0.6, Kind.PROBLEM: 1.1}
APPROVAL_MINUTES = (240, 1.0)  # the coordinator's decision, business minutes (median, sigma)
REJECTED = 0.05
ANSWER_HOURS = (48, 1.3)  # the requester's answer to a question, wall-clock hours
SILENT = 0.3  # of the requesters asked something, never answer
REOPENED = 0.02
ORDER_SEASON = {8: 1.5, 1: 1.3, 7: 0.6, 12: 0.8}  # orders, on top of MONTH_FACTOR
# The risk of a normal change (standard ones are low, emergencies high).
RISKS = ((ChangeRisk.LOW, 0.3), (ChangeRisk.MEDIUM, 0.5), (ChangeRisk.HIGH, 0.2))


def lognormal(rng, median, sigma):
    return median * math.exp(rng.gauss(0, sigma))


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]
