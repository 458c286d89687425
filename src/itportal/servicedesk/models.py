"""The service desk: tickets (incidents, service requests, problems, questions), their replies,
notes and status history, attachments, assignment groups, the priority matrix, SLAs on business
hours calendars, and e-mail that could not become a ticket.

Writes go through servicedesk.services, which keep the status machine, the SLA clocks and the
audit log.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itportal.core.models import BaseModel
from itportal.core.permissions import RestrictedQuerySet
from itportal.core.roles import ANY_USER, STAFF_ROLES
from itportal.organisation.models import OrgUnit, Person, scope_paths, subtree_q
from itportal.servicedesk.choices import (
    OPEN_STATUSES,
    Approval,
    Channel,
    EntryKind,
    Kind,
    Level,
    Priority,
    Status,
)

DESK_POLICY = {"view": STAFF_ROLES, "add": STAFF_ROLES, "change": STAFF_ROLES}
EVES = (
    ("midsommarafton", _("Midsummer Eve")),
    ("julafton", _("Christmas Eve")),
    ("nyarsafton", _("New Year's Eve")),
    ("paskafton", _("Easter Eve")),
    ("trettondagsafton", _("Twelfth Night")),
    ("valborgsmassoafton", _("Walpurgis Night")),
)
DEFAULT_CLOSED_EVES = "midsommarafton,julafton,nyarsafton"


class Calendar(BaseModel):
    """Business hours: opening hours per weekday, Swedish public holidays and eves, local
    exceptions, in a time zone. SLA clocks run only while the calendar is open."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=50, default="Europe/Stockholm")
    public_holidays = models.BooleanField(_("closed on Swedish public holidays"), default=True)
    closed_eves = models.CharField(
        _("closed eves"),
        max_length=200,
        blank=True,
        default=DEFAULT_CLOSED_EVES,
        help_text=_("Comma-separated: midsommarafton, julafton, nyarsafton, paskafton, …"),
    )

    access_policy = DESK_POLICY

    class Meta:
        ordering = ("name",)
        verbose_name = _("business hours calendar")
        verbose_name_plural = _("business hours calendars")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # Calendars are kept in the Django admin (no portal page yet).
        return reverse("admin:servicedesk_calendar_change", args=[self.pk])

    def clean(self):
        known = {code for code, _label in EVES}
        unknown = sorted(set(self.eve_codes) - known)
        if unknown:
            raise ValidationError(
                {
                    "closed_eves": _("Unknown eve: %(eves)s. Known: %(known)s.")
                    % {"eves": ", ".join(unknown), "known": ", ".join(sorted(known))}
                }
            )

    @property
    def eve_codes(self):
        return [c.strip() for c in self.closed_eves.split(",") if c.strip()]


class OpeningHours(BaseModel):
    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight at the day's end."))

    access_policy = DESK_POLICY

    class Meta:
        ordering = ("calendar", "weekday", "opens")
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def get_absolute_url(self):
        return self.calendar.get_absolute_url()

    def clean(self):
        if (
            self.opens
            and self.closes
            and self.closes != datetime.time(0)
            and self.closes <= self.opens
        ):
            raise ValidationError({"closes": _("The desk must close after it opens.")})


class CalendarException(BaseModel):
    """A local exception: closed all day, or other opening hours on one date."""

    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("date"))
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    access_policy = DESK_POLICY

    class Meta:
        ordering = ("calendar", "date")
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        constraints = [
            models.UniqueConstraint(fields=("calendar", "date"), name="calendar_exception_date")
        ]

    def __str__(self):
        if self.opens is None:
            return _("%(date)s closed") % {"date": self.date}
        return f"{self.date} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def get_absolute_url(self):
        return self.calendar.get_absolute_url()

    def clean(self):
        if (self.opens is None) != (self.closes is None):
            raise ValidationError(
                _("Give both the opening and the closing time, or neither for a closed day.")
            )
        if (
            self.opens
            and self.closes
            and self.closes != datetime.time(0)
            and self.closes <= self.opens
        ):
            raise ValidationError({"closes": _("The desk must close after it opens.")})


