"""Turn drawn TTLock cases into callback pushes, at the moment they are sent.

A push is a form POST (reference ttlock-cloud-api.md §8): `notifyType`, `lockId`, `lockMac`,
`admin` and `records`, a JSON array serialised as a string. No signature: the URL is the secret.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from multidict import CIMultiDict

from .milesight_cases import Request, _chunks, _content_type, nested

FORM = "application/x-www-form-urlencoded"
# The simulator's locks (simulators/ttlock/model.py): the back door has no auto-lock, so its
# state is what the last record says.
FRONT_DOOR = 4711001
BACK_DOOR = 4711002
BACK_DOOR_MAC = "AA:BB:CC:44:55:66"
OWNED = {FRONT_DOOR, BACK_DOOR}
# Record types (reference §9): 12 remote unlock, 11 app lock.
UNLOCK, LOCK = 12, 11
_foreign_ids = itertools.count(5_000_001)


class LockClock:
    """Strictly increasing lock dates in the recent past (a late record is ignored, by design)."""

    def __init__(self) -> None:
        """Ten minutes ago: room for 60,000 records before reaching the present."""
        self._last = int(time.time() * 1000) - 600_000

    def next(self) -> int:
        """The next lock date (ms)."""
        self._last += 10
        return self._last


def foreign_lock_id() -> int:
    """A lock id no entry owns (the console test push uses 222)."""
    return next(_foreign_ids)


def record(lock_id: int | None, record_type: Any, lock_date: Any, **fields: Any) -> dict[str, Any]:
    """One record as the cloud pushes it."""
    result: dict[str, Any] = {
        "recordType": record_type,
        "success": 1,
        "username": "fuzz",
        "keyboardPwd": "",
        "electricQuantity": 50,
        "lockDate": lock_date,
        "serverDate": lock_date + 1500 if isinstance(lock_date, int) else None,
        **fields,
    }
    if lock_id is not None:
        result["lockId"] = lock_id
        result["lockMac"] = "00:11:22:33:44:55"
    return result


def form(fields: list[tuple[str, str]]) -> bytes:
    """URL-encoded form body (fields may repeat)."""
    return urlencode(fields).encode()


def push_fields(
    lock_id: Any, records: list[Any] | None, *, admin: str = "owner@example.com"
) -> list[tuple[str, str]]:
    """The form fields of a push."""
    fields = [
        ("notifyType", "1"),
        ("lockId", str(lock_id)),
        ("lockMac", "00:11:22:33:44:55"),
        ("admin", admin),
    ]
    if records is not None:
        fields.append(("records", json.dumps(records)))
    return fields


def foreign_body(kind: str, value: Any, clock: LockClock) -> bytes:
    """The body of a request that must change nothing (no lock of ours in it)."""
    if kind == "bytes":
        return bytes(value)
    if kind == "text":
        return str(value).encode("utf-8", "surrogatepass")
    if kind == "form":
        return form([(key, val) for key, val in value if not _names_own_lock(val)])
    if kind == "foreign_push":
        lock_id = foreign_lock_id()
        records = [
            record(foreign_lock_id() if index else lock_id, UNLOCK, clock.next())
            for index in range(value)
        ]
        return form(push_fields(lock_id, records))
    if kind == "test_push":
        # The developer console's test (reference §8; field-findings TTLock 9).
        records = [record(232332, 1, clock.next())] if value else None
        return form(push_fields(222, records, admin="test@ttlock.com"))
    if kind == "deep_records":
        # Unencoded (brackets are fine in a form body): 60,000 levels stay far under the 2 MiB cap.
        head = form([("notifyType", "1"), ("lockId", str(foreign_lock_id()))])
        return head + b"&records=" + nested(value["depth"], value["opener"], value["closed"])
    if kind == "oversized":
        records = [record(foreign_lock_id(), UNLOCK, clock.next())]
        fields = push_fields(foreign_lock_id(), records)
        fields.append(("padding", "x" * value))
        return form(fields)
    if kind == "json_body":
        return json.dumps(value).encode()
    if kind == "odd_numbers":
        return form(
            [
                ("notifyType", "1"),
                ("lockId", str(foreign_lock_id())),
                ("records", f'[{{"recordType":{value},"lockDate":{value},"lockId":{value}}}]'),
            ]
        )
    raise AssertionError(kind)


def _names_own_lock(value: str) -> bool:
    return any(str(lock_id) in value for lock_id in OWNED)


def foreign_request(case: dict[str, Any], clock: LockClock) -> Request:
    """An HTTP request of the "change nothing" property."""
    kind, value = case["body"]
    body = foreign_body(kind, value, clock)
    headers: CIMultiDict[str] = CIMultiDict()
    for name, header_value in case["extra_headers"]:
        headers.add(name, header_value)
    skip = _content_type(headers, case["content_type"])
    return Request(_chunks(body) if case["chunked"] else body, headers, skip)


def bad_push(case: dict[str, Any], clock: LockClock) -> Request:
    """A push naming our lock whose `records` is no JSON list (or whose lockId is unusable)."""
    lock_id: Any = {
        "own": BACK_DOOR,
        "missing": None,
        "garbage": "back-door",
        "float": f"{BACK_DOOR}.0",
    }[case["lock_id"]]
    fields: list[tuple[str, str]] = [("notifyType", "1")]
    if lock_id is not None:
        fields.append(("lockId", str(lock_id)))
    fields += [("lockMac", BACK_DOOR_MAC), ("admin", "owner@example.com")]
    fields += [("records", value) for value in case["records"]]
    if case["good_records_too"]:
        fields.append(
            ("records", json.dumps([record(BACK_DOOR, UNLOCK, clock.next(), electricQuantity=1)]))
        )
    headers: CIMultiDict[str] = CIMultiDict({"Content-Type": FORM})
    return Request(form(fields), headers)


@dataclass
class OwnPush:
    """A push for the back door and the battery and bolt state it must leave."""

    request: Request
    battery: int | None
    locked: bool | None


def own_push(case: dict[str, Any], clock: LockClock) -> OwnPush:
    """A push for the back door mixing valid, broken and junk records (in lock-date order)."""
    records: list[Any] = []
    battery: int | None = None
    locked: bool | None = None
    lock_id = BACK_DOOR if case["with_record_lock_id"] else None
    for template in case["records"]:
        kind = template[0]
        date = clock.next()
        if kind == "bolt":
            _, is_locked, success, level, as_text = template
            record_type: Any = LOCK if is_locked else UNLOCK
            fields: dict[str, Any] = {"success": 1 if success else 0, "electricQuantity": level}
            if as_text:
                record_type = str(record_type)
                fields = {key: str(value) for key, value in fields.items()}
            records.append(record(lock_id, record_type, str(date) if as_text else date, **fields))
            battery = level
            if success:
                locked = is_locked
        elif kind == "unknown_type":
            records.append(record(lock_id, template[1], date, electricQuantity=template[2]))
            battery = template[2]
        elif kind == "broken":
            item = record(lock_id, UNLOCK, date, electricQuantity=0)
            match template[1]:
                case "no_type":
                    del item["recordType"]
                case "bad_type":
                    item["recordType"] = copy.deepcopy(template[2])
                case "no_date":
                    del item["lockDate"]
                case "bad_date":
                    item["lockDate"] = copy.deepcopy(template[2])
            records.append(item)
        elif kind == "junk":
            records.append(copy.deepcopy(template[1]))
        elif kind == "wrong_optional":
            field_name, wrong = template[1], copy.deepcopy(template[2])
            item = record(lock_id, LOCK, date, **{"electricQuantity": 33, field_name: wrong})
            records.append(item)
            # A wrong electricQuantity is no reading; a wrong success is no success.
            if field_name != "electricQuantity":
                battery = 33
            if field_name != "success":
                locked = True
        else:
            raise AssertionError(kind)
    fields_list = [
        ("notifyType", "1"),
        ("lockId", str(BACK_DOOR)),
        ("lockMac", BACK_DOOR_MAC),
        ("admin", "owner@example.com"),
    ]
    if case["split"]:
        fields_list += [("records", json.dumps([item])) for item in records]
    else:
        fields_list.append(("records", json.dumps(records)))
    headers: CIMultiDict[str] = CIMultiDict({"Content-Type": FORM})
    return OwnPush(Request(form(fields_list), headers), battery, locked)
