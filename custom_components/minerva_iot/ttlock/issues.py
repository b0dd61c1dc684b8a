"""Repair issues of a TTLock entry: ids scoped by entry (and lock), raised and resolved in one place.

Every issue here is something only the user can fix outside Home Assistant (app settings, clock,
quota, callback URL); each is deleted as soon as the cause is gone, and all of an entry's issues
are deleted when the entry is removed.
"""

from __future__ import annotations

from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from custom_components.minerva_iot.const import DOMAIN

from .const import CONF_CALLBACK_CONFIRMED, NO_PUSH_WARNING

ISSUE_QUOTA = "ttlock_quota_exceeded"
ISSUE_CLOCK_SKEW = "ttlock_clock_skew"
ISSUE_REMOTE_UNLOCK = "ttlock_remote_unlock_disabled"
ISSUE_NO_PUSH = "ttlock_no_push"

# Issues of the whole entry (one per entry); a poll that works again resolves the first two.
ENTRY_ISSUES = (ISSUE_QUOTA, ISSUE_CLOCK_SKEW, ISSUE_NO_PUSH)


def entry_issue_id(key: str, entry_id: str) -> str:
    """Issue id of an entry-wide issue."""
    return f"{key}_{entry_id}"


def lock_issue_id(key: str, entry_id: str, lock_id: int) -> str:
    """Issue id of an issue about one lock of an entry."""
    return f"{key}_{entry_id}_{lock_id}"


@callback
def async_raise_entry_issue(
    hass: HomeAssistant,
    entry: ConfigEntry,
    key: str,
    *,
    severity: ir.IssueSeverity = ir.IssueSeverity.ERROR,
    placeholders: dict[str, str] | None = None,
) -> None:
    """Create (or refresh) an entry-wide issue; `{account}` is always a placeholder."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        entry_issue_id(key, entry.entry_id),
        is_fixable=False,
        severity=severity,
        translation_key=key,
        translation_placeholders={"account": entry.title, **(placeholders or {})},
    )


@callback
def async_delete_entry_issue(hass: HomeAssistant, entry: ConfigEntry, key: str) -> None:
    """Resolve an entry-wide issue."""
    ir.async_delete_issue(hass, DOMAIN, entry_issue_id(key, entry.entry_id))


@callback
def async_raise_remote_unlock_issue(
    hass: HomeAssistant, entry: ConfigEntry, lock_id: int, lock_name: str
) -> None:
    """-4043 on unlock: tell the user, persistently, to enable Remote Unlock in the app."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        lock_issue_id(ISSUE_REMOTE_UNLOCK, entry.entry_id, lock_id),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_REMOTE_UNLOCK,
        translation_placeholders={"lock": lock_name},
    )


@callback
def async_delete_remote_unlock_issue(hass: HomeAssistant, entry: ConfigEntry, lock_id: int) -> None:
    """A remote unlock worked (command or gateway-unlock record), or the lock is gone."""
    ir.async_delete_issue(hass, DOMAIN, lock_issue_id(ISSUE_REMOTE_UNLOCK, entry.entry_id, lock_id))


@callback
def async_check_push_silence(
    hass: HomeAssistant, entry: ConfigEntry, *, locks_can_push: bool, silent_for: timedelta
) -> None:
    """Warn when pushes worked once but stopped while locks with a gateway could send them.

    Before the first push the callback-URL repair already explains the set-up; the next push
    resolves this warning (coordinator).
    """
    if entry.data.get(CONF_CALLBACK_CONFIRMED) and locks_can_push and silent_for >= NO_PUSH_WARNING:
        async_raise_entry_issue(
            hass,
            entry,
            ISSUE_NO_PUSH,
            severity=ir.IssueSeverity.WARNING,
            placeholders={"days": str(NO_PUSH_WARNING.days)},
        )


@callback
def async_delete_all_entry_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Entry removed: drop its entry-wide and per-lock issues."""
    registry = ir.async_get(hass)
    prefixes = tuple(f"{key}_{entry_id}" for key in (*ENTRY_ISSUES, ISSUE_REMOTE_UNLOCK))
    for domain, issue_id in list(registry.issues):
        if domain == DOMAIN and issue_id.startswith(prefixes):
            ir.async_delete_issue(hass, DOMAIN, issue_id)
