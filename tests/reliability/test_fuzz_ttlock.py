"""Property-based fuzzing of the TTLock callback webhook through Home Assistant's HTTP server.

Pushes carry no signature (reference ttlock-cloud-api.md §8), so the handler must take anything,
answer `success` and apply only records of locks the entry owns. Properties, each over
`MINERVA_FUZZ_EXAMPLES` (default 200) derandomized cases:

1. Requests naming no lock of ours (garbage, random forms, other accounts' pushes, the console's
   test push, deep or oversized bodies, JSON bodies, any Content-Type) change no state and fire
   no event.
2. Pushes naming our lock whose `records` is not JSON or not a list of records, or whose `lockId`
   is unusable, change nothing either.
3. Pushes for our lock mixing valid, broken and junk records apply exactly the valid ones: the
   battery of the last record that has one, the bolt of the last successful lock/unlock.

In every case: a 200 `success`, no traceback and no error of ours in the log.
"""

from __future__ import annotations

from collections.abc import Callable
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
import pytest

from custom_components.minerva_iot.webhook_body import BODY_TOO_LARGE_TEXT, MAX_PUSH_BODY_BYTES
from simulators.ttlock import TTLockSimulator

from .harness import (
    Poster,
    Reply,
    Watch,
    async_add_ttlock_entry,
    device_entity,
    device_entity_ids,
    diff,
    log_problems,
    refused_by_aiohttp,
    short,
    snapshot,
)
from .known_bugs import known_bug
from .milesight_cases import Request
from .results import Results
from .strategies import draw_cases, ttlock_bad_push, ttlock_foreign_request, ttlock_own_push
from .ttlock_cases import BACK_DOOR, FRONT_DOOR, LockClock, bad_push, foreign_request, own_push


async def _async_entry(hass: HomeAssistant, cloud: TTLockSimulator) -> ConfigEntry:
    return await async_add_ttlock_entry(hass, cloud.url, cloud.username, cloud.password)


async def _async_fuzz(
    hass: HomeAssistant,
    poster: Poster,
    caplog: pytest.LogCaptureFixture,
    results: Results,
    entry: ConfigEntry,
    name: str,
    cases: list[Any],
    build: Callable[[Any], Request],
    check: Callable[[Any, Reply, dict[str, tuple[Any, Any]], Watch], list[str]],
) -> None:
    """Send every case to the entry's webhook; every failure is listed in the assertion."""
    failures = await _async_run(
        hass, poster, caplog, results, entry.data["webhook_id"], cases, build, check
    )
    results.add_fuzz(name, "ttlock", len(cases))
    assert not failures, f"{len(failures)} of {len(cases)} failed:\n" + "\n".join(failures[:10])


async def _async_run(
    hass: HomeAssistant,
    poster: Poster,
    caplog: pytest.LogCaptureFixture,
    results: Results,
    webhook_id: str,
    cases: list[Any],
    build: Callable[[Any], Request],
    check: Callable[[Any, Reply, dict[str, tuple[Any, Any]], Watch], list[str]],
) -> list[str]:
    """Send every case; the failures, as lines."""
    caplog.set_level(logging.DEBUG, logger="custom_components.minerva_iot")
    watch = Watch(hass).start()
    failures = []
    for case in cases:
        before = snapshot(hass)
        caplog.clear()
        watch.reset()
        request = build(case)
        reply = await poster.async_request(
            webhook_id, request.body, request.headers, skip_auto_headers=request.skip_auto_headers
        )
        if any(refused_by_aiohttp(record) for record in caplog.records):
            # aiohttp's parser refused the request: it never reached Home Assistant.
            results.malformed_http(1)
            continue
        problems = log_problems(caplog.records)
        if problems and (bug := known_bug(caplog.records, "ttlock")):
            results.known_bugs[bug] += 1
            continue
        wrong = list(problems)
        # Beyond the hard body cap the answer is 413, saying the limit (webhook_body.py).
        expected = (413, BODY_TOO_LARGE_TEXT) if _oversized(case) else (200, "success")
        if (reply.status, reply.text) != expected:
            wrong.append(f"answer {reply}")
        wrong += check(case, reply, diff(before, snapshot(hass)), watch)
        if wrong:
            failures.append(f"{short(case)}: {wrong}")
    watch.stop()
    return failures


