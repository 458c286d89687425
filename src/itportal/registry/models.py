from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itportal.core.dates import months_before
from itportal.core.models import BaseModel
from itportal.core.roles import READ_ROLES, STAFF_ROLES
from itportal.organisation.models import Body, OrgUnit, Person, Vendor, VendorContact
from itportal.registry.choices import (
    Frequency,
    IntegrationStatus,
    KlassaLevel,
    LicenceMetric,
    Lifecycle,
    OperatingForm,
    Scope,
    Technology,
)

STAFF_POLICY = {
    "view": READ_ROLES,
    "add": STAFF_ROLES,
    "change": STAFF_ROLES,
    "import": STAFF_ROLES,
}
MAX_NOTICE_MONTHS = 36
MONEY = {"max_digits": 12, "decimal_places": 2, "default": 0, "validators": [MinValueValidator(0)]}


def editable_system_ids(user):
    """Ids of the systems `user` may edit as holder of an active role that grants editing."""
    cache = getattr(user, "_itportal_system_ids", None)
    if cache is None:
        today = timezone.localdate()
        cache = frozenset(
            SystemRole.objects.filter(
                person__user=user,
                role_type__grants_edit=True,
            )
            .filter(Q(start__isnull=True) | Q(start__lte=today))
            .filter(Q(end__isnull=True) | Q(end__gte=today))
            .values_list("system_id", flat=True)
        )
        user._itportal_system_ids = cache  # per request: the login object lives that long
    return cache


def _system_scope(user, action, field):
    """Holders of an editing role see and edit their systems and the systems' parts (roles,
    usages, links, information, integrations); adding and deleting systems, and deleting
    parts, stays with IT staff and administrators."""
    if action not in ("view", "change", "add"):
        return None
    ids = editable_system_ids(user)
    return Q(**{f"{field}__in": ids}) if ids else None


class SystemPart:
    """Parts of a system (usages, links, roles, information) are shown on, and edited with the
    rights of, their system."""

    def get_absolute_url(self):
        return reverse("registry:system_detail", args=[self.system_id])

    @classmethod
    def scope_q(cls, user, action):
        return _system_scope(user, action, "system")


