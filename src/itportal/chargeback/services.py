"""Every write to chargeback runs: compute, approve, reopen, close, delete, adjust.

Each checks the run's state under a row lock and writes an audit row. A closed run is refused
by every function here, and by the database triggers besides.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from itportal.chargeback import engine
from itportal.chargeback.models import (
    Adjustment,
    ChargebackLine,
    ChargebackRun,
    PeriodKind,
    RunState,
    month_bounds,
)
from itportal.core import services as core
from itportal.core.dates import FIRST_YEAR, LAST_YEAR
from itportal.core.services import StaleObjectError, snapshot, write_change

PERIOD = re.compile(r"^(?P<year>\d{4})-(?:(?P<month>\d{2})|[Qq](?P<quarter>[1-4]))$")
BATCH = 2000
MIN_YEAR, MAX_YEAR = FIRST_YEAR, LAST_YEAR


def parse_period(text):
    """'2026-11' → (month, 2026-11-01, 2026-11-30); '2026-Q4' → (quarter, 2026-10-01, …)."""
    match = PERIOD.match((text or "").strip())
    if not match:
        raise ValidationError(
            _("“%(text)s” is not a period: write a month as YYYY-MM or a quarter as YYYY-Qn.")
            % {"text": text}
        )
    year = int(match["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            _("“%(text)s”: the year must lie between %(min)s and %(max)s.")
            % {"text": text, "min": MIN_YEAR, "max": MAX_YEAR}
        )
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValidationError(
                _("“%(text)s” has no month %(month)s.") % {"text": text, "month": month}
            )
        first, last = month_bounds(datetime.date(year, month, 1))
        return PeriodKind.MONTH, first, last
    quarter = int(match["quarter"])
    first = datetime.date(year, 3 * quarter - 2, 1)
    last = month_bounds(datetime.date(year, 3 * quarter, 1))[1]
    return PeriodKind.QUARTER, first, last


def _locked(run, expected_version=None):
    stored = ChargebackRun._base_manager.select_for_update().get(pk=run.pk)
    seen = run.version if expected_version is None else int(expected_version)
    if stored.version != seen:
        run.version = seen
        raise StaleObjectError(run)
    return stored


def _refuse_unless(run, *states):
    if run.state in states:
        return
    if run.state == RunState.CLOSED:
        raise ValidationError(
            _(
                "%(run)s is closed and can no longer change. Correct it with an adjustment, "
                "which is booked in a later run."
            )
            % {"run": run},
            code="closed",
        )
    if run.state == RunState.APPROVED:  # and a draft is needed
        message = _("%(run)s is approved; send it back to draft before you recompute or delete it.")
    else:  # a draft, and an approved run is needed
        message = _("%(run)s is a draft; approve it before you close it or send it back.")
    raise ValidationError(message % {"run": run}, code="state")


def _user(actor):
    return None if actor is None or isinstance(actor, str) else actor


def _set_state(run, *, actor, values, caller=None):
    """Write `values` to the locked `run`, audit the change; refresh the caller's copy."""
    before = snapshot(run)
    for name, value in values.items():
        setattr(run, name, value)
    run.version += 1
    run.save(update_fields=[*values, "version", "updated"])
    old, new = core._diff(before, snapshot(run))
    write_change(actor=actor, action="update", obj=run, before=old, after=new)
    if caller is not None and caller is not run:
        caller.refresh_from_db()
        return caller
    return run


# The columns _store writes, in the order of its rows.
_LINE_FIELDS = (
    "run",
    "kind",
    "unit",
    "cost_centre",
    "service",
    "fee_rule",
    "adjustment",
    "description",
    "quantity",
    "unit_price",
    "amount",
    "vat_rate",
    "vat",
    "account",
    "revenue_account",
    "vat_account",
    "unit_name",
    "group_key",
    "group_name",
    "group_cost_centre",
    "group_is_company",
    "revenue_cost_centre",
    "revenue_unit_name",
)


def _store(run, lines):
    """Replace the draft's lines: one DELETE, then plain INSERTs of the rows.

    No model instances and no ORM delete: a monthly run of the large demo writes some 9,000
    lines, and the ORM's per-object work (collecting the lines to check what refers to them,
    preparing every field of every row) was two thirds of the run's time. Only drafts get here
    (the callers refuse other states; the triggers refuse a closed run's lines besides), and
    adjustments only ever refer to lines of closed runs, so nothing refers to the rows deleted.
    """
    opts = ChargebackLine._meta
    fields = [opts.get_field(name) for name in _LINE_FIELDS]
    quote = connection.ops.quote_name
    insert = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(opts.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    adapt = connection.ops.adapt_decimalfield_value

    def decimal(name, value):
        field = opts.get_field(name)
        return adapt(value, field.max_digits, field.decimal_places)

    rows = [
        (
            run.pk,
            x.kind,
            x.unit_id,
            x.cost_centre,
            x.service_id,
            x.fee_rule_id,
            x.adjustment_id,
            x.description,
            decimal("quantity", x.quantity),
            decimal("unit_price", x.unit_price),
            decimal("amount", x.amount),
            decimal("vat_rate", x.vat_rate),
            decimal("vat", x.vat),
            x.account,
            x.revenue_account,
            x.vat_account,
            x.unit_name[:200],
            x.group_key,
            x.group_name[:200],
            x.group_cost_centre,
            x.group_is_company,
            x.revenue_cost_centre,
            x.revenue_unit_name[:200],
        )
        for x in lines
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM {} WHERE {} = %s".format(
                quote(opts.db_table), quote(opts.get_field("run").column)
            ),
            [run.pk],
        )
        for i in range(0, len(rows), BATCH):
            cursor.executemany(insert, rows[i : i + BATCH])


