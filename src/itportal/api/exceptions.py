from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from itportal.core.services import StaleObjectError


def exception_handler(exc, context):
    """Model validation from the services becomes 400 with per-field messages; a stale
    version becomes 409 Conflict."""
    if isinstance(exc, StaleObjectError):
        return Response({"version": exc.messages}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if k == "__all__" else k): v
                for k, v in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = ValidationError(detail)
    return drf_handler(exc, context)
