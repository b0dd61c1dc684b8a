"""Parsing of locks, gateways, records and passcodes."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.minerva_iot.clients.ttlock import (
    Feature,
    TTLockGateway,
    TTLockLock,
    TTLockPasscode,
    TTLockRecord,
)
from custom_components.minerva_iot.clients.ttlock.models import (
    LOCK_SECRET_FIELDS,
    feature_bits,
    optional_int,
)

LOCK_DETAIL: dict[str, Any] = {
    "lockId": 4711001,
    "lockName": "S31_c8a5e1",
    "lockAlias": "Front door",
    "lockMac": "AA:BB:CC:11:22:33",
    "electricQuantity": 87,
    "featureValue": "C0E517",
    "hasGateway": 1,
    "autoLockTime": 5,
    "passageMode": 2,
    "firmwareRevision": "6.1.23.0810",
    "modelNum": "SN9161_PV53",
    "lockData": "secret-lock-data",
    "noKeyPwd": "1234567",
    "adminPwd": "secret",
    "deletePwd": "secret",
    "lockKey": "secret",
    "aesKeyStr": "secret",
}


def test_lock_from_detail() -> None:
    """Every field is read and the secrets never reach ``raw``."""
    lock = TTLockLock.from_api(LOCK_DETAIL)
    assert lock.lock_id == 4711001
    assert lock.name == "S31_c8a5e1"
    assert lock.alias == "Front door"
    assert lock.display_name == "Front door"
    assert lock.mac == "AA:BB:CC:11:22:33"
    assert lock.battery == 87
    assert lock.has_gateway is True
    assert lock.auto_lock_time == 5
    assert lock.passage_mode is False
    assert lock.firmware == "6.1.23.0810"
    assert lock.model == "SN9161_PV53"
    assert not LOCK_SECRET_FIELDS & set(lock.raw)
    assert lock.raw["lockAlias"] == "Front door"


def test_lock_feature_bits() -> None:
    """``featureValue`` hex bits gate the capabilities (reference §5)."""
    lock = TTLockLock.from_api(LOCK_DETAIL)
    for feature in (
        Feature.PASSCODE,
        Feature.AUTO_LOCK_TIME,
        Feature.LOCK_COMMAND,
        Feature.GATEWAY_UNLOCK,
        Feature.DOOR_SENSOR,
        Feature.PASSAGE_MODE,
    ):
        assert lock.supports(feature), feature
    assert not lock.supports(Feature.WIFI_LOCK)
    assert not lock.supports(Feature.WIRELESS_DOOR_SENSOR)
    assert lock.remotely_reachable


def test_wifi_lock_without_gateway_is_reachable() -> None:
    """hass-ttlock's rule: hasGateway or the WiFi bit 56."""
    wifi = TTLockLock.from_api({"lockId": 1, "featureValue": format(1 << 56, "X"), "hasGateway": 0})
    assert wifi.remotely_reachable
    bluetooth_only = TTLockLock.from_api({"lockId": 2, "featureValue": "1", "hasGateway": 0})
    assert not bluetooth_only.remotely_reachable


def test_lock_minimal_and_odd_values() -> None:
    """A list item without optional fields; unknown passage mode; malformed featureValue."""
    lock = TTLockLock.from_api(
        {"lockId": "12", "passageMode": 0, "featureValue": "not-hex", "lockAlias": ""}
    )
    assert lock.lock_id == 12
    assert lock.name == "12"
    assert lock.display_name == "12"
    assert lock.alias is None
    assert lock.battery is None
    assert lock.passage_mode is None
    assert lock.auto_lock_time is None
    assert not lock.supports(Feature.PASSCODE)
    assert TTLockLock.from_api({"lockId": 1, "passageMode": "1"}).passage_mode is True


def test_lock_without_id_is_refused() -> None:
    """A lock must have an id."""
    with pytest.raises(ValueError, match="lockId"):
        TTLockLock.from_api({"lockName": "x"})


def test_gateway() -> None:
    """gateway/list item."""
    gateway = TTLockGateway.from_api(
        {"gatewayId": 9001, "gatewayName": "Hall", "isOnline": 1, "lockNum": 2, "gatewayMac": "M"}
    )
    assert (gateway.gateway_id, gateway.name, gateway.is_online, gateway.lock_num) == (
        9001,
        "Hall",
        True,
        2,
    )
    assert gateway.mac == "M"
    offline = TTLockGateway.from_api({"gatewayId": 9002, "isOnline": 0})
    assert offline.is_online is False
    assert offline.name == "9002"
    assert offline.mac is None


def test_record_from_callback_with_string_numbers() -> None:
    """Callback records may carry numbers as text; ``lock_id`` fills a missing lockId."""
    record = TTLockRecord.from_api(
        {
            "recordType": "7",
            "success": "1",
            "username": "Cleaner card",
            "keyboardPwd": "3051234567",
            "lockDate": "1735689600000",
            "serverDate": 1735689602500,
            "electricQuantity": 87.0,
        },
        lock_id=4711001,
    )
    assert record.lock_id == 4711001
    assert record.record_type == 7
    assert record.success is True
    assert record.username == "Cleaner card"
    assert record.keyboard_pwd == "3051234567"
    assert record.lock_date == 1735689600000
    assert record.server_date == 1735689602500
    assert record.electric_quantity == 87
    assert record.record_id is None


def test_record_own_lock_id_wins_and_failure() -> None:
    """The record's lockId is used; success 0 is a failed attempt."""
    record = TTLockRecord.from_api(
        {"lockId": 5, "recordId": 77, "recordType": 4, "success": 0, "lockDate": 1},
        lock_id=9,
    )
    assert record.lock_id == 5
    assert record.success is False
    assert record.record_id == 77


@pytest.mark.parametrize(
    "data",
    [
        {"recordType": 4, "lockDate": 1},
        {"lockId": 1, "lockDate": 1},
        {"lockId": 1, "recordType": "x", "lockDate": 1},
        {"lockId": 1, "recordType": 4},
    ],
)
def test_malformed_record_raises_value_error(data: dict[str, Any]) -> None:
    """A caller can drop one malformed record and keep the others."""
    with pytest.raises(ValueError, match="missing or invalid"):
        TTLockRecord.from_api(data)


def test_passcode() -> None:
    """0 dates mean unlimited."""
    passcode = TTLockPasscode.from_api(
        {"keyboardPwdId": 3, "keyboardPwd": "1234", "keyboardPwdName": "Guest", "startDate": 0}
    )
    assert (passcode.passcode_id, passcode.passcode, passcode.name) == (3, "1234", "Guest")
    assert passcode.start is None
    assert passcode.end is None
    period = TTLockPasscode.from_api({"keyboardPwdId": 4, "startDate": 10, "endDate": 20})
    assert (period.start, period.end) == (10, 20)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5),
        ("7", 7),
        (" 8 ", 8),
        (9.0, 9),
        (9.5, None),
        (True, None),
        ("x", None),
        (None, None),
        ([], None),
    ],
)
def test_optional_int(value: Any, expected: int | None) -> None:
    """Numbers arrive as ints, floats or strings."""
    assert optional_int(value) == expected


def test_feature_bits() -> None:
    """Empty or malformed featureValue means no feature."""
    assert feature_bits(None) == 0
    assert feature_bits("") == 0
    assert feature_bits("zz") == 0
    assert feature_bits("10") == 16
