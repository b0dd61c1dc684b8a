"""Parse the TTLock "Callback URL" push (lock records notify) and describe record types.

The push is an untrusted `application/x-www-form-urlencoded` POST: `notifyType`, `lockId`, `lockMac`,
`admin` and `records`, a JSON array serialised as a string. A malformed or unknown record must not
spoil the others, so every record is validated on its own. Stdlib only: no Home Assistant here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
import json
from typing import Any
from urllib.parse import parse_qsl

from .models import TTLockRecord, optional_int

# The developer console's "test" button posts fake data (hass-ttlock #128, captured field for
# field): top-level lockId 222 with admin test@ttlock.com, one record of lockId 232332, no
# username. It proves the Callback URL works and concerns no real lock.
CONSOLE_TEST_LOCK_ID = 222
CONSOLE_TEST_RECORD_LOCK_ID = 232332
CONSOLE_TEST_ADMIN = "test@ttlock.com"


class CallbackFormatError(ValueError):
    """The push is not a TTLock lock-records notification."""


class CallbackTooLargeError(CallbackFormatError):
    """The push's body is larger than the caller's cap (HTTP 413)."""


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


# The cloud's record types (`recordType`, "record type from cloud"). The official list is not
# mirrored publicly: meanings come from hass-ttlock's `models.py` (RecordType names and Event
# descriptions), tonyldo/ttlockio's older copy of the list and the reference §9, as collected in
# simulators/ttlock/field_facts.md §6. *unconfirmed* marks a type known only by a constant name;
# *inferred* a kind the description implies without saying it. Types with no public meaning at all
# (13-28, 38-41, 56, 70, 72-74, 87, 89, 90) are absent: callers report them as unknown and change
# no state.
RECORD_TYPES: dict[int, RecordType] = {
    **_types(
        RecordKind.UNLOCKED,
        {
            1: "app",  # Bluetooth, from the app
            3: "gateway",  # "gateway unlock" of the older list (*unconfirmed*)
            4: "passcode",
            7: "ic_card",
            8: "fingerprint",
            9: "wrist_strap",
            10: "mechanical_key",
            12: "gateway",  # remote unlock through a gateway or WiFi (#42 captures)
            32: "inside_handle",  # "open from inside" (*inferred*: the bolt was withdrawn)
            46: "button",
            49: "hotel_card",
            50: "high_temperature",
            55: "remote",  # key fob
            57: "qr_code",
            63: "passage_mode",  # auto-unlock when a passage period starts
            67: "face",
            75: "app_authorized_button",  # *unconfirmed*: a constant name only
            76: "gateway_authorized_button",  # *unconfirmed*: a constant name only
            77: "dual_app",  # 77-83: dual authentication
            78: "dual_passcode",
            79: "dual_fingerprint",
            80: "dual_ic_card",
            81: "dual_face",
            82: "dual_remote",
            83: "dual_palm_vein",
            84: "palm_vein",
            92: "admin_passcode",
        },
    ),
    **_types(
        RecordKind.LOCKED,
        {
            11: "app",  # "lock by app"; also what a remote lock command records
            33: "fingerprint",
            34: "passcode",
            35: "ic_card",
            36: "mechanical_key",
            45: "auto_lock",
            47: "button",
            52: "deadlock_app",  # "dead lock with app" (*inferred*: a deadlock is locked)
            53: "deadlock_passcode",  # "dead lock with passcode" (*inferred*)
            61: "qr_code",
            69: "face",
            86: "palm_vein",  # PALM_VEIN_ATRESIA (*unconfirmed*: a constant name only)
        },
    ),
    30: RecordType(RecordKind.DOOR_CLOSED, "door_sensor"),
    31: RecordType(RecordKind.DOOR_OPENED, "door_sensor"),
    **_types(
        RecordKind.ALARM,
        {
            29: "forced_open",  # "apply some force on the lock"
            44: "tamper",
            48: "system_locked",  # after too many invalid passcodes, fingerprints or cards
            64: "door_not_closed",
        },
    ),
    **_types(
        RecordKind.FAILED_ATTEMPT,
        {
            51: "ic_card",  # a deleted card
            58: "qr_code",  # expired
            62: "qr_code",  # the lock is double locked
            68: "face",
            71: "face",  # expired
            85: "palm_vein",
            88: "palm_vein",  # expired
            91: "ic_card",
        },
    ),
    **_types(
        RecordKind.OTHER,
        {
            2: "parking_lock",  # "touch the parking lock"
            5: "parking_lock",  # raise
            6: "parking_lock",  # lower
            37: "remote_control",  # "remote control" button: lock or unlock *unconfirmed*
            42: "mailbox",  # post-office locks: new local mail
            43: "mailbox",  # mail from other cities
            54: "parking_lock",  # the car left
            59: "double_lock_on",
            60: "double_lock_off",
            65: "unlock_timeout",  # UNLOCK_TIMEOUT (*unconfirmed*: a constant name only)
            66: "lock_timeout",  # LOCKOUT_TIMEOUT (*unconfirmed*: a constant name only)
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
    # Valid records beyond the caller's `max_records`: the oldest, not in `records`.
    overflow_records: list[TTLockRecord] = field(default_factory=list)

    @property
    def is_console_test(self) -> bool:
        """Whether this is the developer console's test push (see `CONSOLE_TEST_LOCK_ID`).

        The top-level lockId 222 with the console's admin account, or with only records of its
        fake lock 232332 (the capture's other fields are not documented: either suffices).
        """
        if self.lock_id != CONSOLE_TEST_LOCK_ID:
            return False
        return self.admin == CONSOLE_TEST_ADMIN or (
            bool(self.records)
            and all(record.lock_id == CONSOLE_TEST_RECORD_LOCK_ID for record in self.records)
        )


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
    return decoded


def decode_callback_form(body: bytes, *, max_body_bytes: int) -> list[tuple[str, str]]:
    """The form fields of a push body, in order; the caller chooses the cap.

    TTLock documents no maximum: a gateway back after an outage may push a backlog.
    """
    if len(body) > max_body_bytes:
        raise CallbackTooLargeError(f"body larger than {max_body_bytes} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CallbackFormatError("body is not UTF-8") from err
    return parse_qsl(text, keep_blank_values=True)


def _newest(
    records: list[TTLockRecord], limit: int | None
) -> tuple[list[TTLockRecord], list[TTLockRecord]]:
    """The newest `limit` records by the lock's time (then position) in push order, the rest."""
    if limit is None or len(records) <= limit:
        return records, []
    by_age = sorted(range(len(records)), key=lambda index: (records[index].lock_date, index))
    kept = set(by_age[-limit:]) if limit > 0 else set()
    return (
        [record for index, record in enumerate(records) if index in kept],
        [record for index, record in enumerate(records) if index not in kept],
    )


def parse_callback(
    fields: Iterable[tuple[str, str]], *, max_records: int | None = None
) -> CallbackPush:
    """Parse the decoded form fields of a push (a field may repeat, e.g. `records`).

    Raises CallbackFormatError when the push has no usable `lockId` or `records` is not a JSON
    array; a push without `records` (the developer console's test push may send none) has no
    records. Single malformed records are skipped and counted in `skipped_records`. Beyond
    `max_records` valid records, the newest are kept and the others are `overflow_records`.
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
    valid = [
        record
        for record in (_parse_record(raw, lock_id) for raw in raw_records)
        if record is not None
    ]
    records, overflow = _newest(valid, max_records)
    return CallbackPush(
        notify_type=optional_int(single.get("notifyType")),
        lock_id=lock_id,
        lock_mac=single.get("lockMac"),
        admin=single.get("admin"),
        records=records,
        skipped_records=len(raw_records) - len(valid),
        overflow_records=overflow,
    )
