"""Calendar arithmetic shared by the modules."""

import calendar


def months_before(day, months, *, keep_month_end=False):
    """The same day `months` months earlier, clamped to the target month's last day.

    With keep_month_end, a day that is the last of its month maps to the last day of the
    target month (a contract ending 30 June with three months' notice: 31 March).
    """
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if keep_month_end and day.day == calendar.monthrange(day.year, day.month)[1]:
        return day.replace(year=year, month=month, day=last)
    return day.replace(year=year, month=month, day=min(day.day, last))


# The years the portal accepts in price lists, runs, KPIs, reports and change windows: a wider
# range is a typing error (and before 1900 not even a valid time in Europe/Stockholm).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def int_param(value, default=None, low=None, high=None):
    """A querystring value as an int within [low, high], else `default` (never an error)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    if (low is not None and number < low) or (high is not None and number > high):
        return default
    return number
