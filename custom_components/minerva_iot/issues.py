"""Repair issues scoped to one config entry: ids are `<translation key>_<entry id>[_<suffix>]`.

Both vendors raise and resolve their issues through these helpers, so an entry's issues can all
be found (and deleted with the entry) by their id prefix.
"""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN

# A store of the entry could not be read (store_repair.py); one issue per store (its suffix).
ISSUE_STORE_UNREADABLE = "store_unreadable"


def entry_issue_id(key: str, entry_id: str, suffix: str | int | None = None) -> str:
    """The id of issue `key` of one entry (and of one of its devices when `suffix` is given)."""
    base = f"{key}_{entry_id}"
    return base if suffix is None else f"{base}_{suffix}"


@callback
def async_raise_entry_issue(
    hass: HomeAssistant,
    key: str,
    entry_id: str,
    *,
    suffix: str | int | None = None,
    severity: ir.IssueSeverity = ir.IssueSeverity.WARNING,
    placeholders: dict[str, str] | None = None,
) -> None:
    """Create (or refresh) issue `key` of an entry; its translation key is `key`."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        entry_issue_id(key, entry_id, suffix),
        is_fixable=False,
        severity=severity,
        translation_key=key,
        translation_placeholders=placeholders,
    )


@callback
def async_delete_entry_issue(
    hass: HomeAssistant, key: str, entry_id: str, *, suffix: str | int | None = None
) -> None:
    """Resolve issue `key` of an entry, if it exists."""
    ir.async_delete_issue(hass, DOMAIN, entry_issue_id(key, entry_id, suffix))


@callback
def async_delete_entry_issues(hass: HomeAssistant, entry_id: str, keys: Iterable[str]) -> None:
    """Entry removed: delete its issues of these keys, per-device ones included."""
    prefixes = tuple(entry_issue_id(key, entry_id) for key in keys)
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN and issue_id.startswith(prefixes):
            ir.async_delete_issue(hass, DOMAIN, issue_id)
