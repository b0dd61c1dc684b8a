"""Diagnostic count sensors of a lock: passcodes, IC cards, fingerprints (disabled by default).

Counting costs a cloud read (a list call, which does not wake the lock), so a count is read only
while its sensor is enabled: once when it is added, then once per slow tier (the poll interval
of lock details, default 6 h). Every access action that lists or changes the lock's passcodes,
cards or fingerprints tells the sensors the count it saw, for free.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
import logging

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_track_time_interval

from custom_components.minerva_iot.clients.ttlock import (
    CredentialKind,
    TTLockClient,
    TTLockError,
)

from .actions import access_count_signal
from .entity import LockDevice, TTLockEntity, TTLockEntityDescription

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class TTLockCountDescription(SensorEntityDescription, TTLockEntityDescription):
    """A count of one kind of access credential of a lock."""

    # The word the actions report counts under (access_count_signal).
    kind: str
    count_fn: Callable[[TTLockClient, int], Awaitable[int]]


async def _passcodes(client: TTLockClient, lock_id: int) -> int:
    return len(await client.async_list_passcodes(lock_id))


async def _cards(client: TTLockClient, lock_id: int) -> int:
    return len(await client.async_list_credentials(CredentialKind.CARD, lock_id))


async def _fingerprints(client: TTLockClient, lock_id: int) -> int:
    return len(await client.async_list_credentials(CredentialKind.FINGERPRINT, lock_id))


COUNT_SENSORS: tuple[TTLockCountDescription, ...] = tuple(
    TTLockCountDescription(
        key=f"{kind.removesuffix('s')}_count",
        translation_key=f"ttlock_{kind.removesuffix('s')}_count",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        kind=kind,
        count_fn=count_fn,
    )
    for kind, count_fn in (
        ("passcodes", _passcodes),
        ("cards", _cards),
        ("fingerprints", _fingerprints),
    )
)


class TTLockCountSensor(TTLockEntity[LockDevice], SensorEntity):
    """How many passcodes, cards or fingerprints a lock has."""

    entity_description: TTLockCountDescription
    _count: int | None = None

    @property
    def native_value(self) -> int | None:
        """The last count read or reported."""
        return self._count

    async def async_added_to_hass(self) -> None:
        """Listen to the actions' counts, read on the slow tier, and read once now."""
        await super().async_added_to_hass()
        coordinator = self.device.coordinator
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                access_count_signal(coordinator.config_entry.entry_id, self.device.lock_id),
                self._async_reported,
            )
        )
        self.async_on_remove(
            async_track_time_interval(
                self.hass,
                self._async_read,
                coordinator.options.slow_interval,
                name=f"TTLock {self.entity_description.kind} count",
                cancel_on_shutdown=True,
            )
        )
        self.hass.async_create_background_task(
            self._async_read(), f"TTLock {self.entity_description.kind} count"
        )

    @callback
    def _async_reported(self, kind: str, count: int) -> None:
        if kind == self.entity_description.kind and count != self._count:
            self._count = count
            self.async_write_ha_state()

    async def _async_read(self, _now: datetime | None = None) -> None:
        try:
            count = await self.entity_description.count_fn(
                self.device.coordinator.client, self.device.lock_id
            )
        except TTLockError as err:
            # The last count stays: the next slow tier or action tells a fresh one.
            _LOGGER.debug("Could not count the %s of a lock: %s", self.entity_description.kind, err)
            return
        self._async_reported(self.entity_description.kind, count)
