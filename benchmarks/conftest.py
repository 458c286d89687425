"""The shared fixtures of src/itportal/conftest.py, which pytest only offers below src/."""

from itportal.conftest import org, password  # noqa: F401
