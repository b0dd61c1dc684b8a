"""Attacks on the webhooks: forged, stale, future and replayed Milesight deliveries, guessable
webhook ids, TTLock pushes for locks an entry does not own.

MDP signs only `timestamp + nonce` (reference milesight-mdp-api.md §6.2), so a captured delivery
could be replayed with another body inside the freshness window: nonces and eventIds are
remembered. Every refused delivery must be counted by the "rejected deliveries" sensor.
"""

from __future__ import annotations

import dataclasses
import json
import re
import secrets
import time
from typing import Any

from homeassistant.core import HomeAssistant
import pytest

from simulators.milesight import MilesightSimulator
from simulators.ttlock import TTLockSimulator

from .harness import (
    Poster,
    Watch,
    async_add_milesight_api_entry,
    async_add_milesight_webhook_entry,
    async_add_ttlock_entry,
    counted_refusals,
    device_entity,
    device_entity_ids,
    diff,
    find_device,
    snapshot,
)
from .milesight_cases import CHECKED, baseline_events, reading, sign, signed_headers
from .results import Results
from .strategies import draw_cases, fuzz_examples, milesight_attacks
from .ttlock_cases import BACK_DOOR, FORM, LockClock, form, push_fields, record

pytestmark = pytest.mark.usefixtures("external_url")

ATTACK_NAMES = {
    "stale": "stale timestamp (> 300 s old)",
    "future": "future timestamp (> 300 s ahead)",
    "wrong_signature": "wrong signature",
    "replayed_nonce": "replayed nonce, another body",
    "replayed_event_id": "replayed eventId, new signature",
}


class Attacker:
    """Sends attacks on one webhook-only entry and checks what each changed."""

    def __init__(self, hass: HomeAssistant, poster: Poster, webhook_id: str, secret: str) -> None:
        """`secret` is the entry's: the attacker has captured deliveries signed with it."""
        self.hass = hass
        self.poster = poster
        self.webhook_id = webhook_id
        self.secret = secret
        self.temperature = device_entity(
            hass, f"milesight_device_{CHECKED.sn}", "sensor", device_class="temperature"
        )
        self._values = iter(range(1, 10**6))

    def value(self) -> float:
        """A temperature never sent before (so an accepted forgery would show)."""
        return round(-30 + next(self._values) * 0.01, 2)

    async def post(self, body: Any, headers: dict[str, str]) -> int:
        """POST a delivery; its status."""
        return (
            await self.poster.async_request(self.webhook_id, json.dumps(body).encode(), headers)
        ).status

    async def authentic(
        self, events: list[dict[str, Any]], nonce: str | None = None
    ) -> dict[str, str]:
        """A delivery MDP really sent (accepted); its headers, for replaying."""
        headers = signed_headers(self.secret, nonce=nonce)
        assert await self.post(events, headers) == 200
        return headers

    def shown(self) -> str:
        """The checked device's temperature as Home Assistant shows it."""
        state = self.hass.states.get(self.temperature)
        assert state is not None
        return state.state

    async def attack(self, case: tuple[Any, ...]) -> tuple[list[int], str | None]:
        """Run one attack: the statuses of the forged requests, and the temperature that must
        still be shown afterwards (None: the one shown before the attack)."""
        kind, parameter, nonce = case
        now = int(time.time())
        forged = [reading(temperature=self.value())]
        if kind in ("stale", "future"):
            stamp = now - parameter if kind == "stale" else now + parameter
            headers = signed_headers(self.secret, timestamp=stamp, nonce=nonce)
            return [await self.post(forged, headers)], None
        if kind == "wrong_signature":
            headers = signed_headers(self.secret, nonce=nonce)
            stamp, nonce = headers["x-msc-request-timestamp"], headers["x-msc-request-nonce"]
            headers["x-msc-request-signature"] = {
                "random": secrets.token_hex(32),
                "other_secret": sign(secrets.token_urlsafe(24), stamp, nonce),
                "other_message": sign(self.secret, stamp, nonce + "0"),
                "truncated": sign(self.secret, stamp, nonce)[:-1],
                "empty_secret": sign("", stamp, nonce),
            }[parameter]
            return [await self.post(forged, headers)], None
        if kind == "replayed_nonce":
            genuine = self.value()
            # A nonce is used once: the case's own (drawn) one makes it unique to this case.
            headers = await self.authentic(
                [reading(temperature=genuine)], nonce=f"{nonce}-{genuine}"
            )
            statuses = []
            for _ in range(parameter):
                statuses.append(await self.post([reading(temperature=self.value())], headers))
            return statuses, str(genuine)
        if kind == "replayed_event_id":
            genuine = self.value()
            event = reading(temperature=genuine)
            event["eventId"] = f"{nonce}-{genuine}"  # the drawn eventId, unique to this case
            await self.authentic([event])
            replay = json.loads(json.dumps(event))
            if not parameter:  # same eventId, another reading
                replay["data"]["payload"]["temperature"] = self.value()
            return [await self.post([replay], signed_headers(self.secret))], str(genuine)
        raise AssertionError(kind)