@transaction.atomic
def compute_run(organisation, period, *, actor):
    """Create or recompute the draft run of `organisation` for `period` ('YYYY-MM' or
    'YYYY-Qn'). Refuses a run that is approved or closed. Returns the run."""
    kind, start, end = parse_period(period)
    run = (
        ChargebackRun._base_manager.select_for_update()
        .filter(organisation=organisation, period_start=start)
        .first()
    )
    if run is not None:
        if run.kind != kind or run.period_end != end:
            raise ValidationError(
                _("%(run)s already covers %(start)s – %(end)s, which overlaps %(period)s.")
                % {"run": run, "start": run.period_start, "end": run.period_end, "period": period}
            )
        _refuse_unless(run, RunState.DRAFT)
    overlapping = ChargebackRun.objects.filter(
        organisation=organisation, period_start__lte=end, period_end__gte=start
    ).exclude(pk=getattr(run, "pk", None))
    if overlapping.exists():
        raise ValidationError(
            _("%(run)s already covers part of %(start)s – %(end)s.")
            % {"run": overlapping.first(), "start": start.isoformat(), "end": end.isoformat()}
        )
    created = run is None
    if created:
        run = ChargebackRun(
            organisation=organisation, kind=kind, period_start=start, period_end=end
        )
        core.create_object(run, actor=actor)
    # Locked, so that two runs computed at once cannot both book the same adjustment.
    adjustments = list(
        engine.pending_adjustments(organisation, start, run).select_for_update(of=("self",))
    )
    lines = engine.compute_lines(organisation, start, end, adjustments=adjustments)
    Adjustment.objects.filter(booked_in=run).exclude(pk__in=[a.pk for a in adjustments]).update(
        booked_in=None
    )
    Adjustment.objects.filter(pk__in=[a.pk for a in adjustments]).update(booked_in=run)
    _store(run, lines)
    totals = {
        "line_count": len(lines),
        "total_amount": sum((x.amount for x in lines), engine.Decimal(0)),
        "total_vat": sum((x.vat for x in lines), engine.Decimal(0)),
        "computed_at": timezone.now(),
    }
    _set_state(run, actor=actor, values=totals)
    return run


def _transition(run, *, actor, expected_version, needed, values):
    """Lock the run, check it is in state `needed`, write `values` with an audit row."""
    stored = _locked(run, expected_version)
    _refuse_unless(stored, needed)
    return _set_state(stored, caller=run, actor=actor, values=values)


@transaction.atomic
def approve_run(run, *, actor, expected_version=None):
    values = {
        "state": RunState.APPROVED,
        "approved_at": timezone.now(),
        "approved_by": _user(actor),
    }
    return _transition(
        run, actor=actor, expected_version=expected_version, needed=RunState.DRAFT, values=values
    )


@transaction.atomic
def reopen_run(run, *, actor, expected_version=None):
    """Send an approved run back to draft, for a recomputation."""
    values = {"state": RunState.DRAFT, "approved_at": None, "approved_by": None}
    return _transition(
        run, actor=actor, expected_version=expected_version, needed=RunState.APPROVED, values=values
    )


@transaction.atomic
def close_run(run, *, actor, expected_version=None):
    values = {"state": RunState.CLOSED, "closed_at": timezone.now(), "closed_by": _user(actor)}
    return _transition(
        run, actor=actor, expected_version=expected_version, needed=RunState.APPROVED, values=values
    )


@transaction.atomic
def delete_run(run, *, actor, expected_version=None):
    run = _locked(run, expected_version)
    _refuse_unless(run, RunState.DRAFT)
    Adjustment.objects.filter(booked_in=run).update(booked_in=None)
    ChargebackLine.objects.filter(run=run).delete()
    return core.delete_object(run, actor=actor, expected_version=run.version)


@transaction.atomic
def create_adjustment(line, *, amount, reason, actor):
    adjustment = Adjustment(original=line, amount=amount, reason=reason)
    return core.create_object(adjustment, actor=actor)


@transaction.atomic
def update_adjustment(adjustment, *, actor, data, expected_version=None):
    """Change an adjustment; one already booked in a draft recomputes that draft, so that its
    line follows. Booked in an approved or closed run, it can no longer change."""
    booked = adjustment.booked_in
    if booked is not None:
        booked = _locked(booked, booked.version)
        _refuse_unless(booked, RunState.DRAFT)
    core.update_object(adjustment, actor=actor, data=data, expected_version=expected_version)
    if booked is not None:
        compute_run(booked.organisation, booked.period_label, actor=actor)
    return adjustment


def totals(run):
    """Amount, VAT and line count summed from the stored lines (the run caches the same)."""
    row = ChargebackLine.objects.filter(run=run).aggregate(
        amount=Sum("amount"), vat=Sum("vat"), count=Count("pk")
    )
    zero = engine.Decimal(0)
    return {"amount": row["amount"] or zero, "vat": row["vat"] or zero, "count": row["count"]}
