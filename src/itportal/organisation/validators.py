from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.se import orgnr


def normalise_org_number(value):
    """'5564-7788-99 ' -> '556477-8899' (Swedish form), or raise ValidationError."""
    if value in (None, ""):
        return value
    try:
        return orgnr.format(orgnr.validate(value))
    except Exception:
        raise ValidationError(
            _("%(value)s is not a valid Swedish organisation number (NNNNNN-NNNN, check digit)."),
            code="invalid_org_number",
            params={"value": value},
        ) from None


def validate_org_number(value):
    normalise_org_number(value)


def validate_municipality_code(value):
    if value and not (len(value) == 4 and value.isdigit()):
        raise ValidationError(
            _("A municipality code has four digits, e.g. 2580."), code="invalid_municipality_code"
        )
