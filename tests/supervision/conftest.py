"""Supervision tests: the demo organisation's staff, signed in without the second factor (tested in accounts)."""

import pytest

from tests.backoffice.conftest import demo_org, enterprise_user, staff  # noqa: F401 - fixtures for this directory


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False
