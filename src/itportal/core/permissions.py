"""One place where rights are combined: `restrict(user, action)` and `can(...)`.

A model declares `access_policy`: for each action the global roles that hold it on every row
(`ANY_USER` for any logged-in user, `ANONYMOUS` for everybody). Rows reached through unit-scoped
roles or object roles come from the model's `scope_q(user, action)`, a Q over its own fields
(a subtree query on the org-unit path, never a loop per row). IT administrators hold every action.
"""

from django.db import models

from itportal.core.roles import ANONYMOUS, ANY_USER, Role, roles_of

ACTIONS = ("view", "add", "change", "delete", "import")


def policy_of(model, action):
    return frozenset(getattr(model, "access_policy", {}).get(action, ()))


def holds_globally(user, model, action):
    """True when the user's global roles grant `action` on every row of `model`."""
    allowed = policy_of(model, action)
    if ANONYMOUS in allowed:
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    roles = roles_of(user)
    return Role.IT_ADMIN in roles or ANY_USER in allowed or bool(roles & allowed)


def scope_q(user, model, action):
    """The Q of rows reachable through scoped roles, or None when there are none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    hook = getattr(model, "scope_q", None)
    return hook(user, action) if hook else None


def restrict_queryset(queryset, user, action="view"):
    model = queryset.model
    if holds_globally(user, model, action):
        return queryset
    q = scope_q(user, model, action)
    if q is None:
        return queryset.none()
    return queryset.filter(q)


def can(user, model, action, obj=None):
    """May `user` do `action` on `obj` (or, without obj, on at least some rows of `model`)?"""
    if holds_globally(user, model, action):
        return True
    q = scope_q(user, model, action)
    if q is None:
        return False
    if obj is None:
        return True
    return model._default_manager.filter(q, pk=obj.pk).exists()


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action="view"):
        return restrict_queryset(self, user, action)
