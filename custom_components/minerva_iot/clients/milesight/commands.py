"""Property writes and service calls: request bodies, results, and the cloud's refusals.

Shapes (MDP API reference "Update Device Properties Incrementally" and "Invoke Device Services
Asynchronously"; Milesight's own MDP client, beaver-iot-integrations msc-integration
`MscDeviceService`: `updateProperties(deviceId, {properties})`, `callService(deviceId,
{serviceId, inputs})`):

    PATCH {base}/device/openapi/v1/devices/{deviceId}/properties  {"properties": {...}}
      → data {"properties": {...the properties accepted...}}
    POST  {base}/device/openapi/v1/devices/{deviceId}/services/call  {"serviceId": ..., "inputs": {...}}
      → no data documented (status and requestId only)

Both are asynchronous: the device applies the write at its next downlink window, and the
outcome arrives later as a webhook (TASK_DATA, a SERVICE delivery, or the next uplink).

*unconfirmed*: a task id in either answer (none is documented; `data.taskId` is read when
present), and every errCode of a refused write: no public source lists them. The codes below
are the names a refusal would plausibly carry; anything else stays a MilesightResponseError
that names its errCode. A rate limit is HTTP 429 only (transport.py).
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any

from .errors import (
    MilesightCommandError,
    MilesightDeviceOfflineError,
    MilesightReadOnlyError,
    MilesightResponseError,
    MilesightValueError,
)
from .models import ThingProperty

# *unconfirmed* errCodes (see the module docstring), lower-cased before the look-up.
OFFLINE_CODES = frozenset({"device_offline", "device_not_online", "device_disconnected"})
READ_ONLY_CODES = frozenset(
    {"property_read_only", "property_not_writable", "access_denied_property", "service_not_found"}
)
VALUE_CODES = frozenset(
    {"parameter_invalid", "value_out_of_range", "property_value_invalid", "parameter_out_of_range"}
)


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What the cloud answered to an accepted write or call.

    `task_id`: the task the outcome will name (*unconfirmed*: MDP documents none in these
    answers; None when absent). `accepted`: the properties the cloud says it took.
    """

    task_id: str | None = None
    accepted: dict[str, Any] | None = None

    @classmethod
    def from_data(cls, data: Any) -> CommandResult:
        """Read the success envelope's `data` (None for a service call)."""
        if not isinstance(data, dict):
            return cls()
        task = data.get("taskId")
        accepted = data.get("properties")
        return cls(
            task_id=None if task in (None, "") else str(task),
            accepted=accepted if isinstance(accepted, dict) else None,
        )


def command_error(err: MilesightResponseError, key: str | None) -> MilesightResponseError:
    """The refusal as the subclass that says why (the original when the code is unknown)."""
    code = (err.err_code or "").lower()
    kind: type[MilesightCommandError] | None = None
    if code in OFFLINE_CODES:
        kind = MilesightDeviceOfflineError
    elif code in READ_ONLY_CODES:
        kind = MilesightReadOnlyError
    elif code in VALUE_CODES:
        kind = MilesightValueError
    if kind is None:
        return err
    return kind(
        str(err),
        status=err.status,
        err_code=err.err_code,
        err_msg=err.err_msg,
        request_id=err.request_id,
    ).for_key(key)


def check_write(prop: ThingProperty | None, key: str, value: Any) -> None:
    """Refuse, before any call, what the thing model says the cloud would refuse.

    A property the thing model does not list, or lists read-only, cannot be written; a number
    outside its validator's range or an option it does not map is not sent. Saves the daily
    budget a refused call would cost.
    """
    if prop is None or not prop.writable:
        raise MilesightReadOnlyError(f"{key} is not writable").for_key(key)
    data_type = (prop.data_type or "").upper()
    if prop.enum and data_type in ("ENUM", "BOOL"):
        if _raw_text(value) not in prop.enum and str(value).lower() not in prop.enum:
            raise MilesightValueError(f"{key}: {value!r} is not an option").for_key(key)
        return
    if data_type in ("INT", "LONG", "FLOAT", "DOUBLE"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise MilesightValueError(f"{key}: a number is expected").for_key(key)
        if not math.isfinite(value):
            raise MilesightValueError(f"{key}: not a finite number").for_key(key)
        if (prop.minimum is not None and value < prop.minimum) or (
            prop.maximum is not None and value > prop.maximum
        ):
            raise MilesightValueError(f"{key}: {value} is out of range").for_key(key)
        if data_type in ("INT", "LONG") and not float(value).is_integer():
            raise MilesightValueError(f"{key}: a whole number is expected").for_key(key)


def _raw_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