class AssignmentGroup(BaseModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    email = models.EmailField(_("e-mail"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="desk_groups"
    )
    is_change_advisory_board = models.BooleanField(
        _("change advisory board"),
        default=False,
        help_text=_("Its members approve normal changes."),
    )

    access_policy = {"view": {ANY_USER}, "add": STAFF_ROLES, "change": STAFF_ROLES}

    class Meta:
        ordering = ("name",)
        verbose_name = _("assignment group")
        verbose_name_plural = _("assignment groups")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("servicedesk:ticket_list") + f"?group={self.pk}"


class PriorityRule(BaseModel):
    """One cell of the impact × urgency → priority matrix."""

    impact = models.PositiveSmallIntegerField(_("impact"), choices=Level.choices)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Level.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)

    access_policy = {"view": {ANY_USER}, "change": STAFF_ROLES}

    class Meta:
        ordering = ("impact", "urgency")
        verbose_name = _("priority rule")
        verbose_name_plural = _("priority matrix")
        constraints = [
            models.UniqueConstraint(fields=("impact", "urgency"), name="priority_rule_cell")
        ]

    def __str__(self):
        return f"{self.get_impact_display()} × {self.get_urgency_display()} → {self.priority}"

    def get_absolute_url(self):
        return reverse("servicedesk:ticket_list")


class SLA(BaseModel):
    """Response and resolution targets, in business time on a calendar, for a service (or all
    services: empty) and a priority."""

    service = models.ForeignKey(
        "catalogue.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="slas",
        help_text=_("Empty: every service without its own SLA."),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(
        _("response (business minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (business minutes)"), validators=[MinValueValidator(1)]
    )
    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="slas"
    )

    access_policy = {"view": {ANY_USER}, "add": STAFF_ROLES, "change": STAFF_ROLES}

    class Meta:
        ordering = ("service__name", "priority")
        verbose_name = _("SLA")
        verbose_name_plural = _("SLAs")
        constraints = [
            models.UniqueConstraint(fields=("service", "priority"), name="sla_service_priority"),
            models.UniqueConstraint(
                fields=("priority",),
                condition=Q(service__isnull=True),
                name="sla_default_priority",
            ),
        ]

    def __str__(self):
        service = self.service or _("all services")
        return _("SLA %(service)s, priority %(priority)s") % {
            "service": service,
            "priority": self.priority,
        }

    def get_absolute_url(self):
        return reverse("admin:servicedesk_sla_change", args=[self.pk])

    def clean(self):
        both = self.response_minutes and self.resolution_minutes
        if both and self.resolution_minutes < self.response_minutes:
            raise ValidationError(
                {"resolution_minutes": _("Resolution cannot come before the response.")}
            )


class TicketCounter(models.Model):
    """The last number given per prefix and year, for INC-2026-000123."""

    prefix = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("prefix", "year"), name="ticket_counter_unique")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


def _ticket_scope(user, action):
    """The requester sees their own tickets; coordinators and managers of units see (and,
    for requests, approve) their units' tickets."""
    if action != "view":
        return None
    q = Q(requester__user=user)
    paths = subtree_q(scope_paths(user), "unit__path")
    return q | paths if paths is not None else q


