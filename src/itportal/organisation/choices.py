from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    COMPANY = "company", _("Municipal company")
    FEDERATION = "federation", _("Federation of municipalities")


class UnitKind(models.TextChoices):
    BOARD = "board", _("Board")
    ADMINISTRATION = "administration", pgettext_lazy("kind of org unit", "Administration")
    OFFICE = "office", _("Office")
    DEPARTMENT = "department", _("Department")
    UNIT = "unit", _("Unit")


class BodyKind(models.TextChoices):
    COUNCIL = "council", _("Municipal council")
    EXECUTIVE_BOARD = "executive_board", _("Municipal executive board")
    MANAGEMENT_GROUP = "management_group", _("Management group (KDL)")
    SERVICE_COUNCIL = "service_council", _("Service council")
    PRODUCT_BOARD = "product_board", _("Product board")
    STEERING_GROUP = "steering_group", _("Steering group")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")


class UnitRoleKind(models.TextChoices):
    IT_COORDINATOR = "it_coordinator", _("IT coordinator")
    MANAGER = "manager", _("Manager")
    CONTROLLER = "controller", _("Controller")
