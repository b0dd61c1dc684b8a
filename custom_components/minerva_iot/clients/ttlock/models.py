"""Typed views of the TTLock Open API objects (locks, gateways, records, passcodes).

Parsers are tolerant: the cloud sends numbers as JSON numbers, callbacks sometimes as strings, and
optional fields are often missing. Secrets the integration never needs (``lockData``, ``aesKeyStr``,
admin passcodes, ...) are stripped from ``raw`` so they cannot leak into logs or diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

# Lock secrets returned by lock/list and lock/detail (reference §4.1); never kept.
LOCK_SECRET_FIELDS: frozenset[str] = frozenset(
    {"lockData", "noKeyPwd", "adminPwd", "deletePwd", "lockKey", "aesKeyStr"}
)


class Feature(IntEnum):
    """Bit numbers of the hexadecimal ``featureValue`` (reference §5)."""

    PASSCODE = 0
    IC_CARD = 1
    FINGERPRINT = 2
    AUTO_LOCK_TIME = 4
    LOCK_COMMAND = 8
    GATEWAY_UNLOCK = 10
    DOOR_SENSOR = 13
    REMOTE_UNLOCK_SWITCH = 14
    SOUND = 15
    PASSAGE_MODE = 22
    PASSAGE_MODE_AUTO_LOCK_OFF = 23
    PASSAGE_MODE_EXCEPTIONS = 33
    PASSAGE_MODE_AUTO_UNLOCK = 46
    WIRELESS_DOOR_SENSOR = 50
    DOOR_UNLOCKED_ALERT = 51
    WIFI_LOCK = 56


class OpenState(IntEnum):
    """``state`` of v3/lock/queryOpenState."""

    LOCKED = 0
    UNLOCKED = 1
    UNKNOWN = 2


def optional_int(value: Any) -> int | None:
    """Return ``value`` as int (accepting numeric strings), or None when absent or malformed."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def optional_str(value: Any) -> str | None:
    """Return ``value`` as a non-empty string, or None."""
    if value is None:
        return None
    text = str(value)
    return text or None


def required_int(data: dict[str, Any], key: str) -> int:
    """Return ``data[key]`` as int or raise ``ValueError`` naming the field."""
    value = optional_int(data.get(key))
    if value is None:
        raise ValueError(f"missing or invalid {key}")
    return value


def feature_bits(feature_value: str | None) -> int:
    """Parse the hexadecimal ``featureValue`` string (0 when absent or malformed)."""
    if not feature_value:
        return 0
    try:
        return int(feature_value, 16)
    except ValueError:
        return 0


def _on_off(value: Any) -> bool | None:
    """TTLock switches are 1 = on, 2 = off; anything else is unknown."""
    number = optional_int(value)
    if number == 1:
        return True
    if number == 2:
        return False
    return None


@dataclass(frozen=True)
class TTLockLock:
    """A lock as returned by v3/lock/list (partial) or v3/lock/detail (complete)."""

    lock_id: int
    name: str
    alias: str | None
    mac: str | None
    battery: int | None
    feature_value: str | None
    has_gateway: bool
    auto_lock_time: int | None
    passage_mode: bool | None
    firmware: str | None
    model: str | None
    raw: dict[str, Any]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> TTLockLock:
        """Build from a lock/list item or a lock/detail body (secrets removed from ``raw``)."""
        lock_id = required_int(data, "lockId")
        return cls(
            lock_id=lock_id,
            name=optional_str(data.get("lockName")) or str(lock_id),
            alias=optional_str(data.get("lockAlias")),
            mac=optional_str(data.get("lockMac")),
            battery=optional_int(data.get("electricQuantity")),
            feature_value=optional_str(data.get("featureValue")),
            has_gateway=bool(optional_int(data.get("hasGateway"))),
            auto_lock_time=optional_int(data.get("autoLockTime")),
            passage_mode=_on_off(data.get("passageMode")),
            firmware=optional_str(data.get("firmwareRevision")),
            model=optional_str(data.get("modelNum")),
            raw={key: value for key, value in data.items() if key not in LOCK_SECRET_FIELDS},
        )

    @property
    def display_name(self) -> str:
        """The name the user gave the lock in the app (``lockAlias``), else ``lockName``."""
        return self.alias or self.name

    def supports(self, feature: Feature) -> bool:
        """Whether bit ``feature`` of ``featureValue`` is set."""
        return bool((feature_bits(self.feature_value) >> int(feature)) & 1)

    @property
    def sound_enabled(self) -> bool | None:
        """``lockSound`` of lock/detail (1 on, 2 off, 0 or missing unknown)."""
        return _on_off(self.raw.get("lockSound"))

    @property
    def timezone_raw_offset(self) -> int | None:
        """``timezoneRawOffset`` of lock/detail: the lock's time zone, in ms from UTC."""
        return optional_int(self.raw.get("timezoneRawOffset"))

    @property
    def remotely_reachable(self) -> bool:
        """hass-ttlock's rule: commands can reach the lock through a gateway or its own WiFi."""
        return self.has_gateway or self.supports(Feature.WIFI_LOCK)


