"""TTLock actions with response data: passcodes, recent records, passage-mode schedule."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util import dt as dt_util
import voluptuous as vol

from custom_components.minerva_iot.clients.ttlock import Feature, TTLockPasscode
from custom_components.minerva_iot.compat import device_entry_ids
from custom_components.minerva_iot.const import CONF_VENDOR, DOMAIN, VENDOR_TTLOCK

from .commands import async_set_passage_mode
from .coordinator import TTLockCoordinator
from .data import TTLockConfigEntry
from .errors import async_run_command
from .identifiers import lock_id_of_device
from .passage import PERIODS_SCHEMA, cyclic_config, describe_cyclic_config
from .records import record_summary

SERVICE_LIST_PASSCODES = "ttlock_list_passcodes"
SERVICE_CREATE_PASSCODE = "ttlock_create_passcode"
SERVICE_DELETE_PASSCODE = "ttlock_delete_passcode"
SERVICE_LIST_RECORDS = "ttlock_list_records"
SERVICE_SET_PASSAGE_MODE = "ttlock_set_passage_mode"

ATTR_DEVICE_ID = "device_id"
ATTR_PASSCODE = "passcode"
ATTR_PASSCODE_ID = "passcode_id"
ATTR_NAME = "name"
ATTR_START = "start"
ATTR_END = "end"
ATTR_HOURS = "hours"
ATTR_ENABLED = "enabled"
ATTR_PERIODS = "periods"
ATTR_AUTO_UNLOCK = "auto_unlock"

DEVICE_SCHEMA = vol.Schema({vol.Required(ATTR_DEVICE_ID): cv.string})
CREATE_SCHEMA = DEVICE_SCHEMA.extend(
    {
        # Strings, not numbers: a leading zero is part of the code.
        vol.Required(ATTR_PASSCODE): cv.string,
        vol.Optional(ATTR_NAME): cv.string,
        vol.Optional(ATTR_START): cv.datetime,
        vol.Optional(ATTR_END): cv.datetime,
    }
)
DELETE_SCHEMA = DEVICE_SCHEMA.extend({vol.Required(ATTR_PASSCODE_ID): vol.Coerce(int)})
PASSAGE_MODE_SCHEMA = DEVICE_SCHEMA.extend(
    {
        vol.Required(ATTR_ENABLED): cv.boolean,
        vol.Optional(ATTR_PERIODS): PERIODS_SCHEMA,
        vol.Optional(ATTR_AUTO_UNLOCK): cv.boolean,
    }
)
RECORDS_SCHEMA = DEVICE_SCHEMA.extend(
    {vol.Optional(ATTR_HOURS, default=24): vol.All(vol.Coerce(int), vol.Range(min=1, max=720))}
)


def _invalid(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _resolve_lock(hass: HomeAssistant, device_id: str) -> tuple[TTLockCoordinator, int]:
    """The coordinator of the loaded entry owning the device, and the lock id."""
    device = dr.async_get(hass).async_get(device_id)
    lock_id = lock_id_of_device(device) if device else None
    if device is None or lock_id is None:
        raise _invalid("ttlock_not_a_lock", device_id=device_id)
    for entry_id in device_entry_ids(device):
        entry: TTLockConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
        if (
            entry is not None
            and entry.domain == DOMAIN
            and entry.data.get(CONF_VENDOR) == VENDOR_TTLOCK
            and entry.state is ConfigEntryState.LOADED
        ):
            return entry.runtime_data.coordinator, lock_id
    raise _invalid("ttlock_entry_not_loaded")


def _ms(value: datetime) -> int:
    """Epoch milliseconds; a time without zone is in Home Assistant's time zone."""
    return int(dt_util.as_utc(value).timestamp() * 1000)


def _iso(milliseconds: int | None) -> str | None:
    if milliseconds is None:
        return None
    return dt_util.utc_from_timestamp(milliseconds / 1000).isoformat()


def _passcode_view(passcode: TTLockPasscode) -> dict[str, Any]:
    return {
        "passcode_id": passcode.passcode_id,
        "name": passcode.name,
        "passcode": passcode.passcode,
        "start": _iso(passcode.start),
        "end": _iso(passcode.end),
    }


async def _async_list_passcodes(call: ServiceCall) -> ServiceResponse:
    coordinator, lock_id = _resolve_lock(call.hass, call.data[ATTR_DEVICE_ID])
    passcodes = await async_run_command(
        call.hass,
        coordinator.config_entry,
        coordinator.client.async_list_passcodes(lock_id),
    )
    return {"passcodes": [_passcode_view(passcode) for passcode in passcodes]}


