from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import resolve
from django.urls.exceptions import Resolver404

from itportal.core.access import rule_of
from itportal.core.context import change_context, new_request_id


class RequestIdMiddleware:
    """Give every request an id, carried to its audit rows and returned as X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = new_request_id()
        with change_context(request_id=request.id, source="web"):
            response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class LoginRequiredMiddleware:
    """Anonymous visitors are sent to the login page unless the view is declared public.

    Views declare their rule with `itportal.core.access` (see there); this middleware only
    handles the anonymous case for HTML pages so the login redirect is uniform.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated:
            return None
        rule = rule_of(view_func)
        if rule is not None and rule.public:
            return None
        path = request.path_info
        if path.startswith(("/api/", "/admin/", "/" + settings.STATIC_URL)):
            return None  # the API answers 401/403 itself
        try:
            resolve(path)
        except Resolver404:
            return None
        return redirect_to_login(request.get_full_path())
