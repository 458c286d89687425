from rest_framework.permissions import BasePermission

from itportal.core.permissions import can

ACTION_OF_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class RestrictedPermission(BasePermission):
    """The API's rule: the same `can()` as the pages; rows come through `restrict()`."""

    def has_permission(self, request, view):
        rule = getattr(view, "access_rule", None)
        if rule is not None:
            return rule.allows(request.user)
        model = getattr(view, "model", None)
        if model is None:
            return False  # a view without a rule is closed
        return can(request.user, model, ACTION_OF_METHOD.get(request.method, "change"))
