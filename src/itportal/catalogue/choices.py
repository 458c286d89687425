from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    WORKPLACE = "workplace", _("Workplace")
    INFRASTRUCTURE = "infrastructure", _("Servers and storage")
    PRINT = "print", _("Print")
    COMMUNICATION = "communication", _("Telephony and networks")
    APPLICATION = "application", _("Applications")
    SUPPORT = "support", _("Support and consulting")


class BillingUnit(models.TextChoices):
    DEVICE = "device", _("per device and month")
    USER = "user", _("per user and month")
    GB = "gb", _("per GB and month")
    HOUR = "hour", _("per hour")
    MONTH = "month", _("fixed per month")
    ONE_OFF = "one_off", _("one-off")

    @classmethod
    def recurring(cls):
        """Billed every month the subscription runs, pro rata by days."""
        return (cls.DEVICE, cls.USER, cls.GB, cls.MONTH)

    @classmethod
    def once(cls):
        """Billed once, in the period that holds the subscription's start date."""
        return (cls.HOUR, cls.ONE_OFF)


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    RETIRING = "retiring", _("Being phased out")
    RETIRED = "retired", _("Retired")


class CostKind(models.TextChoices):
    KEEP_RUNNING = "keep_running", _("Keep running")
    DEVELOPMENT = "development", _("Development")


class SubscriptionSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")
    REQUEST = "request", _("Service request")
    DEMO = "demo", _("Demo data")


class FeeBasis(models.TextChoices):
    EMPLOYEE = "employee", _("per employee and year")
    ACCOUNT = "account", _("per user account and year")
