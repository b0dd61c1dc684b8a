"""TTLock actions with response data: passcodes, cards, fingerprints, records, passage mode."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from custom_components.minerva_iot.clients.ttlock import CredentialKind, Feature
from custom_components.minerva_iot.const import DOMAIN

from . import credentials, passcodes
from .actions import async_cloud, invalid, iso, ms, resolve_lock
from .commands import async_set_passage_mode
from .passage import PERIODS_SCHEMA, cyclic_config, describe_cyclic_config
from .records import record_summary

SERVICE_LIST_PASSCODES = "ttlock_list_passcodes"
SERVICE_CREATE_PASSCODE = "ttlock_create_passcode"
SERVICE_CHANGE_PASSCODE = "ttlock_change_passcode"
SERVICE_DELETE_PASSCODE = "ttlock_delete_passcode"
SERVICE_DELETE_EXPIRED_PASSCODES = "ttlock_delete_expired_passcodes"
SERVICE_LIST_CARDS = "ttlock_list_cards"
SERVICE_RENAME_CARD = "ttlock_rename_card"
SERVICE_CHANGE_CARD_PERIOD = "ttlock_change_card_period"
SERVICE_DELETE_CARD = "ttlock_delete_card"
SERVICE_LIST_FINGERPRINTS = "ttlock_list_fingerprints"
SERVICE_RENAME_FINGERPRINT = "ttlock_rename_fingerprint"
SERVICE_CHANGE_FINGERPRINT_PERIOD = "ttlock_change_fingerprint_period"
SERVICE_DELETE_FINGERPRINT = "ttlock_delete_fingerprint"
SERVICE_LIST_RECORDS = "ttlock_list_records"
SERVICE_SET_PASSAGE_MODE = "ttlock_set_passage_mode"

ATTR_DEVICE_ID = "device_id"
ATTR_HOURS = "hours"
ATTR_ENABLED = "enabled"
ATTR_PERIODS = "periods"
ATTR_AUTO_UNLOCK = "auto_unlock"

CREDENTIAL_SERVICES: dict[CredentialKind, dict[str, str]] = {
    CredentialKind.CARD: {
        "list": SERVICE_LIST_CARDS,
        "rename": SERVICE_RENAME_CARD,
        "change_period": SERVICE_CHANGE_CARD_PERIOD,
        "delete": SERVICE_DELETE_CARD,
    },
    CredentialKind.FINGERPRINT: {
        "list": SERVICE_LIST_FINGERPRINTS,
        "rename": SERVICE_RENAME_FINGERPRINT,
        "change_period": SERVICE_CHANGE_FINGERPRINT_PERIOD,
        "delete": SERVICE_DELETE_FINGERPRINT,
    },
}

DEVICE_SCHEMA = vol.Schema({vol.Required(ATTR_DEVICE_ID): cv.string})
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


async def _async_list_records(call: ServiceCall) -> ServiceResponse:
    coordinator, lock_id = resolve_lock(call.hass, call.data[ATTR_DEVICE_ID])
    start_ms = ms(dt_util.utcnow() - timedelta(hours=call.data[ATTR_HOURS]))
    records = await async_cloud(
        coordinator,
        coordinator.client.async_list_records(lock_id, start_ms=start_ms, page_size=200),
    )
    records = sorted(records, key=lambda record: record.lock_date, reverse=True)
    return {
        "records": [{**record_summary(record), "time": iso(record.lock_date)} for record in records]
    }


async def _async_set_passage_mode(call: ServiceCall) -> ServiceResponse:
    schedule = cyclic_config(call.data[ATTR_PERIODS]) if ATTR_PERIODS in call.data else None
    coordinator, lock_id = resolve_lock(call.hass, call.data[ATTR_DEVICE_ID])
    lock = coordinator.account.locks.get(lock_id)
    auto_unlock: bool | None = call.data.get(ATTR_AUTO_UNLOCK)
    if lock is None or not lock.supports(Feature.PASSAGE_MODE):
        raise invalid("ttlock_passage_mode_not_supported")
    if auto_unlock and not lock.supports(Feature.PASSAGE_MODE_AUTO_UNLOCK):
        raise invalid("ttlock_auto_unlock_not_supported")
    enabled: bool = call.data[ATTR_ENABLED]
    await async_cloud(
        coordinator,
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
    actions: list[tuple[str, Any, vol.Schema, SupportsResponse]] = [
        (
            SERVICE_LIST_PASSCODES,
            passcodes.async_list_passcodes,
            passcodes.LIST_SCHEMA,
            SupportsResponse.ONLY,
        ),
        (
            SERVICE_CREATE_PASSCODE,
            passcodes.async_create_passcode,
            passcodes.CREATE_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_CHANGE_PASSCODE,
            passcodes.async_change_passcode,
            passcodes.CHANGE_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_DELETE_PASSCODE,
            passcodes.async_delete_passcode,
            passcodes.DELETE_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_DELETE_EXPIRED_PASSCODES,
            passcodes.async_delete_expired_passcodes,
            passcodes.DELETE_EXPIRED_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (SERVICE_LIST_RECORDS, _async_list_records, RECORDS_SCHEMA, SupportsResponse.ONLY),
        (
            SERVICE_SET_PASSAGE_MODE,
            _async_set_passage_mode,
            PASSAGE_MODE_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
    ]
    for kind in CredentialKind:
        schemas = credentials.schemas(kind)
        for action, handler in credentials.handlers(kind).items():
            supports = SupportsResponse.ONLY if action == "list" else SupportsResponse.OPTIONAL
            actions.append((CREDENTIAL_SERVICES[kind][action], handler, schemas[action], supports))
    for name, handler, schema, supports in actions:
        hass.services.async_register(
            DOMAIN, name, handler, schema=schema, supports_response=supports
        )
