from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itportal.core.models import BaseModel
from itportal.core.roles import READ_ROLES, STAFF_ROLES, Role
from itportal.organisation.choices import (
    BodyKind,
    MemberRole,
    OrganisationKind,
    UnitKind,
    UnitRoleKind,
)
from itportal.organisation.validators import (
    normalise_org_number,
    validate_municipality_code,
    validate_org_number,
)

EDITING_UNIT_ROLES = (UnitRoleKind.IT_COORDINATOR, UnitRoleKind.MANAGER)


def scope_paths(user, kinds=EDITING_UNIT_ROLES):
    """Paths of the org units where `user` holds one of `kinds`, cached on the user object."""
    cache = getattr(user, "_itportal_scope_paths", None)
    if cache is None:
        cache = {}
        user._itportal_scope_paths = cache  # per request: the login object lives that long
    key = tuple(sorted(kinds))
    if key not in cache:
        cache[key] = tuple(
            UnitRole.objects.filter(user=user, kind__in=kinds).values_list("unit__path", flat=True)
        )
    return cache[key]


def subtree_q(paths, field="path"):
    """Q for rows whose `field` path lies in one of the given subtrees, or None."""
    if not paths:
        return None
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths))


class Organisation(BaseModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    org_number = models.CharField(
        _("organisation number"),
        max_length=11,
        unique=True,
        validators=[validate_org_number],
        help_text=_("Swedish organisation number, NNNNNN-NNNN."),
    )
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=4,
        blank=True,
        validators=[validate_municipality_code],
        help_text=_("Four-digit municipality code (kommunkod), for municipalities."),
    )
    owner = models.ForeignKey(
        "self",
        verbose_name=_("owned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned",
    )
    inhabitants = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    access_policy = {"view": READ_ROLES}

    class Meta:
        ordering = ("name",)
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:organisation_detail", args=[self.pk])

    def clean(self):
        if self.org_number:
            self.org_number = normalise_org_number(self.org_number)
        if self.kind == OrganisationKind.MUNICIPALITY and not self.municipality_code:
            raise ValidationError(
                {"municipality_code": _("A municipality needs its municipality code.")}
            )
        owner, seen = self.owner, set()
        while owner is not None and owner.pk not in seen:
            if self.pk and owner.pk == self.pk:
                raise ValidationError(
                    {"owner": _("An organisation cannot own itself, directly or through others.")}
                )
            seen.add(owner.pk)
            owner = owner.owner


class OrgUnit(BaseModel):
    """A unit of the municipal organisation tree (board, administration, office, …)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    cost_centre = models.CharField(
        _("cost centre"),
        max_length=20,
        help_text=_("The unit's cost centre (kostnadsställe/ansvar) in the finance system."),
    )
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    manager = models.ForeignKey(
        "Person",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_units",
    )
    active = models.BooleanField(_("active"), default=True)
    # Materialised path of primary keys, "/12/40/57/": subtree queries are one LIKE.
    path = models.CharField(_("path"), max_length=500, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=0)

    audit_exclude = (*BaseModel.audit_exclude, "path", "depth")

    access_policy = {
        "view": READ_ROLES,
        "add": STAFF_ROLES,
        "change": STAFF_ROLES,
        "import": STAFF_ROLES,
    }

    class Meta:
        ordering = ("path",)
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "cost_centre"), name="orgunit_unique_cost_centre"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:orgunit_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, user, action):
        if action in ("change", "add", "import"):
            return subtree_q(scope_paths(user))
        return None

    def clean(self):
        if self.pk and self.organisation_id:
            stored = OrgUnit.objects.filter(pk=self.pk).values_list("organisation_id", flat=True)
            moved = stored.first() not in (None, self.organisation_id)
            if moved and OrgUnit.objects.filter(parent_id=self.pk).exists():
                raise ValidationError(
                    {
                        "organisation": _(
                            "A unit with units below it cannot move to another organisation; "
                            "move or remove the units below it first."
                        )
                    }
                )
        if self.parent_id is None:
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A unit cannot be its own parent.")})
        parent = self.parent
        if self.pk and self.path and parent.path.startswith(self.path):
            raise ValidationError(
                {
                    "parent": _(
                        "%(parent)s lies below %(unit)s in the tree; moving the unit there "
                        "would make a cycle."
                    )
                    % {"parent": parent, "unit": self}
                }
            )
        if self.organisation_id and parent.organisation_id != self.organisation_id:
            raise ValidationError({"parent": _("The parent unit belongs to another organisation.")})


class Person(BaseModel):
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=150, blank=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people"
    )
    active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    access_policy = {
        "view": READ_ROLES,
        "add": STAFF_ROLES,
        "change": STAFF_ROLES,
        "import": STAFF_ROLES,
    }

    class Meta:
        ordering = ("last_name", "first_name", "id")
        indexes = [models.Index(fields=("last_name", "first_name", "id"), name="person_name_idx")]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self):
        return reverse("organisation:person_detail", args=[self.pk])

    @property
    def name(self):
        return str(self)

    @classmethod
    def scope_q(cls, user, action):
        if action in ("change", "add", "import"):
            return subtree_q(scope_paths(user), "unit__path")
        return None

    def clean(self):
        if self.email:
            self.email = self.email.strip().lower()


class Vendor(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(
        _("organisation number"),
        max_length=11,
        blank=True,
        validators=[validate_org_number],
        help_text=_("Swedish organisation number; leave empty for a foreign vendor."),
    )
    country = models.CharField(_("country"), max_length=2, default="SE")
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    access_policy = {
        "view": READ_ROLES,
        "add": STAFF_ROLES,
        "change": STAFF_ROLES,
        "import": STAFF_ROLES,
    }

    class Meta:
        ordering = ("name",)
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        constraints = [
            models.UniqueConstraint(
                fields=("org_number",),
                condition=~Q(org_number=""),
                name="vendor_unique_org_number",
                violation_error_message=_("Another vendor has this organisation number."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:vendor_detail", args=[self.pk])

    def clean(self):
        if self.org_number:
            self.org_number = normalise_org_number(self.org_number)
        self.country = (self.country or "").upper()
        if self.country == "SE" and not self.org_number:
            raise ValidationError(
                {"org_number": _("A Swedish vendor needs its organisation number.")}
            )


class VendorContact(BaseModel):
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    access_policy = {"view": READ_ROLES, "add": STAFF_ROLES, "change": STAFF_ROLES}

    class Meta:
        ordering = ("vendor__name", "name")
        verbose_name = _("vendor contact")
        verbose_name_plural = _("vendor contacts")

    def __str__(self):
        return f"{self.name} ({self.vendor})"

    def get_absolute_url(self):
        return reverse("organisation:vendor_detail", args=[self.vendor_id])


class Body(BaseModel):
    """A decision-making or advisory body: KF, KS, KDL, service council, boards, groups."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="bodies",
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    access_policy = {"view": READ_ROLES, "add": STAFF_ROLES, "change": STAFF_ROLES}

    class Meta:
        ordering = ("organisation__name", "name")
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.UniqueConstraint(fields=("organisation", "name"), name="body_unique_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:body_detail", args=[self.pk])


class BodyMembership(BaseModel):
    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("to"), null=True, blank=True)

    access_policy = {"view": READ_ROLES, "add": STAFF_ROLES, "change": STAFF_ROLES}

    class Meta:
        ordering = ("body", "role", "person__last_name")
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=("body", "person"), name="membership_unique_person"),
            models.UniqueConstraint(
                fields=("body",),
                condition=Q(role="chair"),
                name="membership_one_chair",
                violation_error_message=_("The body already has a chair."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="membership_end_after_start",
                violation_error_message=_("The membership ends before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()} ({self.body})"

    def get_absolute_url(self):
        return reverse("organisation:body_detail", args=[self.body_id])


class UnitRole(BaseModel):
    """A unit-scoped role: the user acts for this unit and every unit below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.CASCADE,
        related_name="unit_roles",
    )
    kind = models.CharField(_("role"), max_length=20, choices=UnitRoleKind.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="unit_roles"
    )

    access_policy = {"view": {Role.IT_ADMIN, Role.IT_STAFF}}

    class Meta:
        ordering = ("user__username", "kind")
        verbose_name = _("unit role")
        verbose_name_plural = _("unit roles")
        constraints = [
            models.UniqueConstraint(fields=("user", "kind", "unit"), name="unitrole_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()} – {self.unit}"
