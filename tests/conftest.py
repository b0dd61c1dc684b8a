"""Fixtures shared by every test of the integration."""

from __future__ import annotations

from collections.abc import Generator

import pytest

pytest_plugins = ["tests.plugins.simulators"]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> Generator[None]:
    """Let Home Assistant load custom_components.minerva_iot in every test."""
    return