def _oversized(case: Any) -> bool:
    body = case.get("body") if isinstance(case, dict) else None
    return bool(body) and body[0] == "oversized" and body[1] > MAX_PUSH_BODY_BYTES


def _nothing_changed(case: Any, reply: Reply, changed: dict[str, Any], watch: Watch) -> list[str]:
    wrong = []
    if changed or watch.state_changes:
        wrong.append(f"states changed: {sorted(set(changed) | set(watch.state_changes))}")
    if watch.bus_events:
        wrong.append(f"{len(watch.bus_events)} bus events")
    return wrong


@pytest.mark.parametrize(
    ("name", "strategy", "build"),
    [
        # Property 1: garbage and other people's pushes are answered and ignored.
        pytest.param(
            "ttlock_not_our_lock", ttlock_foreign_request, foreign_request, id="not_our_lock"
        ),
        # Property 2: `records` that is no JSON list, or an unusable lockId, spoils the push.
        pytest.param("ttlock_records_not_a_list", ttlock_bad_push, bad_push, id="bad_records"),
    ],
)
async def test_requests_that_apply_nothing_change_nothing(
    hass: HomeAssistant,
    poster: Poster,
    ttlock_cloud: TTLockSimulator,
    caplog: pytest.LogCaptureFixture,
    results: Results,
    name: str,
    strategy: Any,
    build: Callable[[Any, LockClock], Request],
) -> None:
    """Properties 1 and 2: every case is answered and changes no state, fires no event."""
    entry = await _async_entry(hass, ttlock_cloud)
    clock = LockClock()
    await _async_fuzz(
        hass,
        poster,
        caplog,
        results,
        entry,
        name,
        draw_cases(strategy),
        lambda case: build(case, clock),
        _nothing_changed,
    )


async def test_pushes_for_our_lock_apply_exactly_their_valid_records(
    hass: HomeAssistant,
    poster: Poster,
    ttlock_cloud: TTLockSimulator,
    caplog: pytest.LogCaptureFixture,
    results: Results,
) -> None:
    """Property 3: valid records count, broken and junk records are skipped, never the push."""
    entry = await _async_entry(hass, ttlock_cloud)
    lock = device_entity(hass, f"ttlock_lock_{BACK_DOOR}", "lock")
    battery = device_entity(hass, f"ttlock_lock_{BACK_DOOR}", "sensor", device_class="battery")
    front_door = device_entity_ids(hass, f"ttlock_lock_{FRONT_DOOR}")
    clock = LockClock()
    cases = draw_cases(ttlock_own_push)
    expected: dict[int, Any] = {}

    def build(case: Any) -> Request:
        push = own_push(case, clock)
        expected[id(case)] = push
        return push.request

    def check(case: Any, reply: Reply, changed: dict[str, Any], watch: Watch) -> list[str]:
        push = expected.pop(id(case))
        wrong = []
        if push.battery is not None and _state(hass, battery) != str(push.battery):
            wrong.append(f"battery {_state(hass, battery)} != {push.battery}")
        if push.locked is not None:
            want = "locked" if push.locked else "unlocked"
            if _state(hass, lock) != want:
                wrong.append(f"lock {_state(hass, lock)} != {want}")
        if touched := sorted(front_door & set(changed)):
            wrong.append(f"front door changed: {touched}")
        return wrong

    await _async_fuzz(
        hass,
        poster,
        caplog,
        results,
        entry,
        "ttlock_own_lock_mixed_records",
        cases,
        build,
        check,
    )


def _state(hass: HomeAssistant, entity_id: str) -> str | None:
    state = hass.states.get(entity_id)
    return None if state is None else state.state