@dataclass(frozen=True)
class TTLockOpenStatus:
    """Answer of v3/lock/queryOpenState: the bolt and, with a door sensor, the door."""

    state: OpenState
    # ``sensorState`` 1 closed / 0 open as hass-ttlock reads it (unconfirmed in the docs);
    # None when the lock has no door sensor.
    door_closed: bool | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> TTLockOpenStatus:
        """Build from the queryOpenState body (unknown values give ``OpenState.UNKNOWN``)."""
        state = optional_int(data.get("state"))
        sensor = optional_int(data.get("sensorState"))
        return cls(
            state=OpenState(state) if state in (0, 1) else OpenState.UNKNOWN,
            door_closed=None if sensor not in (0, 1) else sensor == 1,
        )


@dataclass(frozen=True)
class TTLockGateway:
    """A gateway of v3/gateway/list."""

    gateway_id: int
    name: str
    is_online: bool
    lock_num: int | None
    raw: dict[str, Any]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> TTLockGateway:
        """Build from a gateway/list or gateway/listByLock item."""
        gateway_id = required_int(data, "gatewayId")
        return cls(
            gateway_id=gateway_id,
            name=optional_str(data.get("gatewayName")) or str(gateway_id),
            is_online=optional_int(data.get("isOnline")) == 1,
            lock_num=optional_int(data.get("lockNum")),
            raw=dict(data),
        )

    @property
    def mac(self) -> str | None:
        """``gatewayMac`` when the cloud sent it."""
        return optional_str(self.raw.get("gatewayMac"))


@dataclass(frozen=True)
class TTLockRecord:
    """A lock record from v3/lockRecord/list or from a callback push (``records`` item)."""

    lock_id: int
    record_type: int
    success: bool
    username: str | None
    keyboard_pwd: str | None
    lock_date: int
    server_date: int | None
    electric_quantity: int | None
    raw: dict[str, Any]

    @classmethod
    def from_api(cls, data: dict[str, Any], *, lock_id: int | None = None) -> TTLockRecord:
        """Build from one record; ``lock_id`` is used when the record itself has none.

        Raises ``ValueError`` for a record without usable ``recordType`` / ``lockDate`` / lock id,
        so a caller can drop one malformed record and keep the others.
        """
        record_lock_id = optional_int(data.get("lockId"))
        if record_lock_id is None:
            record_lock_id = lock_id
        if record_lock_id is None:
            raise ValueError("missing or invalid lockId")
        return cls(
            lock_id=record_lock_id,
            record_type=required_int(data, "recordType"),
            success=optional_int(data.get("success")) == 1,
            username=optional_str(data.get("username")),
            keyboard_pwd=optional_str(data.get("keyboardPwd")),
            lock_date=required_int(data, "lockDate"),
            server_date=optional_int(data.get("serverDate")),
            electric_quantity=optional_int(data.get("electricQuantity")),
            raw=dict(data),
        )

    @property
    def record_id(self) -> int | None:
        """``recordId`` (only lockRecord/list items carry it; real pushes have none)."""
        return optional_int(self.raw.get("recordId"))

    @property
    def record_type_from_lock(self) -> int | None:
        """``recordTypeFromLock``: the lock's own number for the record (pushes and lists)."""
        return optional_int(self.raw.get("recordTypeFromLock"))


@dataclass(frozen=True)
class TTLockDoorSensor:
    """The door sensor bound to a lock (v3/doorSensor/query)."""

    door_sensor_id: int | None
    name: str | None
    battery: int | None
    raw: dict[str, Any]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> TTLockDoorSensor:
        """Build from the doorSensor/query body."""
        return cls(
            door_sensor_id=optional_int(data.get("doorSensorId")),
            name=optional_str(data.get("name")),
            battery=optional_int(data.get("electricQuantity")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class TTLockPasscode:
    """A passcode of v3/lock/listKeyboardPwd (times in ms; None = permanent)."""

    passcode_id: int
    passcode: str | None
    name: str | None
    start: int | None
    end: int | None
    raw: dict[str, Any]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> TTLockPasscode:
        """Build from a listKeyboardPwd item (0 start/end dates mean "no limit")."""
        return cls(
            passcode_id=required_int(data, "keyboardPwdId"),
            passcode=optional_str(data.get("keyboardPwd")),
            name=optional_str(data.get("keyboardPwdName")),
            start=optional_int(data.get("startDate")) or None,
            end=optional_int(data.get("endDate")) or None,
            raw=dict(data),
        )

    @property
    def passcode_type(self) -> int | None:
        """``keyboardPwdType``: 1 one-time, 2 permanent, 3 period, 5-14 cyclic (passcode/get.md)."""
        return optional_int(self.raw.get("keyboardPwdType"))

    @property
    def added_by(self) -> str | None:
        """``senderUsername``: the account that added it."""
        return optional_str(self.raw.get("senderUsername"))