async def test_forged_stale_and_replayed_deliveries_never_change_state(
    hass: HomeAssistant, poster: Poster, results: Results
) -> None:
    """Every attack is refused (4xx) and counted, or, for a replayed eventId, answered but not
    applied; the states stay what MDP's authentic deliveries made them."""
    secret = f"ws-{secrets.token_urlsafe(24)}"
    entry = await async_add_milesight_webhook_entry(hass, secret)
    baseline = await poster.async_request(
        entry.data["webhook_id"], json.dumps(baseline_events()).encode(), signed_headers(secret)
    )
    assert baseline.status == 200
    attacker = Attacker(hass, poster, entry.data["webhook_id"], secret)
    share = max(1, fuzz_examples() // len(milesight_attacks))
    cases = [case for kind in milesight_attacks.values() for case in draw_cases(kind, share)]
    failures = []
    for case in cases:
        kind = case[0]
        before = snapshot(hass)
        shown_before = attacker.shown()
        counter_before = counted_refusals(hass)
        statuses, must_show = await attacker.attack(case)
        counted = counted_refusals(hass) - counter_before
        refused = sum(400 <= status < 500 for status in statuses)
        after = snapshot(hass)
        if kind == "replayed_event_id":
            # Re-sent events are answered 200 (MDP would count a refusal as a failed delivery)
            # and skipped: not a refusal, so not counted either.
            ok = statuses == [200] and counted == 0
        else:
            ok = refused == len(statuses) and counted == len(statuses)
        shown = attacker.shown()
        changed_by_attack = shown != (must_show or shown_before)
        if must_show is None and diff(before, after):
            changed_by_attack = True
        results.tally(
            ATTACK_NAMES[kind],
            sent=len(statuses),
            refused=refused,
            counted=counted,
            state_changes=int(changed_by_attack),
        )
        if not ok or changed_by_attack:
            failures.append(f"{case}: statuses={statuses} counted={counted} shown={shown}")
    results.add_fuzz("milesight_attacks", "milesight", len(cases))
    assert not failures, f"{len(failures)} of {len(cases)}:\n" + "\n".join(failures[:10])


WEBHOOK_ID = re.compile(r"[0-9a-f]{64}")
FLOW_RUNS = 4


async def test_webhook_ids_carry_256_bits(
    hass: HomeAssistant,
    milesight_cloud: MilesightSimulator,
    ttlock_cloud: TTLockSimulator,
    results: Results,
) -> None:
    """Every config flow draws a new 64-hex-digit (32-byte) webhook id."""
    ids: dict[str, list[str]] = {"milesight": [], "milesight_webhook": [], "ttlock": []}
    for _ in range(FLOW_RUNS):
        entry = await async_add_milesight_webhook_entry(hass, secrets.token_urlsafe(16))
        ids["milesight_webhook"].append(entry.data["webhook_id"])
        entry = await async_add_milesight_api_entry(
            hass,
            milesight_cloud.url,
            milesight_cloud.client_id,
            milesight_cloud.client_secret,
            milesight_cloud.webhook_secret,
        )
        ids["milesight"].append(entry.data["webhook_id"])
        # One API entry per Application: remove it before the next run of the flow.
        assert await hass.config_entries.async_remove(entry.entry_id)
        entry = await async_add_ttlock_entry(
            hass, ttlock_cloud.url, ttlock_cloud.username, ttlock_cloud.password
        )
        ids["ttlock"].append(entry.data["webhook_id"])
        # Entries of one TTLock application share their webhook: remove it to get a new one.
        assert await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()
    everything = [webhook_id for flow_ids in ids.values() for webhook_id in flow_ids]
    for flow, flow_ids in ids.items():
        well_formed = all(WEBHOOK_ID.fullmatch(webhook_id) for webhook_id in flow_ids)
        results.webhook_ids[flow] = {
            "flows": len(flow_ids),
            "length": sorted({len(webhook_id) for webhook_id in flow_ids}),
            "hex": well_formed,
            "unique": len(set(flow_ids)) == len(flow_ids),
        }
        assert well_formed, flow
    assert len(set(everything)) == len(everything)


async def test_ttlock_pushes_for_another_accounts_locks_are_ignored(
    hass: HomeAssistant, poster: Poster, ttlock_cloud: TTLockSimulator, results: Results
) -> None:
    """Two accounts of one TTLock application share one webhook: a push for the second account's
    lock changes nothing of the first account's, and fires no event for its devices."""
    first = await async_add_ttlock_entry(
        hass, ttlock_cloud.url, ttlock_cloud.username, ttlock_cloud.password
    )
    other_cloud = TTLockSimulator(
        client_id=ttlock_cloud.client_id,
        client_secret=ttlock_cloud.client_secret,
        username=f"neighbour-{secrets.token_hex(4)}@example.com",
        password=f"pw-{secrets.token_urlsafe(18)}",
        uid=ttlock_cloud.uid + 1,
    )
    # The neighbour's own gateway and locks (other ids and MAC addresses).
    other_cloud.gateways = {
        gateway_id + 1000: dataclasses.replace(
            gateway, gateway_id=gateway_id + 1000, mac=_other_mac(gateway.mac)
        )
        for gateway_id, gateway in other_cloud.gateways.items()
    }
    other_cloud.locks = {
        lock_id + 1000: dataclasses.replace(
            lock,
            lock_id=lock_id + 1000,
            mac=_other_mac(lock.mac),
            gateway_id=None if lock.gateway_id is None else lock.gateway_id + 1000,
        )
        for lock_id, lock in other_cloud.locks.items()
    }
    await other_cloud.start(host="127.0.0.1", port=0)
    try:
        second = await async_add_ttlock_entry(
            hass, other_cloud.url, other_cloud.username, other_cloud.password
        )
        webhook_id = first.data["webhook_id"]
        assert second.data["webhook_id"] == webhook_id
        mine = {
            entity_id
            for lock_id in ttlock_cloud.locks
            for entity_id in device_entity_ids(hass, f"ttlock_lock_{lock_id}")
        }
        neighbour_lock = BACK_DOOR + 1000
        neighbour = device_entity(hass, f"ttlock_lock_{neighbour_lock}", "lock")
        watch = Watch(hass).start()
        clock = LockClock()
        sent = 0
        for record_type, state in ((12, "unlocked"), (11, "locked"), (12, "unlocked")):
            before = snapshot(hass)
            watch.reset()
            fields = push_fields(
                neighbour_lock, [record(neighbour_lock, record_type, clock.next())]
            )
            reply = await poster.async_request(webhook_id, form(fields), {"Content-Type": FORM})
            sent += 1
            assert (reply.status, reply.text) == (200, "success")
            changed = set(diff(before, snapshot(hass)))
            assert not changed & mine, sorted(changed & mine)
            assert neighbour in changed
            assert hass.states.get(neighbour).state == state  # type: ignore[union-attr]
            # The neighbour's lock fired its events; none came from ours.
            assert watch.bus_events
            assert not {event["device_id"] for event in watch.bus_events} & _device_ids(
                hass, ttlock_cloud.locks
            )
        watch.stop()
        results.tally("TTLock push for another account's lock", sent=sent)
    finally:
        await other_cloud.stop()


def _other_mac(mac: str) -> str:
    return "02" + mac[2:]


def _device_ids(hass: HomeAssistant, locks: dict[int, Any]) -> set[str]:
    return {find_device(hass, f"ttlock_lock_{lock_id}").id for lock_id in locks}
