"""The shared fixtures of src/itportal/conftest.py, which pytest only offers below src/, and a
small demo build for the scenario tests."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from itportal.conftest import org, password  # noqa: F401


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """A twentieth of the `small` profile, built once for the class and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", profile="small", seed=1, scale=0.05, stdout=StringIO())
        yield
        transaction.set_rollback(True)
