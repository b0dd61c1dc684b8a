"""One API call per write or service call; refusals as translated errors; pending tracking.

Before the call, what cannot succeed is refused without spending the daily budget: a property
the thing model does not let be written, a value outside its range or options, a device
reported OFFLINE, a rate-limit pause. After the call, the cloud's refusals (client commands.py)
become translated errors on the action; an accepted write waits in `PendingWrites`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from custom_components.minerva_iot.clients.milesight import (
    CommandResult,
    MilesightAuthError,
    MilesightClient,
    MilesightDeviceOfflineError,
    MilesightError,
    MilesightRateLimitError,
    MilesightReadOnlyError,
    MilesightValueError,
    check_write,
)
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.milesight.const import HEALTH_UPDATES_KEY
from custom_components.minerva_iot.milesight.data import MilesightConfigEntry
from custom_components.minerva_iot.milesight.models import DeviceState
from custom_components.minerva_iot.milesight.watchdog import expected_interval_s

from .kinds import control_spec, lorawan_class_a
from .pending import DEFAULT_INTERVAL_S, PendingWrite

ERROR_NO_API: Final = "milesight_control_needs_api"
ERROR_UNKNOWN_DEVICE: Final = "milesight_unknown_device"
ERROR_READ_ONLY: Final = "milesight_read_only"
ERROR_VALUE: Final = "milesight_value_invalid"
ERROR_OFFLINE: Final = "milesight_device_offline"
ERROR_RATE_LIMITED: Final = "milesight_write_rate_limited"
ERROR_UNKNOWN_SERVICE: Final = "milesight_unknown_service"
ERROR_AUTH: Final = "milesight_auth_failed"
ERROR_API: Final = "milesight_api_error"


def _error(
    translation_key: str, *, validation: bool = False, **placeholders: str
) -> HomeAssistantError:
    kind = ServiceValidationError if validation else HomeAssistantError
    return kind(
        translation_domain=DOMAIN,
        translation_key=translation_key,
        translation_placeholders=placeholders,
    )


def _target(entry: MilesightConfigEntry, sn: str) -> tuple[MilesightClient, DeviceState, str]:
    data = entry.runtime_data
    if data.client is None:
        raise _error(ERROR_NO_API, validation=True)
    device = data.fleet.devices.get(sn)
    if device is None or not device.device_id:
        raise _error(ERROR_UNKNOWN_DEVICE, validation=True, device=sn)
    if device.online is False:
        # MDP queues nothing for an offline device worth a call (*unconfirmed*); say it now.
        raise _error(ERROR_OFFLINE, device=device.name or sn)
    if data.coordinator.backoff.remaining() > 0:
        raise _error(ERROR_RATE_LIMITED)
    return data.client, device, device.device_id


@contextmanager
def _api_errors(entry: MilesightConfigEntry, device: DeviceState, key: str) -> Iterator[None]:
    """The client's errors as the action's translated errors (one place for both calls)."""
    data = entry.runtime_data
    name = device.name or device.sn
    try:
        yield
    except MilesightRateLimitError as err:
        data.coordinator.async_note_rate_limit(err)
        raise _error(ERROR_RATE_LIMITED) from err
    except MilesightDeviceOfflineError as err:
        raise _error(ERROR_OFFLINE, device=name) from err
    except MilesightReadOnlyError as err:
        raise _error(ERROR_READ_ONLY, validation=True, key=key) from err
    except MilesightValueError as err:
        raise _error(ERROR_VALUE, validation=True, key=key) from err
    except MilesightAuthError as err:
        entry.async_start_reauth(data.coordinator.hass)
        raise _error(ERROR_AUTH) from err
    except MilesightError as err:
        raise _error(ERROR_API, error=err.err_code or type(err).__name__) from err
    finally:
        data.updates.notify((HEALTH_UPDATES_KEY,))  # the API-calls sensor counted the call


def nested(key: str, value: Any) -> dict[str, Any]:
    """`a.b` = v as `{"a": {"b": v}}`: the shape MDP's write answer shows for structs."""
    parts = key.split(".")
    body: dict[str, Any] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        body = {part: body}
    return body


async def async_write_property(
    entry: MilesightConfigEntry, sn: str, key: str, value: Any
) -> PendingWrite:
    """Send one property write; it then waits for the device (pending.py)."""
    data = entry.runtime_data
    device = data.fleet.devices.get(sn)
    hint = device.hints.get(key) if device is not None else None
    if (
        hint is not None
        and (hint.data_type or "").upper() in ("INT", "LONG")
        and isinstance(value, float)
        and value.is_integer()
    ):
        value = int(value)  # 21.0 from a climate card is 21 for an integer property
    try:
        check_write(hint.as_thing_property(key) if hint else None, key, value)
    except MilesightReadOnlyError as err:
        raise _error(ERROR_READ_ONLY, validation=True, key=key) from err
    except MilesightValueError as err:
        raise _error(ERROR_VALUE, validation=True, key=key) from err
    client, device, device_id = _target(entry, sn)
    with _api_errors(entry, device, key):
        result = await client.async_write_properties(device_id, nested(key, value))
    spec = control_spec(device, key)
    write = PendingWrite(
        sn=sn,
        key=key,
        value=value,
        sent_at=dt_util.utcnow(),
        interval_s=expected_interval_s(device) or DEFAULT_INTERVAL_S,
        class_a=lorawan_class_a(device),
        setting=spec is not None and not spec.primary,
        name=(hint.name if hint else None) or key,
        task_id=result.task_id,
    )
    assert data.pending is not None  # created with the client
    data.pending.async_add(write)
    data.updates.notify((sn,))
    return write


async def async_call_service(
    entry: MilesightConfigEntry, sn: str, service_id: str, inputs: dict[str, Any]
) -> CommandResult:
    """Invoke one service of the device's thing model (one API call; result by webhook)."""
    client, device, device_id = _target(entry, sn)
    if device.services and service_id not in device.services:
        raise _error(ERROR_UNKNOWN_SERVICE, validation=True, service=service_id)
    with _api_errors(entry, device, service_id):
        return await client.async_call_service(device_id, service_id, inputs)
