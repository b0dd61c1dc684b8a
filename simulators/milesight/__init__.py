"""Simulator of the Milesight Development Platform (MDP) cloud, loopback only.

Run it::

    python -m simulators.milesight --host 127.0.0.1 --port 8501 \\
        [--webhook-url URL] [--webhook-secret S] [--uplink-interval 30] \\
        [--client-id ID --client-secret SECRET] [--scenario field|classic] \\
        [--suspend-after-failures N]

It speaks the wire protocol of ``/work/shared/reference/milesight-mdp-api.md``:

* ``POST /oauth/token`` — form-encoded ``client_credentials``; success envelope with a
  3600 s token; 401 ``authentication_failed`` on bad credentials. The wrong path
  ``/uc/account/api/oauth/token`` (like any unknown path without a bearer) answers 401
  ``token_not_found``.
* ``/device/openapi/v1/devices/search`` (POST, paging), ``/devices/{id}``,
  ``/devices/{id}/thing-specification``, ``/devices/{id}/properties/history`` (ms times,
  ``pageKey`` cursor) — Bearer token (or ``access_token`` query) required, 401
  ``token_not_found`` otherwise.
* A webhook sender POSTing JSON-array batches signed with the ``x-msc-*`` headers
  (``hex(HMAC-SHA256(secret, timestamp + nonce))``): periodic uplinks of EM300-TH, AM319, WS301,
  WS101 (button presses), EM300-SLD and VS121-P, plus ONLINE/OFFLINE, WEBHOOK_TEST,
  SYSTEM_MESSAGES, TASK_DATA, historical_data and EVENT (readings as a TSL event) on demand.
* Scenarios: ``classic`` (those six devices; the default of ``MilesightSimulator()``) and
  ``field`` (the default of ``python -m simulators.milesight``): the six plus field models with
  their decoders' payloads and units (CT101, WS523 plug, GS101, VS133 people counter, UC300,
  WT101, DS3604, EM500-SWL, EM500-SMTC, EM320-TH), their thing models (ARRAY properties with
  ``x._item.y`` children, the people counter's line-crossing event), line-crossing reports as
  EVENT deliveries, a device with "device data storage" off (empty history), and no
  SYSTEM_ALERT ever pushed over the webhook (MDP shows it only in the console).
* Delivery behaviour: ``redeliver`` (the last delivery again, same headers and body),
  ``suspend``/``resume`` (pushing stops without any notice; re-saving the webhook resumes),
  optional suspension after N failed deliveries in a row (``suspend_after_failures``).

Defaults: client id ``sim-milesight-client``, client secret ``sim-milesight-secret``, webhook
secret ``sim-webhook-secret``.

Control API (JSON): ``POST /_sim/uplink {sn, data?}``, ``POST /_sim/event {type, sn?, ...}``,
``POST /_sim/webhook {url, secret?, uuid?}`` (also resumes suspended deliveries),
``POST /_sim/fail {count, kind}`` (kind ``http500`` | ``timeout`` | ``429`` | ``401``),
``POST /_sim/expire_tokens``, ``POST /_sim/redeliver``, ``POST /_sim/suspend``,
``POST /_sim/resume``, ``POST /_sim/storage {sn, enabled}``, ``GET /_sim/console``
(suspension, withheld pushes, console-only system messages), ``GET /_sim/calls``,
``GET /_sim/devices``.

In-process (tests)::

    sim = MilesightSimulator()
    await sim.start(host="127.0.0.1", port=0)
    sim.webhook_url = "http://127.0.0.1:8123/api/webhook/<id>"
    status = await sim.deliver([sim.uplink_event(sim.devices[0].sn)])
    await sim.stop()
"""

from .device import SimulatedDevice
from .signing import sign
from .simulator import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_WEBHOOK_SECRET,
    DEFAULT_WEBHOOK_UUID,
    MilesightSimulator,
)

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_WEBHOOK_SECRET",
    "DEFAULT_WEBHOOK_UUID",
    "MilesightSimulator",
    "SimulatedDevice",
    "sign",
]
