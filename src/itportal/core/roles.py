"""The roles of IT-portalen.

Global roles are Django groups named by the `Role` values. Unit-scoped roles (IT coordinator,
manager, controller for some org units and their subtrees) live in `organisation.UnitRole`
and reach the permission layer through each model's `scope_q()`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    IT_ADMIN = "it_admin", _("IT administrator")
    IT_STAFF = "it_staff", _("IT staff")
    CONTROLLER = "controller", _("Controller")
    EMPLOYEE = "employee", _("Employee")


ANY_USER = "*"  # any logged-in user, whatever their roles
ANONYMOUS = "anonymous"  # also visitors without a login
STAFF_ROLES = frozenset({Role.IT_ADMIN, Role.IT_STAFF})
READ_ROLES = frozenset({Role.IT_ADMIN, Role.IT_STAFF, Role.CONTROLLER, Role.EMPLOYEE})


def roles_of(user):
    """The user's global roles as a frozenset of strings, cached on the user object."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_itportal_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.IT_ADMIN)
        cached = frozenset(n for n in names if n in Role.values)
        user._itportal_roles = cached
    return cached


def is_it_admin(user):
    return Role.IT_ADMIN in roles_of(user)