class Ticket(BaseModel):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )
    requester = models.ForeignKey(
        Person, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="tickets"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="tickets"
    )
    service = models.ForeignKey(
        "catalogue.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    system = models.ForeignKey(
        "registry.System",
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    device = models.CharField(
        _("device"), max_length=100, blank=True, help_text=_("Serial number or name.")
    )
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Level.choices, default=3)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Level.choices, default=3)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.PLANNING
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    group = models.ForeignKey(
        AssignmentGroup,
        verbose_name=_("assignment group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    opened_at = models.DateTimeField(_("opened"), db_index=True)
    responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # SLA: kept by servicedesk.sla.refresh() on every status change and by the breach task.
    sla = models.ForeignKey(
        SLA,
        verbose_name=_("SLA"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    response_breached = models.BooleanField(_("response breached"), default=False)
    resolution_breached = models.BooleanField(_("resolution breached"), default=False)
    warned_at = models.DateTimeField(_("breach warning sent"), null=True, blank=True)
    # Problems and known errors
    problem = models.ForeignKey(
        "self",
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
        limit_choices_to={"kind": Kind.PROBLEM},
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    workaround = models.TextField(_("workaround"), blank=True)
    known_error = models.BooleanField(_("known error"), default=False)
    # Service requests from the catalogue
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    approval = models.CharField(
        _("approval"), max_length=12, choices=Approval.choices, default=Approval.NOT_NEEDED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    subscription = models.ForeignKey(
        "catalogue.Subscription",
        verbose_name=_("subscription"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )

    access_policy = {"view": STAFF_ROLES, "add": {ANY_USER}, "change": STAFF_ROLES}
    # The clocks are derived (recomputed every few minutes); the history shows the events.
    audit_exclude = (
        *BaseModel.audit_exclude,
        "sla",
        "response_due",
        "resolution_due",
        "response_breached",
        "resolution_breached",
        "warned_at",
    )

    class Meta:
        ordering = ("-opened_at", "-id")
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=("status", "priority", "opened_at"), name="ticket_queue_idx"),
            models.Index(fields=("group", "status"), name="ticket_group_idx"),
            # Problems (a few hundred among 300,000 tickets) for the ticket page's lists.
            models.Index(fields=("kind", "opened_at"), name="ticket_kind_idx"),
            # Covers the SLA report: a year's tickets are counted from the index alone, however
            # they are grouped (service, group, month, priority).
            models.Index(
                fields=(
                    "opened_at",
                    "service",
                    "group",
                    "priority",
                    "sla",
                    "responded_at",
                    "response_breached",
                    "resolved_at",
                    "resolution_breached",
                ),
                name="ticket_sla_report_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | Q(resolved_at__isnull=False),
                name="ticket_closed_after_resolved",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("servicedesk:ticket_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, user, action):
        return _ticket_scope(user, action)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def clean(self):
        ordered = self.kind == Kind.REQUEST and self.service_id and self.quantity is None
        if ordered and self.service.orderable:
            raise ValidationError({"quantity": _("Say how many you order.")})


class TicketEntry(models.Model):
    """A public reply, an internal note or an event (status change, assignment) of a ticket."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_email = models.EmailField(_("sender"), blank=True)
    body = models.TextField(_("text"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )
    created = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    access_policy = DESK_POLICY

    class Meta:
        ordering = ("created", "id")
        verbose_name = _("ticket entry")
        verbose_name_plural = _("ticket entries")

    def __str__(self):
        return f"{self.ticket.number} {self.get_kind_display()}"

    def get_absolute_url(self):
        return self.ticket.get_absolute_url()

    @property
    def public(self):
        return self.kind == EntryKind.REPLY


class StatusChange(models.Model):
    """When a ticket entered a status: the basis of the SLA pauses and the reports."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    access_policy = DESK_POLICY

    class Meta:
        ordering = ("ticket", "at", "id")
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=("ticket", "at"), name="status_change_ticket_idx")]

    def __str__(self):
        return f"{self.ticket_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename):
    return f"tickets/{instance.ticket_id}/{filename}"


class Attachment(BaseModel):
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments"
    )
    entry = models.ForeignKey(
        TicketEntry,
        verbose_name=_("entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    access_policy = DESK_POLICY

    class Meta:
        ordering = ("created",)
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.ticket.get_absolute_url()

    @classmethod
    def scope_q(cls, user, action):
        q = _ticket_scope(user, action)
        if q is None:
            return None
        return Q(ticket__in=Ticket.objects.filter(q).values("pk"))


class IntakeMessage(models.Model):
    """An e-mail to the desk: processed into a ticket or a reply, ignored (an auto-reply), or
    kept because it could not become either, with the reason."""

    class Outcome(models.TextChoices):
        TICKET = "ticket", _("Became a ticket")
        REPLY = "reply", _("Became a reply")
        IGNORED = "ignored", _("Ignored (automatic reply)")
        FAILED = "failed", _("Could not be processed")

    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    message_id = models.CharField(_("message id"), max_length=300, blank=True, db_index=True)
    sender = models.CharField(_("sender"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    raw = models.BinaryField(_("message"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    error = models.TextField(_("reason"), blank=True)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    access_policy = DESK_POLICY

    class Meta:
        ordering = ("-received_at", "-id")
        verbose_name = _("incoming e-mail")
        verbose_name_plural = _("incoming e-mail")

    def __str__(self):
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.sender}: {self.subject}"

    def get_absolute_url(self):
        return reverse("servicedesk:intake_list")


# Changes, their approvals and blackout periods live in their own module (servicedesk/changes).
from itportal.servicedesk.models_change import *  # noqa: E402,F401,F403
from itportal.servicedesk.models_kb import *  # noqa: E402,F401,F403
from itportal.servicedesk.models_saved import *  # noqa: E402,F401,F403
