"""Saved filters of the agents' queue: the query string they keep (checked against the queue's
FilterSet), the services that write them (audited, one default per owner) and what the queue
needs of them (the visible filters in one query, the default when no filter is given)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from itportal.core.roles import Role, roles_of
from itportal.core.services import create_object, delete_object, update_object
from itportal.core.views import PER_PAGE_CHOICES
from itportal.servicedesk.filtersets import OPEN, TicketFilterSet
from itportal.servicedesk.models import SavedFilter, Ticket
from itportal.servicedesk.tables import TicketTable

FILTER_KEYS = tuple(TicketFilterSet.base_filters)  # q, kind, status, priority, group, …
TABLE_KEYS = ("sort", "per_page")  # kept with a filter: the order and length of the page
KNOWN_KEYS = (*FILTER_KEYS, *TABLE_KEYS)
MAX_LENGTH = SavedFilter._meta.get_field("querystring").max_length
DEFAULT_PER_PAGE = "50"  # ObjectListView's page length; the filter form always sends it


# --- The query string ------------------------------------------------------------------------
def canonical(query):
    """The query string of the known parameters of `query` (a QueryDict) in a fixed order.
    Empty values are left out, except an empty status (which means any status); without a
    status the queue shows the open tickets, so that is what is kept; the default page length
    is left out."""
    values = {key: query.get(key) for key in KNOWN_KEYS}  # in KNOWN_KEYS order, status too
    if values["status"] is None:
        values["status"] = OPEN
    if values["per_page"] == DEFAULT_PER_PAGE:
        values["per_page"] = None
    return urlencode(
        [(k, v) for k, v in values.items() if v is not None and (v != "" or k == "status")]
    )


def clean_querystring(text):
    """The canonical form of a saved filter's query string, or a ValidationError naming the
    parameters that are unknown or whose values the queue refuses."""
    text = text.strip().removeprefix("?")
    if len(text) > MAX_LENGTH:  # the field's own max_length reports it
        return text
    query = QueryDict(text)
    unknown = sorted(set(query) - set(KNOWN_KEYS))
    if unknown:
        raise ValidationError(
            _("Unknown filter parameters: %(names)s. The queue knows: %(known)s."),
            code="unknown",
            params={"names": ", ".join(unknown), "known": ", ".join(KNOWN_KEYS)},
        )
    problems = []
    filterset = TicketFilterSet(query, queryset=Ticket.objects.none())
    if not filterset.is_valid():
        for key, errors in filterset.errors.items():
            problems += [f"{key}: {error}" for error in errors]
    sort = query.get("sort", "")
    if sort and sort.removeprefix("-") not in TicketTable.base_columns:
        problems.append("sort: " + _("the queue cannot be sorted by %(value)s.") % {"value": sort})
    per_page = query.get("per_page", "")
    if per_page and per_page not in {str(n) for n in PER_PAGE_CHOICES}:
        choices = ", ".join(str(n) for n in PER_PAGE_CHOICES)
        problems.append("per_page: " + _("choose one of %(choices)s.") % {"choices": choices})
    if problems:
        raise ValidationError(problems)
    kept = canonical(query)
    MaxLengthValidator(MAX_LENGTH)(kept)  # percent-encoding may have made it longer
    return kept


# --- Writes ----------------------------------------------------------------------------------
def _clear_default(saved, actor):
    """Unmark the owner's other default (audited), so that the new one can be saved."""
    others = SavedFilter.objects.select_for_update().filter(owner_id=saved.owner_id)
    for other in others.filter(is_default=True).exclude(pk=saved.pk):
        update_object(other, actor=actor, data={"is_default": False})


@transaction.atomic
def create_filter(saved, *, actor):
    if saved.is_default:
        _clear_default(saved, actor)
    return create_object(saved, actor=actor)


def _check_default_by_owner(saved, actor, is_default):
    """Only its owner makes a filter their default (or unmarks it): an IT administrator who
    keeps a shared filter tidy does not change its owner's queue."""
    if actor is None or isinstance(actor, str) or actor.pk == saved.owner_id:
        return
    stored = SavedFilter.objects.filter(pk=saved.pk).values_list("is_default", flat=True)
    if is_default != stored.first():
        raise ValidationError(
            {"is_default": _("Only the owner of a filter can make it their default.")}
        )


@transaction.atomic
def update_filter(saved, *, actor, data=None, expected_version=None):
    is_default = (data or {}).get("is_default", saved.is_default)
    _check_default_by_owner(saved, actor, is_default)
    if is_default:
        _clear_default(saved, actor)
    return update_object(saved, actor=actor, data=data, expected_version=expected_version)


def delete_filter(saved, *, actor, expected_version=None):
    return delete_object(saved, actor=actor, expected_version=expected_version)


# --- The queue -------------------------------------------------------------------------------
def filters_of(user, action="view"):
    """The filters `user` may `action` among their own and those shared with them: IT
    administrators, who hold every row, change the shared filters of others but do not reach
    their private ones."""
    scope = SavedFilter.scope_q(user, "view")
    if scope is None:
        return SavedFilter.objects.none()
    return SavedFilter.objects.restrict(user, action).filter(scope)


def visible_filters(user):
    """The queue's list: the user's own filters and those shared with them (one query)."""
    return list(filters_of(user).select_related("owner", "group").order_by("name", "pk"))


def with_default(query, user, filters):
    """The queue's query: as given when it names a filter, else the user's default filter
    (among `filters`) with the given page, sort and columns kept."""
    if any(key in query for key in FILTER_KEYS):
        return query
    default = next((f for f in filters if f.owner_id == user.pk and f.is_default), None)
    if default is None:
        return query
    merged = QueryDict(default.querystring, mutable=True)
    for key in query:  # none is a filter key: the page, sort, page length and columns given
        merged.setlist(key, query.getlist(key))
    return merged


def queue_context(user, query, filters):
    """The queue's "My filters" and "Shared filters", which of them the user may edit and the
    current filter as a saved filter would keep it."""
    admin = Role.IT_ADMIN in roles_of(user)
    return {
        "my_filters": [f for f in filters if f.owner_id == user.pk],
        "shared_filters": [f for f in filters if f.owner_id != user.pk],
        "editable_filters": {f.pk for f in filters if admin or f.owner_id == user.pk},
        "current_filter": canonical(query),
    }
