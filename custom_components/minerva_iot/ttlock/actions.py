"""What every TTLock action shares: the lock a device is, input checks, times, count updates."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.action_targets import loaded_entry_of_device
from custom_components.minerva_iot.const import DOMAIN

from .coordinator import TTLockCoordinator
from .data import TTLockConfigEntry, TTLockData
from .errors import async_run_command
from .identifiers import lock_id_of_device

# No documented limit: the TTLock app cuts names at about this length (*unconfirmed*); a longer
# name is refused here rather than cut by the cloud.
MAX_NAME_LENGTH = 100


def invalid(key: str, **placeholders: str) -> ServiceValidationError:
    """The translated refusal of an input, raised before any cloud call."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def resolve_lock(hass: HomeAssistant, device_id: str) -> tuple[TTLockCoordinator, int]:
    """The coordinator of the loaded entry owning the device, and the lock id."""
    device = dr.async_get(hass).async_get(device_id)
    lock_id = lock_id_of_device(device) if device else None
    if device is None or lock_id is None:
        raise invalid("ttlock_not_a_lock", device_id=device_id)
    entry: TTLockConfigEntry | None = loaded_entry_of_device(hass, device, TTLockData)
    if entry is None:
        raise invalid("ttlock_entry_not_loaded")
    return entry.runtime_data.coordinator, lock_id


async def async_cloud[T](coordinator: TTLockCoordinator, call: Awaitable[T]) -> T:
    """Await a cloud call of an action; its errors become translated ones."""
    return await async_run_command(coordinator.hass, coordinator.config_entry, call)


def ms(value: datetime) -> int:
    """Epoch milliseconds; a time without zone is in Home Assistant's time zone."""
    return int(dt_util.as_utc(value).timestamp() * 1000)


def iso(milliseconds: int | None) -> str | None:
    """ISO 8601 (UTC) of epoch milliseconds."""
    if milliseconds is None:
        return None
    return dt_util.utc_from_timestamp(milliseconds / 1000).isoformat()


def now_ms() -> int:
    """Now, in epoch milliseconds."""
    return ms(dt_util.utcnow())


def checked_name(name: str | None) -> str | None:
    """A name without surrounding spaces; too long or blank is refused."""
    if name is None:
        return None
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise invalid("ttlock_invalid_name", max_length=str(MAX_NAME_LENGTH))
    return name


def checked_period(start: datetime | None, end: datetime | None) -> tuple[int, int] | None:
    """Both bounds or neither; the start before the end, the end in the future."""
    if (start is None) != (end is None):
        raise invalid("ttlock_period_incomplete")
    if start is None or end is None:
        return None
    start_ms, end_ms = ms(start), ms(end)
    if end_ms <= start_ms:
        raise invalid("ttlock_period_reversed")
    if end_ms <= now_ms():
        raise invalid("ttlock_period_in_past")
    return start_ms, end_ms


def access_count_signal(entry_id: str, lock_id: int) -> str:
    """The dispatcher signal that tells a lock's count sensors a fresh count."""
    return f"{DOMAIN}_ttlock_access_count_{entry_id}_{lock_id}"


def async_report_count(coordinator: TTLockCoordinator, lock_id: int, kind: str, count: int) -> None:
    """An action just learnt how many passcodes, cards or fingerprints a lock has."""
    async_dispatcher_send(
        coordinator.hass,
        access_count_signal(coordinator.config_entry.entry_id, lock_id),
        kind,
        count,
    )
