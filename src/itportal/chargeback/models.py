"""Chargeback runs (who pays what, per period), their lines and adjustments, and the yearly
figures behind the cost KPIs.

A closed run never changes: the services refuse it, the admin shows it read-only, and database
triggers (migration 0002) refuse any UPDATE of a closed run and any INSERT, UPDATE or DELETE of
its lines. A correction is an `Adjustment` of a closed line, booked as a line of a later run.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itportal.catalogue.models import FINANCE_ROLES, ITFeeRule, Service, unit_scope
from itportal.core.dates import FIRST_YEAR, LAST_YEAR
from itportal.core.models import BaseModel
from itportal.core.permissions import RestrictedQuerySet
from itportal.core.roles import ANY_USER, Role
from itportal.organisation.models import Organisation, OrgUnit

CONTROLLERS = frozenset({Role.IT_ADMIN, Role.CONTROLLER})
MONEY = {"max_digits": 14, "decimal_places": 2}


class RunState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    CLOSED = "closed", _("Closed")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class LineKind(models.TextChoices):
    SERVICE = "service", _("Service")
    FEE = "fee", _("IT fee")
    ADJUSTMENT = "adjustment", _("Adjustment")


def _organisations_in_scope(user):
    q = unit_scope(user, "path")
    if q is None:
        return None
    return Q(organisation_id__in=OrgUnit.objects.filter(q).values("organisation_id"))


class ChargebackRun(BaseModel):
    """What an organisation's units pay for one month or quarter."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="chargeback_runs",
    )
    kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    state = models.CharField(
        _("state"), max_length=10, choices=RunState.choices, default=RunState.DRAFT
    )
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    total_amount = models.DecimalField(_("amount excl. VAT"), default=0, **MONEY)
    total_vat = models.DecimalField(_("VAT"), default=0, **MONEY)

    access_policy = {"view": FINANCE_ROLES, "add": FINANCE_ROLES, "change": FINANCE_ROLES}

    class Meta:
        ordering = ("-period_start", "organisation__name")
        verbose_name = _("chargeback run")
        verbose_name_plural = _("chargeback runs")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "period_start"), name="run_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="run_period_order"
            ),
        ]

    def __str__(self):
        return _("Chargeback %(period)s %(organisation)s") % {
            "period": self.period_label,
            "organisation": self.organisation,
        }

    def get_absolute_url(self):
        return reverse("chargeback:run_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, user, action):
        if action == "view":
            return _organisations_in_scope(user)
        return None

    @property
    def period_label(self):
        if self.kind == PeriodKind.QUARTER:
            return f"{self.period_start.year}-Q{(self.period_start.month - 1) // 3 + 1}"
        return f"{self.period_start:%Y-%m}"

    @property
    def total(self):
        return self.total_amount + self.total_vat

    @property
    def is_closed(self):
        return self.state == RunState.CLOSED

    @property
    def is_draft(self):
        return self.state == RunState.DRAFT


class ChargebackLine(models.Model):
    """One unit × service (× price) line of a run, an IT fee line, or an adjustment line.

    Written only by chargeback.services.compute_run, in bulk; the run's audit row records the
    totals. Quantities are in billing units × months (a device for half a month is 0.5).
    """

    # Only the (run, unit) index below: one index per foreign key made writing a large run's
    # lines twice as slow, and lines are looked up by run (and unit) only. Deleting a unit,
    # service or fee rule (rare) scans the lines to check that none refers to it.
    run = models.ForeignKey(
        ChargebackRun,
        verbose_name=_("run"),
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    cost_centre = models.CharField(_("cost centre"), max_length=20)
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    fee_rule = models.ForeignKey(
        ITFeeRule,
        verbose_name=_("IT fee rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    adjustment = models.OneToOneField(
        "Adjustment",
        verbose_name=_("adjustment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="line",
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=4)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    amount = models.DecimalField(_("amount excl. VAT"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    vat = models.DecimalField(_("VAT"), **MONEY)
    account = models.CharField(
        _("debit account"),
        max_length=10,
        help_text=_("The buyer's cost account, or receivables for a company."),
    )
    revenue_account = models.CharField(_("revenue account"), max_length=10)
    vat_account = models.CharField(_("VAT account"), max_length=10, blank=True)
    # What the exports need, as it was when the run was computed: a closed run's files stay the
    # same after a reorganisation, a renamed unit or a change of accounts.
    unit_name = models.CharField(_("unit"), max_length=200)
    group_key = models.CharField(_("invoice group"), max_length=40)
    group_name = models.CharField(_("invoice group"), max_length=200)
    group_cost_centre = models.CharField(_("cost centre of the invoice group"), max_length=20)
    group_is_company = models.BooleanField(_("company"), default=False)
    revenue_cost_centre = models.CharField(_("revenue cost centre"), max_length=20, blank=True)
    revenue_unit_name = models.CharField(_("delivering unit"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    access_policy = {"view": FINANCE_ROLES}

    class Meta:
        ordering = ("run", "id")
        verbose_name = _("chargeback line")
        verbose_name_plural = _("chargeback lines")
        indexes = [models.Index(fields=("run", "unit"), name="line_run_unit_idx")]

    def __str__(self):
        return f"{self.cost_centre} {self.description}: {self.amount}"

    def get_absolute_url(self):
        return reverse("chargeback:run_lines", args=[self.run_id]) + f"?unit={self.unit_id}"

    @classmethod
    def scope_q(cls, user, action):
        if action == "view":
            return unit_scope(user)
        return None

    @property
    def total(self):
        return self.amount + self.vat


class Adjustment(BaseModel):
    """A correction of a line of a closed run, booked as a line of a later run."""

    original = models.ForeignKey(
        ChargebackLine,
        verbose_name=_("corrects line"),
        on_delete=models.PROTECT,
        related_name="adjustments",
    )
    amount = models.DecimalField(
        _("amount excl. VAT"),
        help_text=_("Negative to credit the unit, positive to charge more."),
        **MONEY,
    )
    reason = models.CharField(_("reason"), max_length=300)
    booked_in = models.ForeignKey(
        ChargebackRun,
        verbose_name=_("booked in run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adjustments",
        help_text=_("Set when a later run is computed."),
    )

    access_policy = {"view": FINANCE_ROLES, "add": CONTROLLERS}

    class Meta:
        ordering = ("-created",)
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")

    def __str__(self):
        return _("Adjustment of %(line)s: %(amount)s") % {
            "line": self.original,
            "amount": self.amount,
        }

    def get_absolute_url(self):
        return reverse("chargeback:run_detail", args=[self.original.run_id])

    @classmethod
    def scope_q(cls, user, action):
        if action == "view":
            return unit_scope(user, "original__unit__path")
        return None

    def clean(self):
        if self.amount is not None and self.amount == 0:
            raise ValidationError({"amount": _("An adjustment of 0 kr changes nothing.")})
        if self.original_id and self.original.run.state != RunState.CLOSED:
            raise ValidationError(
                {
                    "original": _(
                        "Only lines of closed runs are adjusted; recompute a draft run instead."
                    )
                }
            )


class YearFigures(BaseModel):
    """Figures for the cost KPIs entered per organisation and year."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="year_figures",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    operating_cost = models.DecimalField(
        _("operating cost (SEK)"),
        validators=[MinValueValidator(0)],
        help_text=_("The organisation's total gross operating cost for the year."),
        **MONEY,
    )
    other_it_cost = models.DecimalField(
        _("other IT costs, keep running (SEK)"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("IT costs not charged through the catalogue, e.g. the units' own licences."),
        **MONEY,
    )
    development_cost = models.DecimalField(
        _("IT development costs (SEK)"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("IT development not charged through the catalogue, e.g. projects."),
        **MONEY,
    )
    inhabitants = models.PositiveIntegerField(
        _("inhabitants"),
        null=True,
        blank=True,
        help_text=_("On 31 December; empty: the organisation's figure."),
    )
    note = models.TextField(_("note"), blank=True)

    access_policy = {"view": {ANY_USER}, "add": FINANCE_ROLES, "change": FINANCE_ROLES}

    class Meta:
        ordering = ("organisation__name", "-year")
        verbose_name = _("year figures")
        verbose_name_plural = _("year figures")
        constraints = [
            models.UniqueConstraint(fields=("organisation", "year"), name="yearfigures_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}"

    def get_absolute_url(self):
        return reverse("chargeback:kpis") + f"?organisation={self.organisation_id}"


class PeerValue(models.Model):
    """A KPI value of another municipality, imported from its Kolada-shaped JSON file."""

    kpi = models.CharField(_("KPI"), max_length=20)
    municipality = models.CharField(_("municipality code"), max_length=10)
    municipality_name = models.CharField(_("municipality"), max_length=200, blank=True)
    period = models.PositiveSmallIntegerField(_("year"))
    gender = models.CharField(_("gender"), max_length=1, default="T")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    source = models.CharField(_("file"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    access_policy = {"view": {ANY_USER}, "import": FINANCE_ROLES}

    class Meta:
        ordering = ("kpi", "period", "municipality")
        verbose_name = _("peer KPI value")
        verbose_name_plural = _("peer KPI values")
        constraints = [
            models.UniqueConstraint(
                fields=("kpi", "municipality", "period", "gender"), name="peervalue_unique"
            ),
        ]

    def __str__(self):
        return f"{self.kpi} {self.municipality} {self.period}: {self.value}"

    def get_absolute_url(self):
        return reverse("chargeback:benchmark") + f"?kpi={self.kpi}"


def month_bounds(day):
    first = day.replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, nxt - datetime.timedelta(days=1)
