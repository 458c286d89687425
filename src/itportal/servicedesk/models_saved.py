"""What a login keeps for itself: the agents' saved queue filters and the personal token of the
change calendar's iCalendar feed.

Writes go through servicedesk.saved_filters and servicedesk.feeds (audited). This module is
imported at the end of servicedesk.models; it refers to that module's models by string only.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itportal.core.models import BaseModel
from itportal.core.roles import STAFF_ROLES, roles_of

__all__ = ["FeedToken", "SavedFilter", "Visibility"]


def _is_agent(user):
    return bool(roles_of(user) & STAFF_ROLES)


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me")
    DESK = "desk", _("The whole desk")
    GROUP = "group", _("An assignment group")


class SavedFilter(BaseModel):
    """A named query string of the agents' queue. Its owner sees it, and so does the desk or
    the members of an assignment group when it is shared; only its owner (and IT
    administrators) may change or delete it. One of the owner's filters may be their default,
    which the queue opens with when no filter is given."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_filters",
        editable=False,
    )
    name = models.CharField(_("name"), max_length=100)
    querystring = models.CharField(
        _("filter"),
        max_length=1000,
        help_text=_("The queue's filter as a query string, e.g. status=open&priority=1."),
    )
    visibility = models.CharField(
        _("shared with"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    group = models.ForeignKey(
        "servicedesk.AssignmentGroup",
        verbose_name=_("assignment group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Only when shared with an assignment group."),
    )
    is_default = models.BooleanField(
        _("open the queue with this filter"),
        default=False,
        help_text=_("Your default filter; the queue shows it when you give no other filter."),
    )

    access_policy = {}  # IT administrators hold every action; agents reach rows by scope_q

    class Meta:
        ordering = ("name", "pk")
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="saved_filter_name_per_owner"),
            models.UniqueConstraint(
                fields=("owner",), condition=Q(is_default=True), name="saved_filter_one_default"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('servicedesk:ticket_list')}?{self.querystring}"

    @classmethod
    def scope_q(cls, user, action):
        """Agents see their own filters and those shared with the desk or with a group they
        belong to; they change and delete only their own."""
        if not _is_agent(user):
            return None
        own = Q(owner=user)
        if action != "view":
            return own
        groups = user.desk_groups.values("pk")
        shared = Q(visibility=Visibility.DESK) | Q(visibility=Visibility.GROUP, group__in=groups)
        return own | shared

    @classmethod
    def from_db(cls, db, field_names, values):
        saved = super().from_db(db, field_names, values)
        saved._stored_querystring = saved.__dict__.get("querystring")
        return saved

    def clean(self):
        from itportal.servicedesk.saved_filters import clean_querystring

        errors = {}
        # A stored query string is checked again only when it is changed: one that no longer
        # fits the queue (an agent who left, a group deleted) can still be renamed, shared or
        # unmarked as the default; the queue shows what is wrong with it.
        if self.querystring and self.querystring != getattr(self, "_stored_querystring", None):
            try:
                self.querystring = clean_querystring(self.querystring)
            except ValidationError as exc:
                errors["querystring"] = exc.messages
        if self.visibility == Visibility.GROUP and self.group_id is None:
            errors["group"] = [_("Choose the assignment group to share the filter with.")]
        elif self.visibility != Visibility.GROUP:
            self.group = None
        if self.name and self.owner_id is not None:
            taken = SavedFilter.objects.filter(owner_id=self.owner_id, name__iexact=self.name)
            if taken.exclude(pk=self.pk).exists():
                errors["name"] = [
                    _("You already have a filter named “%(name)s”.") % {"name": self.name}
                ]
        if errors:
            raise ValidationError(errors)


class FeedToken(BaseModel):
    """A login's secret for subscribing to the change calendar without a session (Outlook,
    Thunderbird). Only the SHA-256 of the token is stored: the address is shown once, when it
    is made, and a lost one is replaced by making a new one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed_token",
        editable=False,
    )
    key_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True, editable=False)

    access_policy = {}  # IT administrators hold every action; everybody else their own row

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self):
        return _("Calendar feed of %(user)s") % {"user": self.user.get_username()}

    def get_absolute_url(self):
        return reverse("servicedesk:change_calendar")

    @classmethod
    def scope_q(cls, user, action):
        return Q(user=user)
