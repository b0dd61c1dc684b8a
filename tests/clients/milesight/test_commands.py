"""Property writes and service calls of the client against the simulated cloud."""

from __future__ import annotations

import pytest

from custom_components.minerva_iot.clients.milesight import (
    MilesightClient,
    MilesightDeviceOfflineError,
    MilesightRateLimitError,
    MilesightReadOnlyError,
    MilesightResponseError,
    MilesightValueError,
    ThingProperty,
    check_write,
)
from simulators.milesight import MilesightSimulator

COLD_STORE_ID = "1890000000000000001"  # EM300-TH: reporting_interval RW, 1-1440 min


async def test_write_sends_one_patch_and_queues_a_downlink(
    client: MilesightClient, sim: MilesightSimulator
) -> None:
    """PATCH …/properties with {"properties": …}; no task id is documented, none invented."""
    result = await client.async_write_properties(COLD_STORE_ID, {"reporting_interval": 10})
    assert result.task_id is None
    assert result.accepted == {"reporting_interval": 10}
    assert sim.calls["device/properties-update"] == 1
    queued = sim.downlinks.queues["6136D0000000AB12"]
    assert [downlink.properties for downlink in queued] == [{"reporting_interval": 10}]


async def test_service_call_body(client: MilesightClient, sim: MilesightSimulator) -> None:
    """POST …/services/call with serviceId and inputs."""
    result = await client.async_call_service(COLD_STORE_ID, "reboot")
    assert result.task_id is None
    assert sim.downlinks.queues["6136D0000000AB12"][0].service_id == "reboot"


@pytest.mark.parametrize(
    ("properties", "error"),
    [
        ({"temperature": 4}, MilesightReadOnlyError),
        ({"reporting_interval": 5000}, MilesightValueError),
    ],
)
async def test_refusals_are_typed(
    client: MilesightClient,
    sim: MilesightSimulator,
    properties: dict[str, float],
    error: type[Exception],
) -> None:
    """The cloud's refusals (errCodes *unconfirmed*) arrive as the error that says why."""
    with pytest.raises(error) as raised:
        await client.async_write_properties(COLD_STORE_ID, properties)
    assert isinstance(raised.value, MilesightResponseError)
    assert raised.value.key == next(iter(properties))


async def test_offline_unknown_service_and_rate_limit(
    client: MilesightClient, sim: MilesightSimulator
) -> None:
    """Offline device, unknown service, and 429 as the existing rate-limit error."""
    sim.event("OFFLINE", "6136D0000000AB12")
    with pytest.raises(MilesightDeviceOfflineError):
        await client.async_write_properties(COLD_STORE_ID, {"reporting_interval": 10})
    sim.event("ONLINE", "6136D0000000AB12")
    with pytest.raises(MilesightReadOnlyError):
        await client.async_call_service(COLD_STORE_ID, "self_destruct")
    sim.fail_next(1, "429", endpoint="device/properties-update")
    with pytest.raises(MilesightRateLimitError):
        await client.async_write_properties(COLD_STORE_ID, {"reporting_interval": 10})


async def test_thing_model_ranges_and_services(client: MilesightClient) -> None:
    """Validator min/max and services are read from the thing model."""
    spec = await client.async_get_thing_specification(COLD_STORE_ID)
    interval = spec.properties["reporting_interval"]
    assert (interval.minimum, interval.maximum, interval.writable) == (1.0, 1440.0, True)
    assert list(spec.services) == ["reboot"]
    assert spec.services["reboot"].inputs == ()


def test_check_write_refuses_before_a_call() -> None:
    """Read-only, out of range, not an option, a fraction for an integer."""
    number = ThingProperty("x", None, None, "INT", {}, "RW", minimum=1, maximum=10)
    check_write(number, "x", 5)
    for value in (0, 11, 2.5, True, "5"):
        with pytest.raises(MilesightValueError):
            check_write(number, "x", value)
    with pytest.raises(MilesightReadOnlyError):
        check_write(ThingProperty("y", None, None, "INT", {}, "R"), "y", 1)
    with pytest.raises(MilesightReadOnlyError):
        check_write(None, "z", 1)
    enum = ThingProperty("e", None, None, "ENUM", {"off": "Off", "on": "On"}, "RW")
    check_write(enum, "e", "on")
    with pytest.raises(MilesightValueError):
        check_write(enum, "e", "dim")
