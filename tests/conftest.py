"""Fixtures shared by every test of the integration."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.plugins.simulators"]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load custom_components.minerva_iot in the tests that run it.

    Only tests that use `hass` (directly or through another fixture) get it: the clients,
    simulators, benchmarks, static checks and other HA-free tests never start Home Assistant.
    Pure and Home Assistant tests share directories (tests/foundation, tests/milesight), so
    the test's own fixtures decide, not its directory.
    """
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")
