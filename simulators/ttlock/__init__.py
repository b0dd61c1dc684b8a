"""Simulator of the TTLock Open API cloud (reference ``ttlock-cloud-api.md``), loopback only.

Run it::

    python -m simulators.ttlock --host 127.0.0.1 --port 8502 [--callback-url URL]
        [--client-id ID --client-secret SECRET --username USER --password PASSWORD]

or in-process (tests)::

    sim = TTLockSimulator(client_id=..., client_secret=..., username=..., password=..., uid=1001)
    await sim.start(host="127.0.0.1", port=0)   # sim.url -> "http://127.0.0.1:<port>"
    ...
    await sim.stop()                            # cancels relock timers and pending pushes

Defaults: client ``sim-ttlock-client`` / ``sim-ttlock-secret``, app account ``demo@example.com`` /
``demo-password``, uid 1001; gateway 9001 with lock 4711001 "Front door" (door sensor, auto-lock
5 s, card 5001, fingerprint 6001) and lock 4711002 "Back door" (no sensor, auto-lock off).
``--field-demo`` / ``field.apply_field_demo(sim)`` makes the back door a WiFi lock (no gateway,
no feature bit 56) with an office-hours passage schedule and a clock 78 s ahead. The facts behind
every behaviour, with their sources, are in ``field_facts.md``.

Wire protocol (as the reference describes it):

- ``POST /oauth2/token``: password grant (camelCase or snake_case client fields, password = MD5 hex,
  plaintext → 30005, wrong account → 10007, wrong client → 10001) and refresh grant
  (``grant_type=refresh_token``; refresh tokens are single use and rotate, unknown → 10011; the
  answer has no ``uid``). Access tokens last 90 days.
- ``/v3/...`` (GET query or POST form): ``clientId``, ``accessToken`` and ``date`` are mandatory
  (-3 when missing, 10001 wrong client, 10003 unknown token, 10004 expired token, 80000 when
  ``date`` is more than 5 minutes off). Errors are HTTP 200 ``{"errcode", "errmsg",
  "description"}``. Endpoints: ``lock/list`` (pageSize ≤ 1000), ``lock/detail``,
  ``lock/queryOpenState``, ``lock/queryElectricQuantity``, ``lock/lock``, ``lock/unlock`` (-4043
  when remote unlock is disabled), ``lock/configurePassageMode``,
  ``lock/getPassageModeConfiguration``, ``lock/setAutoLockTime`` (-4082 outside -1..900),
  ``lock/updateSetting`` (type 6 = sound), ``lock/listKeyboardPwd``, ``keyboardPwd/add`` /
  ``get`` (types 1-14) / ``change`` / ``delete``, ``identityCard/list`` / ``add`` /
  ``addForReversedCardNumber`` / ``changePeriod`` / ``rename`` / ``delete``, ``fingerprint/list``
  / ``changePeriod`` / ``rename`` / ``delete``, ``doorSensor/query``, ``lock/queryDate`` /
  ``updateDate``, ``wifiLock/detail``, the legacy ``lock/getPassageModeConfig`` /
  ``configPassageMode``, ``gateway/list`` (pageSize ≤ 200, ``orderBy`` required),
  ``gateway/listByLock``, ``lockRecord/list`` (pageSize ≤ 200). Commands that reach the lock need
  its gateway (-2012 none, -3002 offline, -3003 while another command runs through the same
  gateway) or, for a WiFi lock, its WiFi (-3036 offline, -3035 power saving, -3037 busy) and only
  act on the lock with the method flag 2 (``type``/``changeType``/``addType``/``deleteType``);
  flag 1 (the default) only syncs the cloud.
- Passage mode is a weekly schedule (``cyclicConfig``) judged by the lock's clock
  (``clock_offset_ms``) in its time zone (``timezone_raw_offset``); no period = always.
- Pushes: every operation (API command, ``operate_by_hand``, ``operate_door``) stores a record
  and, when ``callback_url`` is set, POSTs the form ``notifyType=1, lockId, lockMac, admin,
  records`` (a JSON string). A remote unlock is record type 12; a remote lock uses 11 (no
  documented type exists). After an unlock the lock relocks after ``autoLockTime`` seconds
  (times ``time_scale``) WITHOUT a record or push, like real locks (``auto_lock_record`` pushes
  record 45; ``reported_auto_lock_time`` -1 makes lock/detail lie as in the field); an active
  passage period prevents it. Pushes carry the first simulator's record shape (recordId, no
  recordTypeFromLock) unless ``real_push_shape``; ``set_push_delay(delay, jitter)`` makes them
  late (0-300 s); ``send_test_push()`` posts the console's test push (lockId 222).

Python API:

- state: ``sim.locks`` ({lock_id: ``SimulatedLock``} with ``locked``, ``battery``,
  ``auto_lock_time``, ``passage_mode``, ``remote_unlock_enabled``, ``door_closed``,
  ``sound_enabled``, ``gateway_id``, ``passcodes``, ``records``), ``sim.gateways``,
  ``sim.callback_url``, ``sim.clock`` (replaceable), ``sim.relock_scheduled(lock_id)``;
- actions: ``await sim.operate_by_hand(lock_id, locked, method="app")`` (methods app, gateway,
  passcode, card, fingerprint, key, button, auto, face, qr_code, remote, passage), ``await
  sim.operate_door(lock_id, opened)``, ``sim.evaluate_passage_schedules()`` (auto-unlock when a
  period begins; also every ``passage_check_interval`` seconds when set), ``await
  sim.send_test_push()``, ``sim.set_push_delay(delay, jitter)``,
  ``sim.build_callback(lock_id, record_type, success=True, **fields)`` and ``await
  sim.send_callback(fields)``, ``sim.set_passage_mode(lock, enabled)``,
  ``sim.set_gateway_online(gateway_id, online)``;
- auth: ``sim.expire_access_tokens()`` (→ 10004), ``sim.revoke_refresh_tokens()`` (→ 10011);
- failures: ``sim.fail_next(n, kind, endpoint=None, applied=False)`` with kind http500, timeout
  (hangs ``hang_seconds``), 429, gateway_busy (-3003), gateway_offline (-3002), quota (30006) or
  ``errcode:<N>[:<errmsg>]`` (any errcode); applies to the next ``n`` requests of ``endpoint`` (e.g.
  ``"lock/unlock"``) or, without one, of any cloud endpoint, the token endpoint included;
  ``applied`` lets the request take effect before the failure answers it;
- observation: ``sim.calls`` (Counter per endpoint: ``"oauth2/token"``, ``"lock/list"``, ...),
  ``sim.requests`` (method, endpoint, parameters without the token), ``sim.callbacks_sent``,
  ``sim.callback_failures``, ``sim.active_commands``, ``sim.max_concurrent_commands``;
- timing: ``time_scale`` (auto-lock delay factor), ``command_latency`` (lock wake-up seconds),
  ``sim.command_gate`` (an ``asyncio.Event`` commands wait for instead, to hold them in flight).

Control API (JSON): ``POST /_sim/operate {lockId, locked, method?}``, ``POST /_sim/callback_url
{url}``, ``POST /_sim/fail {count, kind}``, ``POST /_sim/expire_tokens``, ``POST
/_sim/revoke_refresh``, ``POST /_sim/gateway {gatewayId, online}``, ``POST /_sim/push {delay,
jitter?, realShape?}``, ``POST /_sim/test_push``, ``POST /_sim/lock {lockId, clockOffsetMs?,
reportedAutoLockTime?, autoLockRecord?, ...}`` (``field.LOCK_SETTINGS``), ``POST
/_sim/passage_tick``, ``GET /_sim/calls``, ``GET /_sim/locks``.
"""

from __future__ import annotations

from .field import apply_field_demo
from .model import SimulatedCredential, SimulatedGateway, SimulatedLock, SimulatedPasscode
from .server import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_UID,
    DEFAULT_USERNAME,
    FAILURE_KINDS,
    TTLockSimulator,
)

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_PASSWORD",
    "DEFAULT_UID",
    "DEFAULT_USERNAME",
    "FAILURE_KINDS",
    "SimulatedCredential",
    "SimulatedGateway",
    "SimulatedLock",
    "SimulatedPasscode",
    "TTLockSimulator",
    "apply_field_demo",
]
