"""Mechanical checks of the package: manifest, hacs.json, translations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.minerva_iot.const import DOMAIN

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "custom_components" / DOMAIN

HACS_KEYS = {
    "name",
    "content_in_root",
    "country",
    "filename",
    "hacs",
    "hide_default_branch",
    "homeassistant",
    "persistent_directory",
    "render_readme",
    "zip_release",
}


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_manifest_keys_and_order() -> None:
    """domain and name first, then the other keys in alphabetical order, with the issue's values."""
    manifest = _json(PACKAGE / "manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert manifest["domain"] == DOMAIN
    assert manifest["after_dependencies"] == ["cloud"]
    assert manifest["dependencies"] == ["application_credentials", "http", "webhook"]
    assert manifest["config_flow"] is True
    assert manifest["integration_type"] == "hub"
    assert manifest["iot_class"] == "cloud_push"
    for key in ("codeowners", "documentation", "issue_tracker", "requirements", "version"):
        assert key in manifest


def test_hacs_json() -> None:
    """hacs.json rejects unknown keys and names the oldest Home Assistant we support."""
    hacs = _json(ROOT / "hacs.json")
    assert set(hacs) <= HACS_KEYS
    assert hacs["name"]
    assert hacs["homeassistant"] == "2025.4.0"


def test_one_integration_under_custom_components() -> None:
    """HACS installs the first directory under custom_components/: there must be exactly one."""
    dirs = [p.name for p in (ROOT / "custom_components").iterdir() if p.is_dir()]
    assert [d for d in dirs if d != "__pycache__"] == [DOMAIN]


async def test_user_step_is_the_vendor_menu(hass: HomeAssistant) -> None:
    """The first step is a menu with the three branches of the stable contract, all with English text."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    assert list(result["menu_options"]) == ["milesight", "milesight_webhook", "ttlock"]
    strings = _json(PACKAGE / "translations" / "en.json")["config"]["step"]["user"]
    assert strings["title"]
    for option in result["menu_options"]:
        assert strings["menu_options"][option].strip()
