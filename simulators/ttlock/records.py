"""Lock records and the "Callback URL" push form (reference §8 and §9)."""

from __future__ import annotations

import json
from typing import Any

from .model import SimulatedLock

# method -> (recordType when unlocking, recordType when locking), reference §9. The cloud has no
# documented record type for a lock command sent through the gateway; the simulator uses 11
# ("lock by app"), the nearest documented one.
RECORD_TYPES: dict[str, tuple[int | None, int]] = {
    "app": (1, 11),
    "gateway": (12, 11),
    "passcode": (4, 34),
    "card": (7, 35),
    "fingerprint": (8, 33),
    "key": (10, 36),
    "button": (46, 47),
    "auto": (None, 45),
}
DOOR_CLOSED = 30
DOOR_OPENED = 31

# Who the record names and which credential it shows, per method (fake values).
_OPERATORS: dict[str, tuple[str | None, str]] = {
    "passcode": ("Guest code", "482913"),
    "card": ("Cleaner card", "3051234567"),
    "fingerprint": ("Right thumb", "2"),
}


def record_type_for(method: str, locked: bool) -> int:
    """The cloud recordType of a lock (``locked``) or unlock operation by ``method``."""
    if method not in RECORD_TYPES:
        raise ValueError(f"unknown method {method!r}; expected one of {sorted(RECORD_TYPES)}")
    unlock_type, lock_type = RECORD_TYPES[method]
    if locked:
        return lock_type
    if unlock_type is None:
        raise ValueError(f"method {method!r} can only lock")
    return unlock_type


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
    """One record as the cloud stores and pushes it; ``fields`` override any value."""
    username, keyboard_pwd = _OPERATORS.get(method or "", (admin, ""))
    record: dict[str, Any] = {
        "recordId": record_id,
        "lockId": lock.lock_id,
        "lockMac": lock.mac,
        "recordType": record_type,
        "success": 1 if success else 0,
        "username": username,
        "keyboardPwd": keyboard_pwd,
        "electricQuantity": lock.battery,
        "lockDate": now_ms,
        "serverDate": now_ms + 1500,
    }
    record.update(fields)
    return record


def callback_form(lock: SimulatedLock, records: list[dict[str, Any]], admin: str) -> dict[str, str]:
    """The urlencoded fields of a "Lock Records Notify" push (``records`` as a JSON string)."""
    return {
        "notifyType": "1",
        "lockId": str(lock.lock_id),
        "lockMac": lock.mac,
        "admin": admin,
        "records": json.dumps(records, separators=(",", ":"), ensure_ascii=False),
    }
