from django.db import models
from django.utils.translation import gettext_lazy as _


class Lifecycle(models.TextChoices):
    PLANNING = "planning", _("Planning")
    ACQUISITION = "acquisition", _("Acquisition")
    INTRODUCTION = "introduction", _("Introduction")
    OPERATION = "operation", _("Operation")
    DECOMMISSIONING = "decommissioning", _("Decommissioning")
    RETIRED = "retired", _("Retired")


class Scope(models.TextChoices):
    SHARED = "shared", _("Shared (used across the group)")
    UNIT = "unit", _("Unit-specific")


class OperatingForm(models.TextChoices):
    IN_HOUSE = "in_house", _("In-house at the IT office")
    COMPANY_IT = "company_it", _("At a company's IT unit")
    VENDOR_MANAGED = "vendor_managed", _("Vendor-managed in our infrastructure")
    SAAS = "saas", _("SaaS (cloud service)")


class Technology(models.TextChoices):
    API = "api", _("API")
    FILE = "file", _("File transfer")
    MESSAGE = "message", _("Message")
    DATABASE = "database", _("Database link")


class Frequency(models.TextChoices):
    REALTIME = "realtime", _("Real time")
    HOURLY = "hourly", _("Hourly")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    ON_DEMAND = "on_demand", _("On demand")


class IntegrationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class KlassaLevel(models.IntegerChoices):
    """KLASSA's consequence levels (SKR's classification model)."""

    NEGLIGIBLE = 0, _("Negligible (Försumbar)")
    MINOR = 1, _("Minor (Låg)")
    MODERATE = 2, _("Moderate (Måttlig)")
    SERIOUS = 3, _("Serious (Allvarlig)")
    VERY_SERIOUS = 4, _("Very serious (Synnerligen allvarlig)")


class LicenceMetric(models.TextChoices):
    USER = "user", _("Per user")
    DEVICE = "device", _("Per device")
    SITE = "site", _("Per site")
    CONCURRENT = "concurrent", _("Concurrent users")


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


# Role type codes the governance rules rely on (the table itself is configurable).
OWNER = "owner"
MANAGER = "manager"
OPERATIONS_LOCAL = "operations_local"
OPERATIONS_VENDOR = "operations_vendor"
PRODUCT_OWNER = "product_owner"
PRODUCT_MANAGER = "product_manager"

# The EU and EEA states (ISO 3166-1 alpha-2), where personal data may be hosted under GDPR.
EU_EEA = frozenset(
    {
        *("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"),
        *("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"),
        *("IS", "LI", "NO"),
    }
)