def _validated_period(data: dict[str, Any]) -> tuple[int | None, int | None]:
    start: datetime | None = data.get(ATTR_START)
    end: datetime | None = data.get(ATTR_END)
    if (start is None) != (end is None):
        raise _invalid("ttlock_period_incomplete")
    if start is None or end is None:
        return None, None
    start_ms, end_ms = _ms(start), _ms(end)
    if end_ms <= start_ms:
        raise _invalid("ttlock_period_reversed")
    return start_ms, end_ms


async def _async_create_passcode(call: ServiceCall) -> ServiceResponse:
    passcode: str = call.data[ATTR_PASSCODE].strip()
    if not passcode.isdigit() or not 4 <= len(passcode) <= 9:
        raise _invalid("ttlock_invalid_passcode")
    start_ms, end_ms = _validated_period(call.data)
    coordinator, lock_id = _resolve_lock(call.hass, call.data[ATTR_DEVICE_ID])
    name: str | None = call.data.get(ATTR_NAME)
    passcode_id = await async_run_command(
        call.hass,
        coordinator.config_entry,
        coordinator.client.async_add_passcode(lock_id, passcode, name, start_ms, end_ms),
    )
    return {"passcode_id": passcode_id}


async def _async_delete_passcode(call: ServiceCall) -> ServiceResponse:
    coordinator, lock_id = _resolve_lock(call.hass, call.data[ATTR_DEVICE_ID])
    passcode_id: int = call.data[ATTR_PASSCODE_ID]
    await async_run_command(
        call.hass,
        coordinator.config_entry,
        coordinator.client.async_delete_passcode(lock_id, passcode_id),
    )
    return {"passcode_id": passcode_id}


async def _async_list_records(call: ServiceCall) -> ServiceResponse:
    coordinator, lock_id = _resolve_lock(call.hass, call.data[ATTR_DEVICE_ID])
    start_ms = _ms(dt_util.utcnow() - timedelta(hours=call.data[ATTR_HOURS]))
    records = await async_run_command(
        call.hass,
        coordinator.config_entry,
        coordinator.client.async_list_records(lock_id, start_ms=start_ms, page_size=200),
    )
    records = sorted(records, key=lambda record: record.lock_date, reverse=True)
    return {
        "records": [
            {**record_summary(record), "time": _iso(record.lock_date)} for record in records
        ]
    }


async def _async_set_passage_mode(call: ServiceCall) -> ServiceResponse:
    schedule = cyclic_config(call.data[ATTR_PERIODS]) if ATTR_PERIODS in call.data else None
    coordinator, lock_id = _resolve_lock(call.hass, call.data[ATTR_DEVICE_ID])
    lock = coordinator.account.locks.get(lock_id)
    auto_unlock: bool | None = call.data.get(ATTR_AUTO_UNLOCK)
    if lock is None or not lock.supports(Feature.PASSAGE_MODE):
        raise _invalid("ttlock_passage_mode_not_supported")
    if auto_unlock and not lock.supports(Feature.PASSAGE_MODE_AUTO_UNLOCK):
        raise _invalid("ttlock_auto_unlock_not_supported")
    enabled: bool = call.data[ATTR_ENABLED]
    await async_run_command(
        call.hass,
        coordinator.config_entry,
        async_set_passage_mode(
            coordinator, lock_id, enabled, schedule=schedule, auto_unlock=auto_unlock
        ),
    )
    response: dict[str, Any] = {
        "passage_mode": enabled,
        "periods": describe_cyclic_config(schedule) if schedule is not None else None,
    }
    return response


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions once for the whole integration."""
    for name, handler, schema, supports in (
        (SERVICE_LIST_PASSCODES, _async_list_passcodes, DEVICE_SCHEMA, SupportsResponse.ONLY),
        (SERVICE_CREATE_PASSCODE, _async_create_passcode, CREATE_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_DELETE_PASSCODE, _async_delete_passcode, DELETE_SCHEMA, SupportsResponse.OPTIONAL),
        (SERVICE_LIST_RECORDS, _async_list_records, RECORDS_SCHEMA, SupportsResponse.ONLY),
        (
            SERVICE_SET_PASSAGE_MODE,
            _async_set_passage_mode,
            PASSAGE_MODE_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
    ):
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=supports
        )
