"""Milesight diagnostics: entry, devices, webhook health; secrets and webhook ids redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from custom_components.minerva_iot.const import CONF_CLOUDHOOK_URL, CONF_WEBHOOK_ID

from .const import CONF_CLIENT_ID, CONF_CLIENT_SECRET, CONF_WEBHOOK_SECRET
from .data import MilesightConfigEntry
from .watchdog import expected_interval_s

TO_REDACT = {
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_WEBHOOK_SECRET,
    CONF_WEBHOOK_ID,
    CONF_CLOUDHOOK_URL,
    "webhook_url",
    "access_token",
    "refresh_token",
    "token",
    # Trackers report where they are: not needed to debug the integration.
    "latitude",
    "longitude",
    "location",
}


async def async_get_milesight_diagnostics(
    hass: HomeAssistant, entry: MilesightConfigEntry
) -> dict[str, Any]:
    """Return redacted diagnostics of a Milesight entry."""
    result: dict[str, Any] = {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": dict(entry.options),
        }
    }
    if entry.state is not ConfigEntryState.LOADED:
        return result
    data = entry.runtime_data
    coordinator = data.coordinator
    stats = data.health
    expires_at = data.client.token_manager.expires_at if data.client else None
    result["webhook"] = {
        "webhook_url": data.webhook_url,
        "verified": stats.webhook_verified,
        "last_delivery": stats.last_delivery.isoformat() if stats.last_delivery else None,
        "rejected_deliveries": stats.rejected,
        "consecutive_signature_failures": stats.consecutive_signature_failures,
        "signed_delivery_seen": stats.signed_delivery_seen,
        "redeliveries": stats.redeliveries,
        "events_over_cap": stats.events_over_cap,
        "status": stats.status.value,
        "watchdog_history_checks": data.watchdog.history_checks,
    }
    result["api"] = {
        "configured": data.client is not None,
        "token_expires_at": expires_at,
        "last_update_success": coordinator.last_update_success,
        "calls_last_24h": data.api_calls.last_24h(),
        "rate_limited_until": coordinator.backoff.paused_until,
        # Writes waiting for their devices (control/pending.py).
        "pending_writes": [
            {
                "sn": write.sn,
                "key": write.key,
                "value": write.value,
                "sent_at": write.sent_at.isoformat(),
                "deadline": write.deadline.isoformat(),
                "class_a": write.class_a,
                "task_id": write.task_id,
            }
            for write in (data.pending.all() if data.pending else [])
        ],
    }
    result["devices"] = [
        {
            **device.as_dict(),
            "last_seen": device.last_seen.isoformat() if device.last_seen else None,
            # The delivery watchdog's view (watchdog.py).
            "expected_interval_s": expected_interval_s(device),
            "overdue": device.silent,
            "values": dict(device.values),
        }
        for device in data.fleet.devices.values()
    ]
    return async_redact_data(result, TO_REDACT)
