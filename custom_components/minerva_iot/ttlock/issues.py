"""Repair issues of a TTLock entry: its keys, and the ones with TTLock logic of their own.

Ids and raising/resolving come from the shared `issues.py` (`<key>_<entry id>[_<lock id>]`).
Every issue here is something only the user can fix outside Home Assistant (app settings, clock,
quota, callback URL); each is deleted as soon as the cause is gone, and all of an entry's issues
are deleted when the entry is removed.
"""

from __future__ import annotations

from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from custom_components.minerva_iot.issues import (
    ISSUE_STORE_UNREADABLE,
    async_delete_entry_issue,
    async_delete_entry_issues,
    async_raise_entry_issue,
)

from .const import CONF_CALLBACK_CONFIRMED, NO_PUSH_WARNING

ISSUE_QUOTA = "ttlock_quota_exceeded"
ISSUE_CLOCK_SKEW = "ttlock_clock_skew"
ISSUE_REMOTE_UNLOCK = "ttlock_remote_unlock_disabled"
ISSUE_NO_PUSH = "ttlock_no_push"

# Every issue key scoped to an entry (the remote-unlock one once per lock).
ENTRY_ISSUES = (
    ISSUE_QUOTA,
    ISSUE_CLOCK_SKEW,
    ISSUE_NO_PUSH,
    ISSUE_REMOTE_UNLOCK,
    ISSUE_STORE_UNREADABLE,
)


@callback
def async_raise_account_issue(
    hass: HomeAssistant,
    entry: ConfigEntry,
    key: str,
    *,
    severity: ir.IssueSeverity = ir.IssueSeverity.ERROR,
    placeholders: dict[str, str] | None = None,
) -> None:
    """Create (or refresh) an entry-wide issue; the texts name the account (`{account}`)."""
    async_raise_entry_issue(
        hass,
        key,
        entry.entry_id,
        severity=severity,
        placeholders={"account": entry.title, **(placeholders or {})},
    )


@callback
def async_raise_remote_unlock_issue(
    hass: HomeAssistant, entry: ConfigEntry, lock_id: int, lock_name: str
) -> None:
    """-4043 on unlock: tell the user, persistently, to enable Remote Unlock in the app."""
    async_raise_entry_issue(
        hass,
        ISSUE_REMOTE_UNLOCK,
        entry.entry_id,
        suffix=lock_id,
        placeholders={"lock": lock_name},
    )


@callback
def async_delete_remote_unlock_issue(hass: HomeAssistant, entry: ConfigEntry, lock_id: int) -> None:
    """A remote unlock worked (command or gateway-unlock record), or the lock is gone."""
    async_delete_entry_issue(hass, ISSUE_REMOTE_UNLOCK, entry.entry_id, suffix=lock_id)


@callback
def async_check_push_silence(
    hass: HomeAssistant, entry: ConfigEntry, *, locks_can_push: bool, silent_for: timedelta
) -> None:
    """Warn when pushes worked once but stopped while locks with a gateway could send them.

    Before the first push the callback-URL repair already explains the set-up; the next push
    resolves this warning (coordinator).
    """
    if entry.data.get(CONF_CALLBACK_CONFIRMED) and locks_can_push and silent_for >= NO_PUSH_WARNING:
        async_raise_account_issue(
            hass,
            entry,
            ISSUE_NO_PUSH,
            severity=ir.IssueSeverity.WARNING,
            placeholders={"days": str(NO_PUSH_WARNING.days)},
        )


@callback
def async_delete_all_entry_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Entry removed: drop its entry-wide and per-lock issues."""
    async_delete_entry_issues(hass, entry_id, ENTRY_ISSUES)
