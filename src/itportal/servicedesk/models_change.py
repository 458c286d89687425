"""Changes (standard, normal, emergency), their approvals and blackout periods.

Writes go through servicedesk.changes (status machine, derived approvers, audit rows). This
module is imported at the end of servicedesk.models; it refers to that module's models by
string only, so that it never imports it back.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from itportal.core.dates import FIRST_YEAR, LAST_YEAR
from itportal.core.models import BaseModel
from itportal.core.roles import ANY_USER, STAFF_ROLES

__all__ = [
    "Blackout",
    "Change",
    "ChangeApproval",
    "ChangeKind",
    "ChangeRisk",
    "ChangeStatus",
    "Decision",
]

CHANGE_PREFIX = "CHG"  # CHG-2026-000123, numbered in the tickets' TicketCounter table


class ChangeKind(models.TextChoices):
    STANDARD = "standard", _("Standard (pre-approved)")
    NORMAL = "normal", _("Normal")
    EMERGENCY = "emergency", _("Emergency")


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IMPLEMENTED = "implemented", _("Implemented")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ChangeRisk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


def approvals_of(user):
    """The approvals `user` is asked for: as the approver, as the person, or as a member of
    the change advisory board the approval is asked of."""
    return Q(approver=user) | Q(person__user=user) | Q(board__members=user)


def _change_scope(user, action):
    """Approvers (system owners, board members) and the requester see the change."""
    if action != "view":
        return None
    asked = ChangeApproval.objects.filter(approvals_of(user)).values("change_id")
    return Q(requested_by=user) | Q(pk__in=asked)


def _check_years(values):
    """Refuse times outside 2000–2100: a typing error, and before 1900 not even a valid time
    in Europe/Stockholm (local mean time)."""
    errors = {
        name: _("Give a time between %(first)s and %(last)s.")
        % {"first": FIRST_YEAR, "last": LAST_YEAR}
        for name, value in values.items()
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR
    }
    if errors:
        raise ValidationError(errors, code="year")


class Change(BaseModel):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=ChangeKind.choices, default=ChangeKind.NORMAL
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ChangeStatus.choices,
        default=ChangeStatus.DRAFT,
        db_index=True,
    )
    risk = models.CharField(
        _("risk"), max_length=10, choices=ChangeRisk.choices, default=ChangeRisk.MEDIUM
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="requested_changes",
    )
    systems = models.ManyToManyField(
        "registry.System",
        verbose_name=_("systems"),
        blank=True,
        related_name="changes",
        help_text=_("Touched directly; the impact analysis adds their dependents."),
    )
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    implemented_at = models.DateTimeField(_("implemented"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    backout_plan = models.TextField(_("backout plan"), blank=True)

    access_policy = {"view": STAFF_ROLES, "add": STAFF_ROLES, "change": STAFF_ROLES}

    class Meta:
        ordering = ("-planned_start", "-id")
        verbose_name = pgettext_lazy("change management", "change")
        verbose_name_plural = pgettext_lazy("change management", "changes")
        indexes = [models.Index(fields=("planned_start", "planned_end"), name="change_window_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gt=F("planned_start")),
                name="change_window_ends_after_start",
                violation_error_message=_("The planned window must end after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("servicedesk:change_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, user, action):
        return _change_scope(user, action)

    def clean(self):
        start, end = self.planned_start, self.planned_end
        _check_years({"planned_start": start, "planned_end": end})
        if start and end and end <= start:
            raise ValidationError(
                {
                    "planned_end": _(
                        "The planned end (%(end)s) must come after the planned start (%(start)s)."
                    )
                    % {"end": _local(end), "start": _local(start)}
                },
                code="window",
            )

    @property
    def window(self):
        return (self.planned_start, self.planned_end)


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class ChangeApproval(BaseModel):
    """One approval asked of a system owner (a person, with a login or not) or of a change
    advisory board (any member decides for the board)."""

    change = models.ForeignKey(
        Change,
        verbose_name=pgettext_lazy("change management", "change"),
        on_delete=models.CASCADE,
        related_name="approvals",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_approvals",
    )
    person = models.ForeignKey(
        "organisation.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_approvals",
    )
    board = models.ForeignKey(
        "servicedesk.AssignmentGroup",
        verbose_name=_("change advisory board"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_approvals",
    )
    reason = models.CharField(_("reason"), max_length=300)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who recorded it (IT admin for an owner without a login)."),
    )
    comment = models.TextField(_("comment"), blank=True)
    after_the_fact = models.BooleanField(
        _("after the fact"),
        default=False,
        help_text=_("An emergency change: implemented first, approved afterwards."),
    )

    access_policy = {"view": STAFF_ROLES, "change": STAFF_ROLES}

    class Meta:
        ordering = ("change", "board", "id")
        verbose_name = _("change approval")
        verbose_name_plural = _("change approvals")
        constraints = [
            models.CheckConstraint(
                condition=Q(approver__isnull=False)
                | Q(person__isnull=False)
                | Q(board__isnull=False),
                name="change_approval_asked_of_someone",
                violation_error_message=_("An approval is asked of a person or a board."),
            )
        ]

    def __str__(self):
        return _("%(who)s on %(change)s") % {"who": self.asked_of, "change": self.change.number}

    def get_absolute_url(self):
        return self.change.get_absolute_url()

    @classmethod
    def scope_q(cls, user, action):
        if action != "view":
            return None
        return Q(pk__in=ChangeApproval.objects.filter(approvals_of(user)).values("pk"))

    @property
    def asked_of(self):
        if self.board_id:
            return self.board
        if self.person_id:
            return self.person
        return self.approver.get_full_name() or self.approver.get_username()

    @property
    def pending(self):
        return self.decision == Decision.PENDING


class Blackout(BaseModel):
    """A period when no change may be made to some systems (or to all: no systems named),
    such as the monthly payroll run."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    systems = models.ManyToManyField(
        "registry.System",
        verbose_name=_("systems"),
        blank=True,
        related_name="blackouts",
        help_text=_("Empty: every system."),
    )

    access_policy = {"view": {ANY_USER}, "add": STAFF_ROLES, "change": STAFF_ROLES}

    class Meta:
        ordering = ("start", "id")
        verbose_name = _("blackout period")
        verbose_name_plural = _("blackout periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="blackout_ends_after_start",
                violation_error_message=_("The blackout period must end after it starts."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("servicedesk:blackout_detail", args=[self.pk])

    def clean(self):
        _check_years({"start": self.start, "end": self.end})
        if self.start and self.end and self.end <= self.start:
            raise ValidationError(
                {
                    "end": _("The end (%(end)s) must come after the start (%(start)s).")
                    % {"end": _local(self.end), "start": _local(self.start)}
                },
                code="window",
            )
