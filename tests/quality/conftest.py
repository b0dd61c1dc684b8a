"""The quality checks only parse files: they need no Home Assistant instance."""

from __future__ import annotations

import pytest

from .rule_checks import QualityContext


@pytest.fixture(scope="module")
def context() -> QualityContext:
    """The integration as it is on disk, parsed once per test module."""
    return QualityContext.load()
