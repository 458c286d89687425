"""Local logins with lockout after repeated failures."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from itportal.core.models import LoginFailure


def _window_start():
    return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def is_locked_out(username, ip=None):
    """Too many recent failures for this username from this address. Counting per address
    keeps a stranger from locking someone else out by guessing from elsewhere."""
    if not username:
        return False
    recent = LoginFailure.objects.filter(username__iexact=username, time__gte=_window_start())
    if ip:
        recent = recent.filter(ip=ip)
    return recent.count() >= settings.LOGIN_MAX_FAILURES


def record_failure(username, ip=None):
    LoginFailure.objects.create(username=(username or "")[:150], ip=ip)


def clear_failures(username, ip=None):
    failures = LoginFailure.objects.filter(username__iexact=username)
    if ip:
        failures = failures.filter(ip=ip)
    failures.delete()


def client_ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing a username with too many recent failures.

    The lockout holds even for the right password, so guessing cannot continue; it lifts
    LOGIN_LOCKOUT_MINUTES after the last failure, or when an administrator clears it.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if is_locked_out(username, client_ip(request)):
            raise PermissionDenied(
                _("Too many failed logins. The account is locked for %(minutes)s minutes.")
                % {"minutes": settings.LOGIN_LOCKOUT_MINUTES}
            )
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username, client_ip(request))
        else:
            clear_failures(username, client_ip(request))
        return user
