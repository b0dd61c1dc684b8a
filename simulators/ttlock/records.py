"""Lock records and the "Callback URL" push form (field_facts.md §4, §5).

A record carries the cloud's ``recordType`` and the lock's own ``recordTypeFromLock``
(lockRecord/list.md). The lock's numbers come from the TTLock BLE log types in
kind3r/ttlock-sdk-js ``LogOperate.ts`` (17 IC card, 20 fingerprint, 26 app / gateway lock,
27 mechanical key, 28 gateway unlock, 7 wrong passcode, 22 / 25 refused fingerprint / card) and
match the captures: card 7/17 (reference §8), wrong passcode 4/7 with success 0 (PR #170),
console test push 4/4 (#128). Types the SDK numbers like the cloud (30-36, 45-47, 55) keep the
cloud's number (*inferred* for 45-47: the SDK gives them "no parameters").
"""

from __future__ import annotations

import json
from typing import Any

from .model import SimulatedLock

# method -> (recordType when unlocking, recordType when locking), reference §9. The cloud has no
# documented record type for a lock command sent through the gateway; the simulator uses 11
# ("lock by app"), the nearest documented one.
RECORD_TYPES: dict[str, tuple[int | None, int | None]] = {
    "app": (1, 11),
    "gateway": (12, 11),
    "passcode": (4, 34),
    "card": (7, 35),
    "fingerprint": (8, 33),
    "key": (10, 36),
    "button": (46, 47),
    "auto": (None, 45),
    "face": (67, 69),
    "qr_code": (57, 61),
    "remote": (55, None),
    "passage": (63, None),
}
DOOR_CLOSED = 30
DOOR_OPENED = 31
AUTO_LOCK = 45

# (recordType, success) -> recordTypeFromLock where the lock numbers differ (see module doc).
_FROM_LOCK: dict[tuple[int, bool], int] = {
    (7, True): 17,
    (8, True): 20,
    (10, True): 27,
    (11, True): 26,
    (12, True): 28,
    (4, False): 7,
    (7, False): 25,
    (8, False): 22,
}

# Who the record names and which credential it shows, per method (fake values).
_OPERATORS: dict[str, tuple[str | None, str]] = {
    "passcode": ("Guest code", "482913"),
    "card": ("Cleaner card", "3051234567"),
    "fingerprint": ("Right thumb", "2"),
}

# Push fields the cloud does not send (the list API has them): recordId (notify.md, #128 capture).
_LIST_ONLY_FIELDS = ("recordId",)
# Fields the first simulator's pushes lacked; kept out of its default "legacy" shape so that
# snapshots of pushed records stay as they were.
_REAL_ONLY_FIELDS = ("recordTypeFromLock",)

# The developer console's "test" push, captured in hass-ttlock #128: top-level lockId 222, a
# record of lockId 232332, no username, admin test@ttlock.com, lockDate == serverDate.
TEST_PUSH_LOCK_ID = 222
TEST_PUSH_RECORD_LOCK_ID = 232332
TEST_PUSH_ADMIN = "test@ttlock.com"
TEST_PUSH_MAC = "22:22:22:22:22:22"


def record_type_for(method: str, locked: bool) -> int:
    """The cloud recordType of a lock (``locked``) or unlock operation by ``method``."""
    if method not in RECORD_TYPES:
        raise ValueError(f"unknown method {method!r}; expected one of {sorted(RECORD_TYPES)}")
    unlock_type, lock_type = RECORD_TYPES[method]
    chosen = lock_type if locked else unlock_type
    if chosen is None:
        raise ValueError(f"method {method!r} can only {'unlock' if locked else 'lock'}")
    return chosen


def record_type_from_lock(record_type: int, success: bool) -> int:
    """The lock's own number for a cloud record type (see the module docstring)."""
    return _FROM_LOCK.get((record_type, success), record_type)


def build_record(
    lock: SimulatedLock,
    record_type: int,
    *,
    success: bool,
    now_ms: int,
    record_id: int,
    method: str | None = None,
    admin: str = "",
    **fields: Any,
) -> dict[str, Any]:
    """One record as the cloud stores it; ``fields`` override any value.

    ``lockDate`` is the lock's clock (its offset included), ``serverDate`` the upload 1.5 s later
    on the cloud's clock, so a lock running ahead gives lockDate > serverDate as in PR #170.
    """
    username, keyboard_pwd = _OPERATORS.get(method or "", (admin, ""))
    record: dict[str, Any] = {
        "recordId": record_id,
        "lockId": lock.lock_id,
        "lockMac": lock.mac,
        "recordType": record_type,
        "recordTypeFromLock": record_type_from_lock(record_type, success),
        "success": 1 if success else 0,
        "username": username,
        "keyboardPwd": keyboard_pwd,
        "electricQuantity": lock.battery,
        "lockDate": lock.lock_time_ms(now_ms),
        "serverDate": now_ms + 1500,
    }
    record.update(fields)
    return record


def pushed_record(record: dict[str, Any], *, real_shape: bool) -> dict[str, Any]:
    """The record as a push carries it: the real shape drops recordId, the legacy one adds none."""
    dropped = _LIST_ONLY_FIELDS if real_shape else _REAL_ONLY_FIELDS
    return {key: value for key, value in record.items() if key not in dropped}


def callback_form(
    lock: SimulatedLock, records: list[dict[str, Any]], admin: str, *, real_shape: bool = False
) -> dict[str, str]:
    """The urlencoded fields of a "Lock Records Notify" push (``records`` as a JSON string)."""
    pushed = [pushed_record(record, real_shape=real_shape) for record in records]
    return {
        "notifyType": "1",
        "lockId": str(lock.lock_id),
        "lockMac": lock.mac,
        "admin": admin,
        "records": _json(pushed),
    }


def console_test_push_form(now_ms: int) -> dict[str, str]:
    """The console's test push, field for field (and in the order) of the #128 capture."""
    record = {
        "lockId": TEST_PUSH_RECORD_LOCK_ID,
        "electricQuantity": 85,
        "serverDate": now_ms,
        "recordTypeFromLock": 4,
        "recordType": 4,
        "success": 1,
        "lockMac": TEST_PUSH_MAC,
        "keyboardPwd": "123456",
        "lockDate": now_ms,
    }
    return {
        "lockId": str(TEST_PUSH_LOCK_ID),
        "notifyType": "1",
        "records": _json([record]),
        "admin": TEST_PUSH_ADMIN,
        "lockMac": TEST_PUSH_MAC,
    }


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
