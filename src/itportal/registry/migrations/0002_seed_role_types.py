"""Seed the role types of the municipality's guideline on roles in system management."""

from django.db import migrations

ROLE_TYPES = [
    # code, name (Swedish, as used by the municipality), grants_edit, self_developed_only, vendor
    ("owner", "Systemägare", True, False, False),
    ("manager", "Systemförvaltare", True, False, False),
    ("operations_local", "Systemdriftsansvarig (lokal)", False, False, False),
    ("operations_vendor", "Systemdriftsansvarig hos leverantör", False, False, True),
    ("it_consultant", "IT-konsult", False, False, False),
    ("information_owner", "Informationsägare", False, False, False),
    ("super_user", "Superanvändare", False, False, False),
    ("product_owner", "Produktägare", True, True, False),
    ("product_manager", "Produktförvaltare", True, True, False),
]


def seed(apps, schema_editor):
    RoleType = apps.get_model("registry", "RoleType")
    for order, (code, name, edit, self_dev, vendor) in enumerate(ROLE_TYPES):
        RoleType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "grants_edit": edit,
                "self_developed_only": self_dev,
                "vendor_side": vendor,
                "sort_order": (order + 1) * 10,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("registry", "RoleType").objects.filter(
        code__in=[r[0] for r in ROLE_TYPES], assignments__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
