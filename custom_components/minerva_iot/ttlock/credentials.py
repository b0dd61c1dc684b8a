"""TTLock IC card and fingerprint actions: list, rename, change validity, delete.

One set of handlers for both kinds (the cloud's endpoints differ only by prefix and field
names). Every action naming a card or fingerprint first reads the lock's list (a cloud read that
does not wake the lock): an unknown id is refused before any call reaches the gateway, and the
answer names what was changed.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from custom_components.minerva_iot.clients.ttlock import CredentialKind, TTLockCredential

from .actions import (
    async_cloud,
    async_report_count,
    checked_name,
    checked_period,
    invalid,
    iso,
    resolve_lock,
)
from .coordinator import TTLockCoordinator

ATTR_DEVICE_ID = "device_id"
ATTR_NAME = "name"
ATTR_START = "start"
ATTR_END = "end"

UNKNOWN_KEYS = {
    CredentialKind.CARD: "ttlock_card_unknown",
    CredentialKind.FINGERPRINT: "ttlock_fingerprint_unknown",
}
# The count sensors' and the response's word for each kind.
PLURAL = {CredentialKind.CARD: "cards", CredentialKind.FINGERPRINT: "fingerprints"}

type Handler = Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]


def id_field(kind: CredentialKind) -> str:
    """``card_id`` / ``fingerprint_id``: the action field naming one."""
    return f"{kind.value}_id"


def credential_view(credential: TTLockCredential) -> dict[str, Any]:
    """What an action answers about a card or fingerprint (never its number)."""
    return {
        id_field(credential.kind): credential.credential_id,
        "name": credential.name,
        "start": iso(credential.start),
        "end": iso(credential.end),
        "permanent": credential.start is None and credential.end is None,
        "cyclic": credential.cyclic,
        "added_by": credential.added_by,
        "created": iso(credential.created),
    }


def schemas(kind: CredentialKind) -> dict[str, vol.Schema]:
    """The list, rename, change-period and delete schemas of one kind."""
    device = {vol.Required(ATTR_DEVICE_ID): cv.string}
    one = {**device, vol.Required(id_field(kind)): vol.Coerce(int)}
    return {
        "list": vol.Schema(device),
        "rename": vol.Schema({**one, vol.Required(ATTR_NAME): cv.string}),
        "change_period": vol.Schema(
            {**one, vol.Required(ATTR_START): cv.datetime, vol.Required(ATTR_END): cv.datetime}
        ),
        "delete": vol.Schema(one),
    }


async def _async_listed(
    coordinator: TTLockCoordinator, kind: CredentialKind, lock_id: int
) -> list[TTLockCredential]:
    credentials = await async_cloud(
        coordinator, coordinator.client.async_list_credentials(kind, lock_id)
    )
    async_report_count(coordinator, lock_id, PLURAL[kind], len(credentials))
    return credentials


async def _async_find(
    call: ServiceCall, kind: CredentialKind
) -> tuple[TTLockCoordinator, int, TTLockCredential, int]:
    """The card or fingerprint the call names, and how many the lock has."""
    coordinator, lock_id = resolve_lock(call.hass, call.data[ATTR_DEVICE_ID])
    wanted: int = call.data[id_field(kind)]
    listed = await _async_listed(coordinator, kind, lock_id)
    for credential in listed:
        if credential.credential_id == wanted:
            return coordinator, lock_id, credential, len(listed)
    raise invalid(UNKNOWN_KEYS[kind])


def handlers(kind: CredentialKind) -> dict[str, Handler]:
    """The list, rename, change-period and delete handlers of one kind."""

    async def async_list(call: ServiceCall) -> ServiceResponse:
        coordinator, lock_id = resolve_lock(call.hass, call.data[ATTR_DEVICE_ID])
        credentials = await _async_listed(coordinator, kind, lock_id)
        return {PLURAL[kind]: [credential_view(credential) for credential in credentials]}

    async def async_rename(call: ServiceCall) -> ServiceResponse:
        name = checked_name(call.data[ATTR_NAME])
        assert name is not None  # a required field
        coordinator, lock_id, credential, _ = await _async_find(call, kind)
        await async_cloud(
            coordinator,
            coordinator.client.async_rename_credential(
                kind, lock_id, credential.credential_id, name
            ),
        )
        return {**credential_view(credential), "name": name, "previous_name": credential.name}

    async def async_change_period(call: ServiceCall) -> ServiceResponse:
        period = checked_period(call.data[ATTR_START], call.data[ATTR_END])
        assert period is not None  # both are required fields
        coordinator, lock_id, credential, _ = await _async_find(call, kind)
        await async_cloud(
            coordinator,
            coordinator.client.async_change_credential_period(
                kind, lock_id, credential.credential_id, *period
            ),
        )
        return {
            **credential_view(credential),
            "start": iso(period[0]),
            "end": iso(period[1]),
            "permanent": False,
        }

    async def async_delete(call: ServiceCall) -> ServiceResponse:
        coordinator, lock_id, credential, count = await _async_find(call, kind)
        await async_cloud(
            coordinator,
            coordinator.client.async_delete_credential(kind, lock_id, credential.credential_id),
        )
        async_report_count(coordinator, lock_id, PLURAL[kind], count - 1)
        return credential_view(credential)

    return {
        "list": async_list,
        "rename": async_rename,
        "change_period": async_change_period,
        "delete": async_delete,
    }
