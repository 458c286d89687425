"""The IT service catalogue: services, their prices per year, who subscribes, and the IT fee.

Prices are monthly for the recurring billing units (device, user, GB, fixed per month) and per
unit for the one-time ones (hour, one-off). Amounts are without VAT; VAT is added for
companies when a chargeback run is computed (see chargeback.engine).
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itportal.catalogue.choices import (
    BillingUnit,
    Category,
    CostKind,
    FeeBasis,
    ServiceStatus,
    SubscriptionSource,
)
from itportal.core.dates import FIRST_YEAR, LAST_YEAR
from itportal.core.models import BaseModel
from itportal.core.roles import ANY_USER, STAFF_ROLES, Role
from itportal.organisation.choices import UnitRoleKind
from itportal.organisation.models import Organisation, OrgUnit, Person, scope_paths, subtree_q

FINANCE_ROLES = frozenset({*STAFF_ROLES, Role.CONTROLLER})
# Unit roles that may see their units' subscriptions and invoice bases.
READING_UNIT_ROLES = (
    UnitRoleKind.IT_COORDINATOR,
    UnitRoleKind.MANAGER,
    UnitRoleKind.CONTROLLER,
)
VAT_RATE = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}
ACCOUNT = {
    "max_length": 10,
    "blank": True,
    "validators": [
        RegexValidator(r"^\d{3,10}$", _("An account is a number of 3 to 10 digits, e.g. 6540."))
    ],
}


def unit_scope(user, field="unit__path"):
    """Rows of the units where `user` is IT coordinator, manager or controller, and below."""
    return subtree_q(scope_paths(user, READING_UNIT_ROLES), field)


def ranges_overlap(start_a, end_a, start_b, end_b):
    """Closed date ranges; an end of None runs for ever."""
    far = datetime.date.max
    return start_a <= (end_b or far) and start_b <= (end_a or far)


class Service(BaseModel):
    """An IT service the IT office delivers and charges for, such as "Dator som tjänst"."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short code used in exports and in the finance system, e.g. DST-BAS."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    included = models.TextField(_("what is included"), blank=True)
    excluded = models.TextField(_("what is not included"), blank=True)
    owner = models.ForeignKey(
        Person,
        verbose_name=_("service owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_services",
    )
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("delivering unit"),
        on_delete=models.PROTECT,
        related_name="delivered_services",
    )
    billing_unit = models.CharField(_("billing unit"), max_length=10, choices=BillingUnit.choices)
    cost_kind = models.CharField(
        _("cost kind"),
        max_length=20,
        choices=CostKind.choices,
        default=CostKind.KEEP_RUNNING,
        help_text=_("Whether the service keeps things running or develops them (cost KPIs)."),
    )
    systems = models.ManyToManyField(
        "registry.System", verbose_name=_("systems"), blank=True, related_name="services"
    )
    orderable = models.BooleanField(
        _("orderable"), default=False, help_text=_("Employees may order it from the catalogue.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        default=25,
        help_text=_("Charged to companies; internal units pay without VAT."),
        **VAT_RATE,
    )
    cost_account = models.CharField(
        _("cost account"),
        help_text=_("The buyer's account in the finance system; empty: the default."),
        **ACCOUNT,
    )
    revenue_account = models.CharField(
        _("revenue account"),
        help_text=_("The IT office's account in the finance system; empty: the default."),
        **ACCOUNT,
    )

    access_policy = {
        "view": {ANY_USER},
        "add": STAFF_ROLES,
        "change": STAFF_ROLES,
        "import": STAFF_ROLES,
    }

    class Meta:
        ordering = ("name",)
        verbose_name = _("IT service")
        verbose_name_plural = _("IT services")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:service_detail", args=[self.pk])

    @property
    def is_recurring(self):
        return self.billing_unit in BillingUnit.recurring()

    def clean(self):
        if self.orderable and self.status == ServiceStatus.RETIRED:
            raise ValidationError({"orderable": _("A retired service cannot be orderable.")})


class PriceList(BaseModel):
    """The prices of one calendar year."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    note = models.TextField(_("note"), blank=True)

    access_policy = {
        "view": {ANY_USER},
        "add": FINANCE_ROLES,
        "change": FINANCE_ROLES,
        "import": FINANCE_ROLES,
    }

    class Meta:
        ordering = ("-year",)
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")

    def __str__(self):
        return _("Price list %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("catalogue:pricelist_detail", args=[self.pk])


class Price(BaseModel):
    """A service's price from a date; `valid_to` empty means to the end of the year."""

    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.CASCADE, related_name="prices"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="prices"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    amount = models.DecimalField(
        _("price (SEK, excl. VAT)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("Per billing unit: per month for devices, users, GB and fixed monthly fees."),
    )

    access_policy = PriceList.access_policy

    class Meta:
        ordering = ("service__name", "valid_from")
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(
                fields=("service", "valid_from"), name="price_unique_service_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="price_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="price_not_negative"),
        ]

    def __str__(self):
        return f"{self.service} {self.valid_from:%Y-%m-%d}: {self.amount}"

    def get_absolute_url(self):
        return reverse("catalogue:pricelist_detail", args=[self.price_list_id])

    @property
    def end(self):
        """The last day the price applies."""
        return self.valid_to or datetime.date(self.price_list.year, 12, 31)

    def clean(self):
        errors = {}
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The price cannot end before it starts.")
        if self.price_list_id and self.valid_from:
            year = self.price_list.year
            if self.valid_from.year != year:
                errors["valid_from"] = _(
                    "The date must lie in %(year)s, the price list's year."
                ) % {"year": year}
            if self.valid_to and self.valid_to.year != year:
                errors["valid_to"] = _("The date must lie in %(year)s, the price list's year.") % {
                    "year": year
                }
        if errors:
            raise ValidationError(errors)
        if self.service_id and self.valid_from:
            end = self.valid_to or datetime.date(self.valid_from.year, 12, 31)
            others = Price.objects.filter(
                service_id=self.service_id, valid_from__year=self.valid_from.year
            ).exclude(pk=self.pk)
            for other in others.select_related("price_list"):
                if ranges_overlap(self.valid_from, end, other.valid_from, other.end):
                    raise ValidationError(
                        {
                            "valid_from": _(
                                "%(service)s already has a price from %(start)s to %(end)s; "
                                "price periods of a service cannot overlap. End that price "
                                "the day before this one starts."
                            )
                            % {
                                "service": self.service,
                                "start": other.valid_from.isoformat(),
                                "end": other.end.isoformat(),
                            }
                        }
                    )


class Subscription(BaseModel):
    """A unit (cost centre) takes `quantity` of a service from `start` to `end` (inclusive)."""

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit (cost centre)"),
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Last day; empty: open."))
    identifiers = models.TextField(
        _("devices or accounts"),
        blank=True,
        help_text=_(
            "The devices (serial numbers) or user accounts behind the quantity, one per line."
        ),
    )
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("Order or ticket number.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=SubscriptionSource.choices,
        default=SubscriptionSource.MANUAL,
    )

    access_policy = {
        "view": FINANCE_ROLES,
        "add": STAFF_ROLES,
        "change": STAFF_ROLES,
        "import": STAFF_ROLES,
    }

    class Meta:
        ordering = ("unit__name", "service__name", "start", "id")
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        indexes = [models.Index(fields=("start", "end"), name="subscription_period_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="subscription_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="subscription_quantity"),
        ]

    def __str__(self):
        return f"{self.unit} – {self.service} × {self.quantity}"

    def get_absolute_url(self):
        return reverse("catalogue:subscription_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, user, action):
        if action == "view":
            return unit_scope(user)
        return None

    @property
    def identifier_list(self):
        return [line.strip() for line in self.identifiers.splitlines() if line.strip()]

    def clean(self):
        errors = {}
        if self.end and self.start and self.end < self.start:
            errors["end"] = _(
                "The subscription cannot end (%(end)s) before it starts (%(start)s)."
            ) % {
                "end": self.end.isoformat(),
                "start": self.start.isoformat(),
            }
        if self.quantity is not None and self.quantity < 0:
            errors["quantity"] = _("The quantity cannot be negative.")
        items = self.identifier_list
        if items:
            duplicates = sorted({i for i in items if items.count(i) > 1})
            if duplicates:
                errors["identifiers"] = _("Listed twice: %(items)s.") % {
                    "items": ", ".join(duplicates)
                }
            elif (
                self.service_id
                and self.service.billing_unit in (BillingUnit.DEVICE, BillingUnit.USER)
                and self.quantity is not None
                and len(items) != self.quantity
            ):
                errors["identifiers"] = _(
                    "%(count)s devices or accounts are listed, but the quantity is %(quantity)s."
                ) % {"count": len(items), "quantity": self.quantity.normalize()}
        if errors:
            raise ValidationError(errors)


class ITFeeRule(BaseModel):
    """The flat IT fee (IT-avgift) an organisation's units pay, per employee or per account."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="it_fee_rules",
    )
    basis = models.CharField(_("basis"), max_length=10, choices=FeeBasis.choices)
    annual_amount = models.DecimalField(
        _("amount per year (SEK, excl. VAT)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        default=25,
        help_text=_("VAT is charged to companies; internal units pay none."),
        **VAT_RATE,
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    cost_account = models.CharField(_("cost account"), **ACCOUNT)
    revenue_account = models.CharField(_("revenue account"), **ACCOUNT)

    access_policy = {
        "view": FINANCE_ROLES,
        "add": FINANCE_ROLES,
        "change": FINANCE_ROLES,
    }

    class Meta:
        ordering = ("organisation__name", "-valid_from")
        verbose_name = _("IT fee rule")
        verbose_name_plural = _("IT fee rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="itfee_ends_after_start",
            ),
        ]

    def __str__(self):
        return _("IT fee %(organisation)s from %(start)s") % {
            "organisation": self.organisation,
            "start": self.valid_from.isoformat() if self.valid_from else "",
        }

    def get_absolute_url(self):
        return reverse("catalogue:itfeerule_list") + f"?organisation={self.organisation_id}"

    def clean(self):
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The rule cannot end before it starts.")})
        if self.organisation_id and self.valid_from:
            others = ITFeeRule.objects.filter(organisation_id=self.organisation_id).exclude(
                pk=self.pk
            )
            for other in others:
                if ranges_overlap(self.valid_from, self.valid_to, other.valid_from, other.valid_to):
                    raise ValidationError(
                        {
                            "valid_from": _(
                                "%(organisation)s already has an IT fee rule from %(start)s; "
                                "the rules of an organisation cannot overlap."
                            )
                            % {
                                "organisation": self.organisation,
                                "start": other.valid_from.isoformat(),
                            }
                        }
                    )
