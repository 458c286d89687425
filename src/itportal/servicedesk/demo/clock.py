"""The moment of the build: every part of the step reads the time through now() here, so a test
fixes it by patching this module's `timezone`."""

from django.utils import timezone


def now():
    return timezone.now()
