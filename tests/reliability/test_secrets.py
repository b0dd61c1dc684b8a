"""No secret in any log record or diagnostics download, through a whole life at DEBUG level.

Both vendors are set up through the config flow against their simulators (each with secrets of
its own), receive deliveries and pushes (accepted and refused), lock and unlock through actions,
create, list and delete passcodes, renew expired tokens and go through a reauth. Then every log
record (message, arguments, traceback) and both vendors' diagnostics are searched for every
secret: credentials, tokens, the TTLock password and its MD5, webhook ids, passcodes and the
locks' keys. A hit names the logger and shows an excerpt with the secret masked.
"""

from __future__ import annotations

from collections.abc import Iterable
import hashlib
import json
import logging
import secrets
import sys
from typing import Any

from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import MilesightSimulator
from simulators.ttlock import TTLockSimulator

from .harness import (
    OUR_LOGGER,
    ClientFactory,
    Poster,
    async_add_milesight_api_entry,
    async_add_milesight_webhook_entry,
    async_add_ttlock_entry,
    async_download_diagnostics,
    device_entity,
    find_device,
)
from .milesight_cases import SIM as CATALOGUE, baseline_events, reading, sign, signed_headers
from .results import Results
from .ttlock_cases import BACK_DOOR, FORM, FRONT_DOOR, LockClock, form, push_fields, record

# Records that contain a request's path, hence a webhook id, and are not ours to change: Home
# Assistant core's DEBUG lines and the access log of aiohttp's test server (Home Assistant itself
# keeps aiohttp.access at WARNING). Counted and reported; allowed for the webhook id only.
PATH_LOGS = {
    ("homeassistant.helpers.http", "Serving %s to %s (auth: %s)"),
    ("homeassistant.components.webhook", "Handling webhook %s payload for %s"),
    ("aiohttp.access", None),
}


def _is_path_log(record: logging.LogRecord) -> bool:
    return (record.name, record.msg) in PATH_LOGS or (record.name, None) in PATH_LOGS


class Secrets:
    """Every secret of the scenario, by what it is."""

    def __init__(self) -> None:
        """Nothing known yet."""
        self.by_kind: dict[str, set[str]] = {}

    def add(self, kind: str, *values: Any) -> None:
        """Remember secrets (empty and very short values would match by chance: skipped)."""
        for value in values:
            if value is not None and len(str(value)) >= 6:
                self.by_kind.setdefault(kind, set()).add(str(value))

    def count(self) -> int:
        """How many distinct secrets are looked for."""
        return len({value for values in self.by_kind.values() for value in values})

    def hits(self, text: str) -> list[tuple[str, str]]:
        """(kind, excerpt with the secret masked) of every secret found in `text`."""
        found = []
        for kind, values in self.by_kind.items():
            for value in values:
                if (index := text.find(value)) >= 0:
                    excerpt = text[max(0, index - 40) : index + len(value) + 40]
                    found.append((kind, excerpt.replace(value, f"<{kind}>")))
        return found


def _record_texts(record: logging.LogRecord) -> Iterable[str]:
    yield record.getMessage()
    args = record.args if isinstance(record.args, tuple) else (record.args,)
    for arg in args or ():
        yield repr(arg)
    if record.exc_info:
        yield logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        yield record.exc_text


async def _async_reauth(
    hass: HomeAssistant, entry: ConfigEntry, user_input: dict[str, str]
) -> None:
    entry.async_start_reauth(hass)
    await hass.async_block_till_done()
    flow = next(
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"].get("entry_id") == entry.entry_id
    )
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], user_input)
    assert result["type"] is FlowResultType.ABORT, result
    assert result["reason"] == "reauth_successful", result
    await hass.async_block_till_done(wait_background_tasks=True)


async def _async_call(hass: HomeAssistant, service: str, data: dict[str, Any]) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )


