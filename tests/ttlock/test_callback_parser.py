"""The HA-free parser of TTLock callback pushes and the record-type table."""

from __future__ import annotations

import json

import pytest

from custom_components.minerva_iot.clients.ttlock.callback import (
    MAX_RECORDS_PER_PUSH,
    CallbackFormatError,
    RecordKind,
    describe_record_type,
    parse_callback,
)

RECORDS = json.dumps(
    [
        {
            "lockId": 4711001,
            "recordType": 7,
            "success": 1,
            "username": "Cleaner card",
            "keyboardPwd": "3051234567",
            "electricQuantity": 87,
            "lockDate": 1735689600000,
            "serverDate": 1735689602500,
        },
        {"recordType": "4", "success": "0", "lockDate": "1735689660000"},
    ]
)


def test_reference_push() -> None:
    """The reference's realistic push: two records, numbers possibly sent as strings."""
    push = parse_callback(
        [
            ("notifyType", "1"),
            ("lockId", "4711001"),
            ("lockMac", "AA:BB:CC:11:22:33"),
            ("admin", "owner@example.com"),
            ("records", RECORDS),
        ]
    )
    assert push.lock_id == 4711001
    assert push.notify_type == 1
    assert push.admin == "owner@example.com"
    assert [record.record_type for record in push.records] == [7, 4]
    assert push.records[0].success is True
    assert push.records[1].success is False
    assert push.records[1].lock_id == 4711001  # taken from the push when the record has none
    assert push.skipped_records == 0


def test_repeated_records_field_and_bad_records() -> None:
    """Every `records` value is parsed; malformed records are skipped one by one."""
    push = parse_callback(
        [
            ("lockId", "1"),
            ("records", json.dumps({"recordType": 1, "lockDate": 5})),
            ("records", json.dumps([{"recordType": 1}, 7, {"recordType": 12, "lockDate": 6}])),
        ]
    )
    assert [record.record_type for record in push.records] == [1, 12]
    assert push.skipped_records == 2


def test_push_without_records() -> None:
    """A push without records (console test) is valid and empty."""
    assert parse_callback([("lockId", "222")]).records == []


@pytest.mark.parametrize(
    "fields",
    [
        [("records", "[]")],
        [("lockId", "abc"), ("records", "[]")],
        [("lockId", "1"), ("records", "{not json")],
        [("lockId", "1"), ("records", "3")],
        [("lockId", "1"), ("records", json.dumps([{}] * (MAX_RECORDS_PER_PUSH + 1)))],
    ],
)
def test_invalid_pushes(fields: list[tuple[str, str]]) -> None:
    """No lock id, records that are not a JSON array, or an oversized push: rejected."""
    with pytest.raises(CallbackFormatError):
        parse_callback(fields)


def test_record_types() -> None:
    """Kinds and methods of the documented types; unknown types are None."""
    assert describe_record_type(12).kind is RecordKind.UNLOCKED
    assert describe_record_type(12).method == "gateway"
    assert describe_record_type(45).kind is RecordKind.LOCKED
    assert describe_record_type(31).kind is RecordKind.DOOR_OPENED
    assert describe_record_type(30).kind is RecordKind.DOOR_CLOSED
    assert describe_record_type(29).kind is RecordKind.ALARM
    assert describe_record_type(58).kind is RecordKind.FAILED_ATTEMPT
    assert describe_record_type(32).kind is RecordKind.OTHER
    assert describe_record_type(999) is None
