"""Access rules that every URL declares, checked by the views and enumerated by the tests.

A rule is one of:
- `Public()`: anybody, also without a login (login page, language switch, health check);
- `LoggedIn()`: any logged-in user (home page, own profile, logout);
- `ModelAction(model, action)`: the user must hold `action` on `model` through
  `core.permissions` (global role, unit-scoped role or object role). For views on one object
  the object itself is looked up through `restrict()` too;
- `Roles(...)`: one of the named global roles (e.g. the global change log: IT administrators).
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from itportal.core.permissions import can
from itportal.core.roles import Role, roles_of


@dataclass(frozen=True)
class Public:
    public = True

    def allows(self, user):
        return True


@dataclass(frozen=True)
class LoggedIn:
    public = False

    def allows(self, user):
        return user.is_authenticated and user.is_active


@dataclass(frozen=True)
class ModelAction:
    model: type
    action: str
    public = False

    def allows(self, user):
        return can(user, self.model, self.action)


@dataclass(frozen=True)
class Roles:
    roles: frozenset
    public = False

    def allows(self, user):
        if not (user.is_authenticated and user.is_active):
            return False
        held = roles_of(user)
        return Role.IT_ADMIN in held or bool(held & self.roles)


def rule_of(callback):
    """The access rule of a resolved URL callback (function or class-based view), or None."""
    rule = getattr(callback, "access_rule", None)
    if rule is None:
        view_class = getattr(callback, "view_class", None)
        rule = getattr(view_class, "access_rule", None)
    return rule


def with_rule(rule):
    """Decorator for function views: declare their rule and enforce it (anonymous → login,
    others without the right → 403)."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not rule.allows(request.user):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.access_rule = rule
        return guarded

    return decorate