class RoleType(BaseModel):
    """A kind of responsibility for a system (systemägare, systemförvaltare, …); configurable."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    grants_edit = models.BooleanField(
        _("grants edit rights"),
        default=False,
        help_text=_("Holders may edit the system's facts, roles, integrations and classification."),
    )
    self_developed_only = models.BooleanField(_("only for self-developed systems"), default=False)
    vendor_side = models.BooleanField(
        _("held at the vendor"), default=False, help_text=_("Held by a vendor contact.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    access_policy = {"view": READ_ROLES}

    class Meta:
        ordering = ("sort_order", "name")
        verbose_name = _("role type")
        verbose_name_plural = _("role types")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:system_list") + f"?role_type={self.pk}"


class Capability(BaseModel):
    """A business capability (verksamhetsförmåga); a tree."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent capability"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)

    access_policy = STAFF_POLICY

    class Meta:
        ordering = ("name",)
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        constraints = [
            models.UniqueConstraint(fields=("parent", "name"), name="capability_unique_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:capability_detail", args=[self.pk])

    def clean(self):
        node, seen = self.parent, set()
        while node is not None and node.pk not in seen:
            if self.pk and node.pk == self.pk:
                raise ValidationError({"parent": _("A capability cannot lie below itself.")})
            seen.add(node.pk)
            node = node.parent


class Tag(BaseModel):
    name = models.CharField(_("name"), max_length=50, unique=True)

    access_policy = STAFF_POLICY

    class Meta:
        ordering = ("name",)
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:system_list") + f"?tag={self.pk}"


class System(BaseModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    aliases = models.CharField(
        _("aliases"), max_length=300, blank=True, help_text=_("Other names, comma-separated.")
    )
    description = models.TextField(_("description"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    vendor = models.ForeignKey(
        Vendor,
        verbose_name=_("vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="systems",
    )
    product = models.CharField(_("product"), max_length=200, blank=True)
    product_version = models.CharField(_("version of the product"), max_length=50, blank=True)
    lifecycle = models.CharField(
        _("lifecycle phase"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.OPERATION
    )
    in_operation_since = models.DateField(_("in operation since"), null=True, blank=True)
    planned_retirement = models.DateField(_("planned retirement"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.UNIT)
    scope_reason = models.CharField(
        _("reason for the scope"),
        max_length=300,
        blank=True,
        help_text=_("Required when the scope differs from what the usage suggests."),
    )
    technical_platform = models.BooleanField(
        _("part of the technical platform"),
        default=False,
        help_text=_("Operating system, antivirus, e-mail, network … (always shared)."),
    )
    operating_form = models.CharField(
        _("operating form"),
        max_length=20,
        choices=OperatingForm.choices,
        default=OperatingForm.IN_HOUSE,
    )
    hosting_country = models.CharField(
        _("hosting country"), max_length=2, default="SE", help_text=_("ISO code, e.g. SE, IE, US.")
    )
    hosting_region = models.CharField(_("hosting region"), max_length=100, blank=True)
    self_developed = models.BooleanField(_("self-developed"), default=False)
    product_board = models.ForeignKey(
        Body,
        verbose_name=_("product board"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
    )
    owning_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("owning unit"),
        on_delete=models.PROTECT,
        related_name="owned_systems",
    )
    capabilities = models.ManyToManyField(
        Capability, verbose_name=_("capabilities"), blank=True, related_name="systems"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="systems")
    cost_licence = models.DecimalField(_("annual licence cost"), **MONEY)
    cost_operation = models.DecimalField(_("annual operation cost"), **MONEY)
    cost_support = models.DecimalField(_("annual support cost"), **MONEY)
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)

    access_policy = STAFF_POLICY

    class Meta:
        ordering = ("name",)
        verbose_name = _("system")
        verbose_name_plural = _("systems")
        indexes = [models.Index(fields=("lifecycle", "name"), name="system_phase_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:system_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, user, action):
        # Role holders see and edit their systems; adding and deleting systems stays with staff.
        return _system_scope(user, action, "pk") if action in ("view", "change") else None

    @property
    def annual_cost(self):
        return self.cost_licence + self.cost_operation + self.cost_support

    def suggested_scope(self, administrations=None):
        """Shared when part of the technical platform or used by several administrations."""
        if self.technical_platform:
            return Scope.SHARED
        if administrations is None:
            administrations = self.using_administrations()
        return Scope.SHARED if administrations > 1 else Scope.UNIT

    def using_administrations(self):
        """How many administrations (or top units of companies) use the system."""
        rows = self.usages.values_list("unit__path", "unit__organisation__kind")
        return len(
            {administration_key(path, company=kind != "municipality") for path, kind in rows}
        )

    def clean(self):
        errors = {}
        self.hosting_country = (self.hosting_country or "").upper()
        if self.technical_platform:
            self.scope = Scope.SHARED
        if (
            self.in_operation_since
            and self.retired_on
            and self.retired_on < self.in_operation_since
        ):
            errors["retired_on"] = _("The system cannot retire before it went into operation.")
        if (
            self.in_operation_since
            and self.planned_retirement
            and self.planned_retirement < self.in_operation_since
        ):
            errors["planned_retirement"] = _(
                "The planned retirement lies before the system went into operation."
            )
        if self.lifecycle == Lifecycle.RETIRED and not self.retired_on:
            errors["retired_on"] = _("A retired system needs its retirement date.")
        if self.retired_on and self.lifecycle != Lifecycle.RETIRED:
            errors["lifecycle"] = _("A system with a retirement date must be in the retired phase.")
        if self.pk and not self.technical_platform:
            suggested = self.suggested_scope()
            if self.scope != suggested and not self.scope_reason.strip():
                errors["scope_reason"] = _(
                    "The usage suggests %(suggested)s; give a reason for choosing otherwise."
                ) % {"suggested": Scope(suggested).label}
        if self.product_board_id and not self.self_developed:
            errors["product_board"] = _("Only self-developed systems have a product board.")
        if errors:
            raise ValidationError(errors)


def administration_key(path, company=False):
    """The id of the unit a path falls under for grouping by administration: in a municipality
    the unit at depth 1 (the administration below its board), in a company the company's top
    unit (the company as a whole)."""
    parts = [p for p in path.split("/") if p]
    if company or len(parts) < 2:
        return parts[0] if parts else ""
    return parts[1]


class SystemUsage(SystemPart, BaseModel):
    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="usages"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="system_usages"
    )
    users = models.PositiveIntegerField(_("users"), default=0)

    access_policy = STAFF_POLICY

    class Meta:
        ordering = ("system", "unit__name")
        verbose_name = _("usage")
        verbose_name_plural = _("usages")
        constraints = [
            models.UniqueConstraint(
                fields=("system", "unit"),
                name="usage_unique_unit",
                violation_error_message=_("This unit is already listed as a user of the system."),
            )
        ]

    def __str__(self):
        return f"{self.unit} – {self.system}"


class SystemLink(SystemPart, BaseModel):
    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="links"
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"), max_length=500)
    is_document = models.BooleanField(_("document"), default=False)

    access_policy = STAFF_POLICY

    class Meta:
        ordering = ("system", "title")
        verbose_name = _("document or link")
        verbose_name_plural = _("documents and links")

    def __str__(self):
        return self.title


class SystemRole(SystemPart, BaseModel):
    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="roles"
    )
    role_type = models.ForeignKey(
        RoleType, verbose_name=_("role"), on_delete=models.PROTECT, related_name="assignments"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="system_roles",
    )
    vendor_contact = models.ForeignKey(
        VendorContact,
        verbose_name=_("vendor contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="system_roles",
    )
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("to"), null=True, blank=True)
    appointed_by = models.ForeignKey(
        Person,
        verbose_name=_("appointed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointed_roles",
    )

    access_policy = STAFF_POLICY

    class Meta:
        ordering = ("system", "role_type__sort_order", "start")
        verbose_name = _("system role")
        verbose_name_plural = _("system roles")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(vendor_contact__isnull=True))
                | (Q(person__isnull=True) & Q(vendor_contact__isnull=False)),
                name="systemrole_one_holder",
                violation_error_message=_("A role is held by a person or by a vendor contact."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="systemrole_end_after_start",
                violation_error_message=_("The role ends before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.role_type}: {self.holder} ({self.system})"

    @property
    def holder(self):
        return self.person or self.vendor_contact

    def is_active(self, on=None):
        on = on or timezone.localdate()
        return (self.start is None or self.start <= on) and (self.end is None or self.end >= on)

    def clean(self):
        errors = {}
        if self.role_type_id and self.system_id:
            if self.role_type.self_developed_only and not self.system.self_developed:
                errors["role_type"] = _("This role exists only for self-developed systems.")
            if self.role_type.vendor_side and self.person_id:
                errors["vendor_contact"] = _("This role is held at the vendor: choose a contact.")
        if self.person_id and not self.person.active and self.end is None:
            errors["person"] = _(
                "%(person)s has left; choose an active person or set an end date."
            ) % {"person": self.person}
        overlapping = SystemRole.objects.filter(
            system_id=self.system_id,
            role_type_id=self.role_type_id,
            person_id=self.person_id,
            vendor_contact_id=self.vendor_contact_id,
        ).exclude(pk=self.pk)
        if self.end:
            overlapping = overlapping.filter(Q(start__isnull=True) | Q(start__lte=self.end))
        if self.start:
            overlapping = overlapping.filter(Q(end__isnull=True) | Q(end__gte=self.start))
        if self.system_id and self.role_type_id and overlapping.exists():
            errors["__all__"] = _("%(holder)s already holds this role for this period.") % {
                "holder": self.holder
            }
        if errors:
            raise ValidationError(errors)


class Integration(BaseModel):
    """A directed flow of information from one system to another."""

    source = models.ForeignKey(
        System, verbose_name=_("from system"), on_delete=models.CASCADE, related_name="outgoing"
    )
    target = models.ForeignKey(
        System, verbose_name=_("to system"), on_delete=models.CASCADE, related_name="incoming"
    )
    information = models.CharField(_("information"), max_length=300)
    technology = models.CharField(_("technology"), max_length=20, choices=Technology.choices)
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.DAILY
    )
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="integrations",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=IntegrationStatus.choices,
        default=IntegrationStatus.ACTIVE,
    )
    description = models.TextField(_("description"), blank=True)

    access_policy = STAFF_POLICY

    class Meta:
        ordering = ("source__name", "target__name", "information")
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="integration_not_to_itself",
                violation_error_message=_("An integration must connect two different systems."),
            ),
            models.UniqueConstraint(
                fields=("source", "target", "information"),
                name="integration_unique",
                violation_error_message=_("This integration is already registered."),
            ),
        ]

    def __str__(self):
        return f"{self.source} → {self.target}: {self.information}"

    def get_absolute_url(self):
        return reverse("registry:integration_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, user, action):
        q = _system_scope(user, action, "source")
        return q | _system_scope(user, action, "target") if q is not None else None


class InformationAsset(SystemPart, BaseModel):
    """An information set held by a system, classified with KLASSA (K, R, T, S: 0–4)."""

    system = models.ForeignKey(
        System, verbose_name=_("system"), on_delete=models.CASCADE, related_name="information"
    )
    name = models.CharField(_("name"), max_length=200)
    confidentiality = models.PositiveSmallIntegerField(
        _("confidentiality"), choices=KlassaLevel.choices, default=KlassaLevel.MINOR
    )
    integrity = models.PositiveSmallIntegerField(
        _("integrity"), choices=KlassaLevel.choices, default=KlassaLevel.MINOR
    )
    availability = models.PositiveSmallIntegerField(
        _("availability"), choices=KlassaLevel.choices, default=KlassaLevel.MINOR
    )
    traceability = models.PositiveSmallIntegerField(
        _("traceability"), choices=KlassaLevel.choices, default=KlassaLevel.MINOR
    )
    personal_data = models.BooleanField(_("personal data"), default=False)
    sensitive_categories = models.CharField(
        _("sensitive categories"),
        max_length=300,
        blank=True,
        help_text=_("Special categories under GDPR art. 9, e.g. health, union membership."),
    )
    controller_board = models.ForeignKey(
        OrgUnit,
        verbose_name=_("controller (board)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="controlled_information",
        limit_choices_to={"kind": "board"},
    )
    processing_record = models.CharField(
        _("record of processing"),
        max_length=100,
        blank=True,
        help_text=_("Reference to the entry in the record of processing (registerförteckning)."),
    )
    retention = models.TextField(_("retention and archiving"), blank=True)
    classified_on = models.DateField(_("classified on"), null=True, blank=True)
    classified_by = models.ForeignKey(
        Person,
        verbose_name=_("classified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="classifications",
    )

    access_policy = STAFF_POLICY

    class Meta:
        ordering = ("system", "name")
        verbose_name = _("information asset")
        verbose_name_plural = _("information assets")
        constraints = [
            models.UniqueConstraint(fields=("system", "name"), name="information_unique_name")
        ]

    def __str__(self):
        return f"{self.name} ({self.system})"

    @property
    def klassa(self):
        return (
            f"K{self.confidentiality} R{self.integrity} T{self.availability} S{self.traceability}"
        )

    def clean(self):
        if self.sensitive_categories and not self.personal_data:
            raise ValidationError(
                {"personal_data": _("Sensitive categories are personal data; tick personal data.")}
            )


class Contract(BaseModel):
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("contract number"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    systems = models.ManyToManyField(
        System, verbose_name=_("systems"), blank=True, related_name="contracts"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    notice_months = models.PositiveSmallIntegerField(
        _("notice period (months)"),
        default=3,
        validators=[MaxValueValidator(MAX_NOTICE_MONTHS)],
    )
    extension_options = models.CharField(_("extension options"), max_length=200, blank=True)
    annual_value = models.DecimalField(_("annual value"), **MONEY)
    procurement_reference = models.CharField(_("procurement reference"), max_length=100, blank=True)
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )

    access_policy = STAFF_POLICY

    class Meta:
        ordering = ("end", "number")
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(fields=("vendor", "number"), name="contract_unique_number"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="contract_end_after_start",
                violation_error_message=_("The contract ends before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("registry:contract_detail", args=[self.pk])

    @property
    def notice_date(self):
        """The last day to give notice before the contract ends (None if open-ended)."""
        if self.end is None:
            return None
        return months_before(self.end, self.notice_months, keep_month_end=True)

    def notice_passed(self, today=None):
        """True while the contract runs but the last day to give notice has passed."""
        today = today or timezone.localdate()
        return self.end is not None and self.notice_date < today <= self.end


class Licence(BaseModel):
    product = models.CharField(_("product"), max_length=200)
    vendor = models.ForeignKey(
        Vendor,
        verbose_name=_("vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="licences",
    )
    system = models.ForeignKey(
        System,
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="licences",
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="licences",
    )
    metric = models.CharField(_("metric"), max_length=20, choices=LicenceMetric.choices)
    entitlements = models.PositiveIntegerField(_("entitlements"), default=0)
    annual_cost = models.DecimalField(_("annual cost"), **MONEY)
    units = models.ManyToManyField(
        OrgUnit, verbose_name=_("units sharing it"), blank=True, related_name="licences"
    )
    group_wide = models.BooleanField(_("group-wide"), default=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    access_policy = STAFF_POLICY

    class Meta:
        ordering = ("product",)
        verbose_name = _("licence")
        verbose_name_plural = _("licences")

    def __str__(self):
        return self.product

    def get_absolute_url(self):
        return reverse("registry:licence_detail", args=[self.pk])

    def is_active(self, on=None):
        on = on or timezone.localdate()
        return self.valid_until is None or self.valid_until >= on


class ComplianceSnapshot(models.Model):
    """Daily counts of findings per rule and administration, for the trend over time."""

    date = models.DateField(_("date"), db_index=True)
    rule = models.CharField(_("rule"), max_length=50)
    administration = models.ForeignKey(
        OrgUnit,
        verbose_name=_("administration"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    count = models.PositiveIntegerField(_("findings"))

    access_policy = {"view": READ_ROLES}

    class Meta:
        ordering = ("date", "rule")
        verbose_name = _("compliance snapshot")
        verbose_name_plural = _("compliance snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=("date", "rule", "administration"), name="snapshot_unique"
            )
        ]

    def __str__(self):
        return f"{self.date} {self.rule}: {self.count}"
