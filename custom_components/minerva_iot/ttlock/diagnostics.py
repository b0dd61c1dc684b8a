"""TTLock diagnostics: entry, locks, gateways and states, with every secret redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from custom_components.minerva_iot.const import CONF_CLOUDHOOK_URL, CONF_WEBHOOK_ID

from .data import TTLockConfigEntry

TO_REDACT = {
    "token",
    "access_token",
    "refresh_token",
    "client_secret",
    "password",
    "username",
    CONF_WEBHOOK_ID,
    "webhook_url",
    CONF_CLOUDHOOK_URL,
    "lockData",
    "aesKeyStr",
    "lockKey",
    "adminPwd",
    "noKeyPwd",
    "keyboardPwd",
    "keyboard_pwd",
    "deletePwd",
    "admin",
    "lockMac",
    "mac",
    "gatewayMac",
    # The default lock name is the model plus the last bytes of the lock's MAC address.
    "lockName",
    # The WiFi network (SSID) the gateway is connected to: the user's home network.
    "networkName",
}


async def async_get_ttlock_diagnostics(
    hass: HomeAssistant, entry: TTLockConfigEntry
) -> dict[str, Any]:
    """Return redacted diagnostics."""
    data: dict[str, Any] = {
        "entry": {
            # The title is the app account's e-mail address or phone number.
            "title": "**REDACTED**",
            "data": dict(entry.data),
            "options": dict(entry.options),
            "state": entry.state.value,
        }
    }
    if entry.state is ConfigEntryState.LOADED:
        coordinator = entry.runtime_data.coordinator
        account = coordinator.account
        data["coordinator"] = {
            "last_update_success": coordinator.last_update_success,
            "calls_today": entry.runtime_data.api_calls.today(),
            "last_push": coordinator.last_push.isoformat() if coordinator.last_push else None,
            "options": {
                "poll_interval_s": coordinator.options.poll_interval.total_seconds(),
                "slow_interval_s": coordinator.options.slow_interval.total_seconds(),
                "safety_recheck": coordinator.options.safety_recheck,
            },
        }
        data["locks"] = [lock.raw for lock in account.locks.values()]
        # Settings and model of each lock (its keys and admin codes are stripped and redacted).
        data["details"] = [detail.raw for detail in account.details.values()]
        data["gateways"] = [gateway.raw for gateway in account.gateways.values()]
        data["states"] = {
            str(lock_id): {
                **{
                    key: value
                    for key, value in asdict(state).items()
                    if key not in ("last_record", "last_bolt_record")
                },
                "last_record": state.last_record.raw if state.last_record else None,
            }
            for lock_id, state in account.states.items()
        }
    return async_redact_data(data, TO_REDACT)