async def test_no_secret_in_logs_or_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientFactory,
    poster: Poster,
    milesight_cloud: MilesightSimulator,
    ttlock_cloud: TTLockSimulator,
    caplog: pytest.LogCaptureFixture,
    results: Results,
) -> None:
    """The whole scenario at DEBUG; zero hits."""
    caplog.set_level(logging.DEBUG, logger=OUR_LOGGER)
    caplog.set_level(logging.DEBUG, logger="homeassistant")
    known = Secrets()
    ms = milesight_cloud
    tt = ttlock_cloud
    known.add("milesight client secret", ms.client_secret)
    known.add("milesight webhook secret", ms.webhook_secret)
    known.add("ttlock client secret", tt.client_secret)
    known.add("ttlock password", tt.password)
    known.add("ttlock password md5", hashlib.md5(tt.password.encode()).hexdigest())
    for lock in tt.locks.values():
        known.add("ttlock lockData", lock.lock_data)
        known.add("ttlock lock keys", lock.aes_key, lock.lock_key, lock.admin_pwd)
        known.add("ttlock lock keys", lock.no_key_pwd, lock.delete_pwd)

    # --- set up through the config flow
    api_entry = await async_add_milesight_api_entry(
        hass, ms.url, ms.client_id, ms.client_secret, ms.webhook_secret
    )
    hook_secret = f"ws-{secrets.token_urlsafe(24)}"
    known.add("milesight webhook secret", hook_secret)
    hook_entry = await async_add_milesight_webhook_entry(hass, hook_secret)
    tt_entry = await async_add_ttlock_entry(hass, tt.url, tt.username, tt.password)
    known.add("milesight access token", *ms.issued_tokens)
    _add_ttlock_tokens(known, tt, tt_entry)  # refresh tokens are single use: collect as we go

    # --- Milesight deliveries: accepted, refused, replayed
    for entry, secret in ((api_entry, ms.webhook_secret), (hook_entry, hook_secret)):
        webhook_id = entry.data["webhook_id"]
        events = [
            *baseline_events(),
            CATALOGUE.event("WEBHOOK_TEST"),
            CATALOGUE.event("TASK_DATA", CATALOGUE.devices[0].sn, status="FAILED"),
            CATALOGUE.event("SYSTEM_MESSAGES"),
            CATALOGUE.event("HISTORICAL_DATA", CATALOGUE.devices[0].sn),
        ]
        headers = signed_headers(secret)
        assert (
            await poster.async_request(webhook_id, json.dumps(events).encode(), headers)
        ).status == 200
        replay = json.dumps([reading(temperature=1.5)]).encode()
        assert (await poster.async_request(webhook_id, replay, headers)).status == 400
        stale = signed_headers(secret, timestamp=1_000_000_000)
        assert (await poster.async_request(webhook_id, replay, stale)).status == 400
        forged = signed_headers(secret)
        forged["x-msc-request-signature"] = sign(secret + "x", "1", "2")
        assert (await poster.async_request(webhook_id, replay, forged)).status == 401
        unsigned = {key: value for key, value in headers.items() if "signature" not in key}
        assert (await poster.async_request(webhook_id, replay, unsigned)).status == 401

    # --- TTLock: pushes with passcodes, commands, passcode actions, expired token
    clock = LockClock()
    pushed_code = str(secrets.randbelow(9 * 10**8) + 10**8)
    known.add("ttlock passcode", pushed_code)
    tt_hook = tt_entry.data["webhook_id"]
    for lock_id, record_type in ((FRONT_DOOR, 4), (BACK_DOOR, 4), (BACK_DOOR, 34), (222, 1)):
        fields = push_fields(
            lock_id,
            [record(lock_id, record_type, clock.next(), keyboardPwd=pushed_code, username="Guest")],
        )
        reply = await poster.async_request(tt_hook, form(fields), {"Content-Type": FORM})
        assert (reply.status, reply.text) == (200, "success")
    back_door = device_entity(hass, f"ttlock_lock_{BACK_DOOR}", "lock")
    for service in ("unlock", "lock"):
        await hass.services.async_call(
            LOCK_DOMAIN, service, {ATTR_ENTITY_ID: back_door}, blocking=True
        )
    device_id = find_device(hass, f"ttlock_lock_{BACK_DOOR}").id
    code = str(secrets.randbelow(9 * 10**8) + 10**8)
    known.add("ttlock passcode", code)
    created = await _async_call(
        hass,
        "ttlock_create_passcode",
        {"device_id": device_id, "passcode": code, "name": "Cleaner"},
    )
    listed = await _async_call(
        hass, "ttlock_list_passcodes", {"device_id": device_id, "reveal": True}
    )
    assert any(item["passcode"] == code for item in listed["passcodes"])
    await _async_call(hass, "ttlock_list_records", {"device_id": device_id})
    _add_ttlock_tokens(known, tt, tt_entry)
    tt.expire_access_tokens()  # the next call renews the token with the refresh token
    await _async_call(
        hass,
        "ttlock_delete_passcode",
        {"device_id": device_id, "passcode_id": created["passcode_id"]},
    )
    _add_ttlock_tokens(known, tt, tt_entry)

    # --- reauth of both vendors (a regenerated client secret; the TTLock password again)
    new_secret = f"cs-{secrets.token_urlsafe(24)}"
    known.add("milesight client secret", new_secret)
    known.add("milesight access token", *ms.issued_tokens)
    ms.rotate_secret(new_secret)
    await _async_reauth(hass, api_entry, {"client_secret": new_secret})
    known.add("milesight access token", *ms.issued_tokens)
    await _async_reauth(hass, tt_entry, {"username": tt.username, "password": tt.password})
    _add_ttlock_tokens(known, tt, tt_entry)
    for entry in hass.config_entries.async_entries(DOMAIN):
        known.add("webhook id", entry.data.get("webhook_id"))

    # --- diagnostics, downloaded like a user does
    downloads = {
        entry.title: await async_download_diagnostics(hass, hass_client, entry)
        for entry in (api_entry, hook_entry, tt_entry)
    }

    # --- the scan
    hits: list[str] = []
    path_logs = 0
    scanned = 0
    for rec in caplog.records:
        if rec.name.startswith("simulators"):
            continue  # the clouds themselves
        scanned += 1
        found = [hit for text in _record_texts(rec) for hit in known.hits(text)]
        if not found:
            continue
        if _is_path_log(rec) and {kind for kind, _ in found} == {"webhook id"}:
            path_logs += 1
            continue
        hits += [f"log {rec.name} {rec.levelname}: {kind}: …{excerpt}…" for kind, excerpt in found]
    for title, diagnostics in downloads.items():
        text = json.dumps(diagnostics, default=str)
        hits += [
            f"diagnostics of {title}: {kind}: …{excerpt}…" for kind, excerpt in known.hits(text)
        ]
    results.secrets = {
        "secrets": known.count(),
        "kinds": sorted(known.by_kind),
        "log_records": scanned,
        "diagnostics": len(downloads),
        "hits": len(hits),
        "path_logs_with_webhook_id": path_logs,
    }
    assert not hits, "\n".join(hits[:20])
    assert scanned > 200
    # The scan sees what it must: webhook ids in the request-path lines, tokens in the entry
    # data; the locks' keys did reach Home Assistant (lock/detail answers carry them).
    assert path_logs > 0
    assert known.hits(json.dumps(dict(tt_entry.data), default=str))
    assert tt.calls["lock/detail"] > 0


def _add_ttlock_tokens(known: Secrets, cloud: TTLockSimulator, entry: ConfigEntry) -> None:
    token = entry.data["token"]
    known.add("ttlock access token", token.get("access_token"))
    known.add("ttlock refresh token", token.get("refresh_token"))
    known.add("ttlock access token", *getattr(cloud.tokens, "access", {}))
    known.add("ttlock refresh token", *getattr(cloud.tokens, "refresh", {}))


def test_the_scan_finds_a_planted_secret_and_masks_it() -> None:
    """The scanner itself: a secret in a message argument or a traceback is found, not shown."""
    known = Secrets()
    secret = secrets.token_urlsafe(16)
    known.add("planted", secret)
    record = logging.LogRecord(
        "custom_components.minerva_iot.x", logging.DEBUG, __file__, 1, "token %s", (secret,), None
    )
    hits = [hit for text in _record_texts(record) for hit in known.hits(text)]
    assert hits
    assert all(kind == "planted" and secret not in excerpt for kind, excerpt in hits)
    try:
        raise ValueError(f"bad {secret}")
    except ValueError:
        record.exc_info = sys.exc_info()
    assert any(known.hits(text) for text in list(_record_texts(record))[-1:])
