"""Test helpers for the system register."""

from importlib import import_module

from django.apps import apps


def ensure_role_types():
    """{code: RoleType}, seeding the migration's role types again when a transactional test
    (browser, schemathesis) has flushed the database since migrate ran."""
    seed = import_module("itportal.registry.migrations.0002_seed_role_types").seed
    seed(apps, None)  # get_or_create: a no-op when they exist
    RoleType = apps.get_model("registry", "RoleType")
    return {r.code: r for r in RoleType.objects.all()}
