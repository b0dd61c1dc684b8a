"""Repair issues of a Milesight entry; ids are `<translation key>_<entry id>`."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from custom_components.minerva_iot.const import DOMAIN

from .const import ALL_ISSUES


def issue_id(key: str, entry_id: str) -> str:
    """The issue id of `key` for one entry."""
    return f"{key}_{entry_id}"


@callback
def async_raise_issue(
    hass: HomeAssistant,
    key: str,
    entry_id: str,
    placeholders: dict[str, str] | None = None,
    *,
    severity: ir.IssueSeverity = ir.IssueSeverity.WARNING,
) -> None:
    """Create (or update) the entry's issue `key`."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(key, entry_id),
        is_fixable=False,
        severity=severity,
        translation_key=key,
        translation_placeholders=placeholders,
    )


@callback
def async_clear_issue(hass: HomeAssistant, key: str, entry_id: str) -> None:
    """Delete the entry's issue `key` if it exists."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(key, entry_id))


@callback
def async_clear_all_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Delete every Milesight issue of the entry (entry removed)."""
    for key in ALL_ISSUES:
        async_clear_issue(hass, key, entry_id)
