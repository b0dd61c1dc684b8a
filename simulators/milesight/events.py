"""Webhook event envelopes as the cloud delivers them (reference doc §6.3 to §6.5)."""

from __future__ import annotations

import time
from typing import Any
import uuid

from .device import SimulatedDevice

WEBHOOK_TEST_TEXT = "Test Milesight Webhook Successfully."
# Event names accepted by MilesightSimulator.event(); DEVICE_* are aliases of the doc's
# DEVICE_DATA events whose data.type is ONLINE / OFFLINE.
CONNECTIVITY_TYPES = {
    "ONLINE": "ONLINE",
    "OFFLINE": "OFFLINE",
    "DEVICE_ONLINE": "ONLINE",
    "DEVICE_OFFLINE": "OFFLINE",
}


def envelope(event_type: str, data: Any, *, created_s: int | None = None) -> dict[str, Any]:
    """Wrap ``data`` in the event envelope; the creation time is a string of seconds."""
    return {
        "eventId": str(uuid.uuid4()),
        "eventCreatedTime": str(int(time.time()) if created_s is None else created_s),
        "eventVersion": "1.0",
        "eventType": event_type,
        "data": data,
    }


def device_data(
    device: SimulatedDevice,
    data_type: str,
    payload: dict[str, Any],
    *,
    tsl_id: str = "",
    ts_ms: int | None = None,
) -> dict[str, Any]:
    """A DEVICE_DATA event (PROPERTY, EVENT, SERVICE, ONLINE or OFFLINE) of ``device``."""
    data: dict[str, Any] = {
        "deviceProfile": device.profile(),
        "type": data_type,
        "tslId": tsl_id,
        "payload": payload,
    }
    if ts_ms is not None:
        data["ts"] = ts_ms
    return envelope("DEVICE_DATA", data)


def webhook_test() -> dict[str, Any]:
    """The event of the console's Test button: ``data`` is a plain string."""
    return envelope("WEBHOOK_TEST", WEBHOOK_TEST_TEXT)


def system_message(
    message_type: str = "SERVICE_NOTICE",
    info: str = "Daily webhook push limit reached",
    err_code: str = "",
) -> dict[str, Any]:
    """A SYSTEM_MESSAGES event: SERVICE_NOTICE (push limit) or SYSTEM_ALERT (deliveries failing)."""
    return envelope(
        "SYSTEM_MESSAGES", {"message": {"errCode": err_code, "info": info}, "type": message_type}
    )


def task_data(
    device: SimulatedDevice,
    *,
    task_type: str = "CONFIG",
    status: str = "SUCCESS",
    subcommand: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A TASK_DATA event: the outcome of a property write or OTA."""
    info = {
        "taskId": int(device.device_id) + 900,
        "deviceId": int(device.device_id),  # numbers here, strings elsewhere: as on the wire
        "status": status,
        "errCode": "",
        "subcommand": subcommand
        if subcommand is not None
        else [{"key": "reporting_interval", "status": status, "value": "10"}],
    }
    return envelope("TASK_DATA", {"info": info, "type": task_type})
