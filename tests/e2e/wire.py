"""What the clouds send, built from the reference docs (not from the simulators' code).

Milesight: a JSON array of events signed with HMAC-SHA256(secret, timestamp + nonce) (MDP §6.2).
TTLock: a form post whose `records` field is a JSON array serialized as a string (TTLock §8).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any
import uuid

import aiohttp

MILESIGHT_WEBHOOK_UUID = "e2e-webhook-uuid"


def milesight_headers(secret: str, *, timestamp: int | None = None) -> dict[str, str]:
    """Headers of a signed Milesight delivery."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = secrets.token_hex(8)
    signature = hmac.new(secret.encode(), f"{stamp}{nonce}".encode(), hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "x-msc-webhook-uuid": MILESIGHT_WEBHOOK_UUID,
        "x-msc-request-timestamp": stamp,
        "x-msc-request-nonce": nonce,
        "x-msc-request-signature": signature,
    }


def milesight_property_event(device: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """One DEVICE_DATA / PROPERTY event for a device as the cloud's API describes it."""
    now = time.time()
    return {
        "eventId": str(uuid.uuid4()),
        "eventCreatedTime": str(int(now)),
        "eventVersion": "1.0",
        "eventType": "DEVICE_DATA",
        "data": {
            "deviceProfile": {
                "deviceId": device["deviceId"],
                "sn": device["sn"],
                "devEUI": device["devEUI"],
                "name": device["name"],
                "model": device["model"],
            },
            "type": "PROPERTY",
            "tslId": "",
            "ts": int(now * 1000),
            "payload": payload,
        },
    }


def ttlock_record_form(
    lock: dict[str, Any], record_type: int, username: str, *, success: int = 1
) -> dict[str, str]:
    """The form body of a TTLock "lock records" callback with one record."""
    now_ms = int(time.time() * 1000)
    record = {
        "lockId": lock["lockId"],
        "lockMac": lock.get("lockMac", ""),
        "recordType": record_type,
        "success": success,
        "username": username,
        "keyboardPwd": "",
        "electricQuantity": lock.get("electricQuantity", 80),
        # Newer than anything the simulator recorded before this call: the integration rightly
        # ignores records older than the state it already shows.
        "lockDate": now_ms,
        "serverDate": now_ms + 500,
    }
    return {
        "notifyType": "1",
        "lockId": str(lock["lockId"]),
        "lockMac": str(lock.get("lockMac", "")),
        "admin": "demo@example.com",
        "records": json.dumps([record]),
    }


async def post_json(session: aiohttp.ClientSession, url: str, body: Any) -> Any:
    """POST JSON to a simulator's control API; returns the decoded reply."""
    async with session.post(url, json=body) as response:
        response.raise_for_status()
        return await response.json(content_type=None)


async def get_json(session: aiohttp.ClientSession, url: str) -> Any:
    """GET JSON from a simulator's control API."""
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.json(content_type=None)
