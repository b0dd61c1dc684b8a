"""The HA-free parser of TTLock callback pushes and the record-type table."""

from __future__ import annotations

import json

import pytest

from custom_components.minerva_iot.clients.ttlock.callback import (
    CallbackFormatError,
    CallbackTooLargeError,
    RecordKind,
    decode_callback_form,
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
    ],
)
def test_invalid_pushes(fields: list[tuple[str, str]]) -> None:
    """No lock id, or records that are not a JSON array: rejected."""
    with pytest.raises(CallbackFormatError):
        parse_callback(fields)


def test_records_beyond_the_cap_keep_the_newest() -> None:
    """Beyond `max_records` the newest (lock time, then position) stay, in push order."""
    dates = [50, 10, 40, 20, 30]
    records = json.dumps([{"recordType": 1, "lockDate": date} for date in dates] + [7])
    push = parse_callback([("lockId", "1"), ("records", records)], max_records=3)
    assert [record.lock_date for record in push.records] == [50, 40, 30]
    assert [record.lock_date for record in push.overflow_records] == [10, 20]
    assert push.skipped_records == 1
    whole = parse_callback([("lockId", "1"), ("records", records)])
    assert (len(whole.records), whole.overflow_records) == (5, [])


def test_form_body_cap() -> None:
    """The body is decoded below the caller's cap; above it, its own error (HTTP 413)."""
    assert decode_callback_form(b"lockId=1&records=%5B%5D", max_body_bytes=64) == [
        ("lockId", "1"),
        ("records", "[]"),
    ]
    with pytest.raises(CallbackTooLargeError):
        decode_callback_form(b"x" * 65, max_body_bytes=64)
    with pytest.raises(CallbackFormatError):
        decode_callback_form(b"\xff", max_body_bytes=64)


def test_record_types() -> None:
    """Kinds and methods of the documented types; unknown types are None."""
    assert describe_record_type(12).kind is RecordKind.UNLOCKED
    assert describe_record_type(12).method == "gateway"
    assert describe_record_type(45).kind is RecordKind.LOCKED
    assert describe_record_type(31).kind is RecordKind.DOOR_OPENED
    assert describe_record_type(30).kind is RecordKind.DOOR_CLOSED
    assert describe_record_type(29).kind is RecordKind.ALARM
    assert describe_record_type(58).kind is RecordKind.FAILED_ATTEMPT
    assert describe_record_type(32).kind is RecordKind.UNLOCKED  # opened from inside
    assert describe_record_type(59).kind is RecordKind.OTHER
    assert describe_record_type(999) is None


def test_console_test_push() -> None:
    """The console's test push as captured in hass-ttlock #128, and what is not one."""
    record = json.dumps(
        [
            {
                "lockId": 232332,
                "electricQuantity": 85,
                "serverDate": 1722198569590,
                "recordTypeFromLock": 4,
                "recordType": 4,
                "success": 1,
                "lockMac": "22:22:22:22:22:22",
                "keyboardPwd": "123456",
                "lockDate": 1722198569590,
            }
        ]
    )
    captured = [
        ("lockId", "222"),
        ("notifyType", "1"),
        ("records", record),
        ("admin", "test@ttlock.com"),
        ("lockMac", "22:22:22:22:22:22"),
    ]
    assert parse_callback(captured).is_console_test
    # Without the admin field, its fake lock 232332 still gives it away.
    assert parse_callback(captured[:3]).is_console_test
    assert not parse_callback([("lockId", "222"), ("records", "[]")]).is_console_test
    assert not parse_callback([("lockId", "4711001"), ("admin", "test@ttlock.com")]).is_console_test
    # Real pushes have recordTypeFromLock and no recordId.
    (pushed,) = parse_callback(captured).records
    assert (pushed.record_type_from_lock, pushed.record_id) == (4, None)
