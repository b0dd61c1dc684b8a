"""Benchmarks of Minerva IoT: scripts that print figures (speed, cloud-call budgets).

Project rule: speed and cloud-call budgets are measured here, never asserted by timed tests.
Run one with ``.venv/bin/python -m benchmarks.<name> [--json]``; see ``benchmarks/README.md``.
Every benchmark talks only to the in-process simulators on 127.0.0.1.
"""

# Home Assistant's test plugin patches ``dt_util.utcnow`` (so freezegun can move HA's clock) and
# sets HA's event loop policy; it must be imported before any Home Assistant module, and the
# package is always imported before its modules.
from pytest_homeassistant_custom_component import (  # type: ignore[import-untyped]  # noqa: F401
    plugins as _ha_test_plugin,
)
