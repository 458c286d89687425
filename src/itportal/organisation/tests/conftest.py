"""Fixtures for the organisation app's tests; the browser ones come from core.browser."""

import pytest


@pytest.fixture
def admin_page(page, log_in, users):  # noqa: F811 - `page` and `log_in` are the fixtures
    """A browser page whose context is logged in as the IT administrator."""
    log_in(users["admin"])
    return page
