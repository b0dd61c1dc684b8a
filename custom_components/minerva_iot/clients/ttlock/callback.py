"""Parse the TTLock "Callback URL" push (lock records notify) and describe record types.

The push is an untrusted `application/x-www-form-urlencoded` POST: `notifyType`, `lockId`, `lockMac`,
`admin` and `records`, a JSON array serialised as a string. A malformed or unknown record must not
spoil the others, so every record is validated on its own. Stdlib only: no Home Assistant here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
import json
from typing import Any

from .models import TTLockRecord, optional_int

# Pushes carry a handful of records; anything far larger is not a TTLock push.
MAX_RECORDS_PER_PUSH = 200


class CallbackFormatError(ValueError):
    """The push is not a TTLock lock-records notification."""


class RecordKind(StrEnum):
    """What a record means for the lock, used as the event type of the lock's event entity."""

    UNLOCKED = "unlocked"
    LOCKED = "locked"
    DOOR_OPENED = "door_opened"
    DOOR_CLOSED = "door_closed"
    ALARM = "alarm"
    FAILED_ATTEMPT = "failed_attempt"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class RecordType:
    """One cloud record type (`recordType`): its kind and the method that caused it."""

    kind: RecordKind
    method: str


def _types(kind: RecordKind, methods: Mapping[int, str]) -> dict[int, RecordType]:
    return {code: RecordType(kind, method) for code, method in methods.items()}


# Official "record type from cloud" list (reference §9); unknown codes are ignored by callers.
RECORD_TYPES: dict[int, RecordType] = {
    **_types(
        RecordKind.UNLOCKED,
        {
            1: "app",
            4: "passcode",
            7: "ic_card",
            8: "fingerprint",
            9: "wrist_strap",
            10: "mechanical_key",
            12: "gateway",
            46: "button",
            49: "hotel_card",
            50: "high_temperature",
            55: "remote",
            57: "qr_code",
            63: "passage_mode",
            67: "face",
            84: "palm_vein",
            92: "admin_passcode",
        },
    ),
    **_types(
        RecordKind.LOCKED,
        {
            11: "app",
            33: "fingerprint",
            34: "passcode",
            35: "ic_card",
            36: "mechanical_key",
            45: "auto_lock",
            47: "button",
            61: "qr_code",
            69: "face",
        },
    ),
    30: RecordType(RecordKind.DOOR_CLOSED, "door_sensor"),
    31: RecordType(RecordKind.DOOR_OPENED, "door_sensor"),
    **_types(
        RecordKind.ALARM,
        {29: "forced_open", 44: "tamper", 48: "system_locked", 64: "door_not_closed"},
    ),
    **_types(
        RecordKind.FAILED_ATTEMPT,
        dict.fromkeys((51, 58, 62, 68, 71, 85, 88, 91), "failed_attempt"),
    ),
    **_types(
        RecordKind.OTHER,
        {
            32: "opened_from_inside",
            52: "deadlock_app",
            53: "deadlock_passcode",
            59: "double_lock_on",
            60: "double_lock_off",
            65: "unlock_timeout",
            66: "lock_timeout",
        },
    ),
}


def describe_record_type(record_type: int) -> RecordType | None:
    """Return the kind and method of a cloud record type, or None when it is unknown."""
    return RECORD_TYPES.get(record_type)


@dataclass(frozen=True, slots=True)
class CallbackPush:
    """A whole push: the lock it names and its valid records."""

    notify_type: int | None
    lock_id: int
    lock_mac: str | None
    admin: str | None
    records: list[TTLockRecord]
    skipped_records: int


def _parse_record(raw: Any, default_lock_id: int) -> TTLockRecord | None:
    if not isinstance(raw, dict):
        return None
    try:
        return TTLockRecord.from_api(raw, lock_id=default_lock_id)
    except ValueError:
        return None


def _decode_records(values: list[str]) -> list[Any]:
    decoded: list[Any] = []
    for value in values:
        try:
            items = json.loads(value)
        except (ValueError, RecursionError) as err:
            # RecursionError: nesting deeper than the interpreter allows (an attack, never TTLock).
            raise CallbackFormatError("records is not JSON") from err
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            raise CallbackFormatError("records is not a JSON array")
        decoded.extend(items)
    if len(decoded) > MAX_RECORDS_PER_PUSH:
        raise CallbackFormatError("too many records")
    return decoded


def parse_callback(fields: Iterable[tuple[str, str]]) -> CallbackPush:
    """Parse the decoded form fields of a push (a field may repeat, e.g. `records`).

    Raises CallbackFormatError when the push has no usable `lockId` or `records` is not a JSON
    array; a push without `records` (the developer console's test push may send none) has no
    records. Single malformed records are skipped and counted in `skipped_records`.
    """
    single: dict[str, str] = {}
    record_values: list[str] = []
    for key, value in fields:
        if key == "records":
            record_values.append(value)
        else:
            single.setdefault(key, value)
    lock_id = optional_int(single.get("lockId"))
    if lock_id is None:
        raise CallbackFormatError("lockId missing or not a number")
    raw_records = _decode_records(record_values)
    records = [
        record
        for record in (_parse_record(raw, lock_id) for raw in raw_records)
        if record is not None
    ]
    return CallbackPush(
        notify_type=optional_int(single.get("notifyType")),
        lock_id=lock_id,
        lock_mac=single.get("lockMac"),
        admin=single.get("admin"),
        records=records,
        skipped_records=len(raw_records) - len(records),
    )
