"""The HA-free fleet model: webhook events and API reads in, `Changes` out (no Home Assistant)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
import importlib
import importlib.util
import inspect
from typing import Any

import pytest

from custom_components.minerva_iot.clients.milesight import (
    MilesightDevice,
    ThingProperty,
    ThingSpecification,
)
from custom_components.minerva_iot.clients.milesight.webhook import DeviceProfile, WebhookEvent
from custom_components.minerva_iot.milesight.fleet import BusEvent, Changes, FleetState
from custom_components.minerva_iot.milesight.health import WebhookHealth

COLD_STORE = "6136D0000000AB12"
BUTTON = "6785D0000000CD34"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def device_data(
    sn: str,
    payload: dict[str, Any] | None = None,
    *,
    data_type: str = "PROPERTY",
    tsl_id: str | None = None,
    ts_ms: int | None = 1_000_000,
    model: str | None = "EM300-TH",
    name: str | None = "Cold store",
    device_id: str | None = "101",
) -> WebhookEvent:
    """A parsed DEVICE_DATA event."""
    return WebhookEvent(
        event_id=None,
        event_type="DEVICE_DATA",
        created_time=None,
        data_type=data_type,
        tsl_id=tsl_id,
        ts_ms=ts_ms,
        device=DeviceProfile(sn=sn, device_id=device_id, name=name, model=model),
        payload=payload or {},
    )


def listed(device_id: str, sn: str, **fields: Any) -> MilesightDevice:
    """A device as the API lists it."""
    values: dict[str, Any] = {
        "name": "",
        "model": None,
        "dev_eui": None,
        "firmware_version": None,
        "hardware_version": None,
        "connect_status": None,
        **fields,
    }
    return MilesightDevice(device_id=device_id, sn=sn, raw={}, **values)


def prop(key: str, **fields: Any) -> ThingProperty:
    """A thing-model property."""
    values: dict[str, Any] = {
        "name": None,
        "unit": None,
        "data_type": "DOUBLE",
        "enum": {},
        "access_mode": "R",
        **fields,
    }
    return ThingProperty(key=key, **values)


def test_a_new_device_is_created_registered_and_announced() -> None:
    """First uplink: new device, its entities, its registry entry, values, online, saved."""
    fleet = FleetState()
    changes = fleet.apply(device_data(COLD_STORE, {"temperature": 4.0, "humidity": 70}), NOW)
    assert changes == Changes(
        changed={COLD_STORE},
        new={COLD_STORE},
        new_entities={COLD_STORE},
        registry={COLD_STORE},
        persist=True,
    )
    device = fleet.devices[COLD_STORE]
    assert device.values == {"temperature": 4.0, "humidity": 70}
    assert device.keys == {"temperature", "humidity"}
    assert (device.online, device.last_seen, device.name, device.device_id) == (
        True,
        NOW,
        "Cold store",
        "101",
    )


def test_a_known_reading_changes_only_its_device() -> None:
    """Same keys, same profile: entities write, nothing new, nothing to register or save."""
    fleet = FleetState()
    fleet.apply(device_data(COLD_STORE, {"temperature": 4.0}, ts_ms=1_000_000), NOW)
    changes = fleet.apply(device_data(COLD_STORE, {"temperature": 4.5}, ts_ms=2_000_000), NOW)
    assert changes == Changes(changed={COLD_STORE})
    # A late retry of an older uplink does not replace the newer value.
    fleet.apply(device_data(COLD_STORE, {"temperature": 1.0}, ts_ms=1_500_000), NOW)
    assert fleet.devices[COLD_STORE].values["temperature"] == 4.5
    # A new key, a new name: new entities, a registry update, a save.
    changes = fleet.apply(device_data(COLD_STORE, {"humidity": 60}, name="Freezer"), NOW)
    assert changes.new_entities == changes.registry == {COLD_STORE}
    assert changes.persist
    assert not changes.new


def test_button_presses_are_recorded_and_fired_once_each() -> None:
    """A press flags the device (new event entity), records it and fires its bus event."""
    fleet = FleetState()
    fleet.apply(device_data(BUTTON, {"battery": 90}, model="WS101", name="Desk button"), NOW)
    press = {"button_event": {"status": "short press"}}
    changes = fleet.apply(device_data(BUTTON, press, model="WS101"), NOW)
    device = fleet.devices[BUTTON]
    assert device.has_button
    assert changes.new_entities == {BUTTON}
    assert [event.event_type for event in changes.events] == ["button_short_press"]
    assert changes.events[0].data["sn"] == BUTTON
    first = device.last_button
    assert first is not None
    assert first.event_type == "short_press"
    changes = fleet.apply(device_data(BUTTON, press, model="WS101"), NOW)
    assert not changes.new_entities
    assert device.last_button is not None
    assert device.last_button.seq == first.seq + 1
    assert "button_event.status" not in device.values  # an event, not a state


def test_tsl_events_alarms_and_historical_data() -> None:
    """A TSL alarm event fires device_event + alarm; historical data only its bus event."""
    fleet = FleetState()
    alarm = device_data(
        COLD_STORE, {"status": "threshold alarm"}, data_type="EVENT", tsl_id="temperature_alarm"
    )
    changes = fleet.apply(alarm, NOW)
    assert [event.event_type for event in changes.events] == ["device_event", "alarm"]
    assert changes.events[1].data["alarm"] == "temperature_alarm"
    assert fleet.devices[COLD_STORE].has_alarm
    assert fleet.devices[COLD_STORE].last_alarm is not None

    history = device_data(
        COLD_STORE, {"temperature": -30.0}, data_type="EVENT", tsl_id="historical_data"
    )
    changes = fleet.apply(history, NOW)
    assert [event.event_type for event in changes.events] == ["device_event"]
    assert changes.events[0].data["tsl_id"] == "historical_data"
    assert "temperature" not in fleet.devices[COLD_STORE].values


def test_online_offline_service_and_other_events() -> None:
    """Connectivity changes are saved; a service result is a bus event; others change nothing."""
    fleet = FleetState()
    fleet.apply(device_data(COLD_STORE, {"temperature": 4.0}), NOW)
    changes = fleet.apply(device_data(COLD_STORE, data_type="OFFLINE"), NOW)
    assert fleet.devices[COLD_STORE].online is False
    assert changes.persist
    assert not fleet.apply(device_data(COLD_STORE, data_type="OFFLINE"), NOW).persist
    service = fleet.apply(device_data(COLD_STORE, data_type="SERVICE", tsl_id="reboot"), NOW)
    assert service.events == [
        BusEvent(
            COLD_STORE,
            "service_result",
            {"sn": COLD_STORE, "model": "EM300-TH", "payload": {}, "tsl_id": "reboot"},
        )
    ]
    assert fleet.apply(device_data(COLD_STORE, data_type="SOMETHING"), NOW).changed == {COLD_STORE}
    test = WebhookEvent(event_id=None, event_type="WEBHOOK_TEST", created_time=None)
    assert fleet.apply(test, NOW) == Changes()
    no_profile = WebhookEvent(event_id=None, event_type="DEVICE_DATA", created_time=None)
    assert fleet.apply(no_profile, NOW) == Changes()


def test_task_results_name_the_device_by_its_api_id() -> None:
    """TASK_DATA carries a deviceId: the bus event names the device, or none if unknown."""
    fleet = FleetState()
    fleet.apply(device_data(COLD_STORE, {"temperature": 4.0}, device_id="101"), NOW)

    def task(device_id: int, status: str) -> WebhookEvent:
        info = {"taskId": 1, "deviceId": device_id, "status": status}
        return WebhookEvent(
            event_id=None,
            event_type="TASK_DATA",
            created_time=None,
            data_type="CONFIG",
            data={"info": info},
        )

    (event,) = fleet.apply(task(101, "SUCCESS")).events
    assert (event.sn, event.event_type, event.data["task_type"]) == (
        COLD_STORE,
        "task_result",
        "CONFIG",
    )
    (event,) = fleet.apply(task(999, "FAILED")).events
    assert event.sn is None


def test_api_sync_lists_models_and_reads_values() -> None:
    """Listing, thing model (readings only become keys) and values go through the fleet."""
    fleet = FleetState()
    assert fleet.sync_listed(listed("7", "")) == Changes()
    changes = fleet.sync_listed(
        listed("7", COLD_STORE, name="Cold store", connect_status="DISCONNECT")
    )
    assert changes.new == changes.registry == changes.changed == {COLD_STORE}
    assert fleet.devices[COLD_STORE].online is False
    assert fleet.needs_thing_model(COLD_STORE, "v1")
    spec = ThingSpecification(
        properties={
            "temperature": prop("temperature", unit="°C"),
            "reporting_interval": prop("reporting_interval", access_mode="RW"),
            "button_event.status": prop("button_event.status", data_type="ENUM"),
        }
    )
    fleet.set_thing_model(COLD_STORE, spec, "v1")
    assert not fleet.needs_thing_model(COLD_STORE, "v1")
    assert fleet.needs_thing_model(COLD_STORE, "v2")
    changes = fleet.adopt_thing_model_keys(COLD_STORE)
    assert fleet.devices[COLD_STORE].keys == {"temperature"}
    assert changes.new_entities == {COLD_STORE}
    assert not fleet.adopt_thing_model_keys(COLD_STORE).persist
    fleet.apply_values(COLD_STORE, {"temperature": 3.5, "humidity": 80, "list": [1], "empty": []})
    # Arrays are flattened as Milesight's own client flattens them (tsl.py).
    assert fleet.devices[COLD_STORE].values == {"temperature": 3.5, "humidity": 80, "list[0]": 1}


def test_removal_bumps_the_generation_and_unlisted_devices_are_flagged() -> None:
    """A removed device comes back as a new generation; one believed gone is unreachable."""
    fleet = FleetState()
    fleet.sync_listed(listed("1", "A"))
    fleet.sync_listed(listed("2", "B"))
    fleet.apply(device_data("C", device_id=None), NOW)  # push-only: no deviceId, never stale
    assert fleet.generation("A") == 0
    assert fleet.remove("A")
    assert not fleet.remove("A")
    assert fleet.generation("A") == 1
    assert fleet.apply(device_data("A"), NOW).new == {"A"}
    assert sorted(fleet.api_known()) == ["A", "B"]
    assert fleet.mark_unlisted(lambda sn: sn == "A") == {"A"}
    assert fleet.mark_unlisted(lambda sn: sn == "A") == set()
    assert not fleet.devices["A"].reachable
    assert fleet.devices["B"].reachable
    assert fleet.mark_unlisted(lambda sn: False) == {"A"}
    assert set(fleet.devices) == {"A", "B", "C"}


def test_stored_fleet_round_trip() -> None:
    """What is stored comes back (values do not: entities restore them); junk is skipped."""
    fleet = FleetState()
    fleet.apply(device_data(COLD_STORE, {"temperature": 4.0}), NOW)
    fleet.apply(device_data(COLD_STORE, data_type="OFFLINE"), NOW)
    loaded = FleetState()
    loaded.load([*fleet.as_stored(), {"sn": ""}, "junk", {"name": "no sn"}])
    device = loaded.devices[COLD_STORE]
    assert set(loaded.devices) == {COLD_STORE}
    assert (device.keys, device.online, device.values) == ({"temperature"}, False, {})


def test_changes_merge() -> None:
    """`|=` unites the sets, keeps the events in order and any save."""
    first = Changes(changed={"a"}, events=[BusEvent("a", "x", {})])
    first |= Changes(changed={"b"}, new={"b"}, events=[BusEvent("b", "y", {})], persist=True)
    assert first.changed == {"a", "b"}
    assert [event.event_type for event in first.events] == ["x", "y"]
    assert first.persist


def test_webhook_health() -> None:
    """Deliveries reset the signature failures; the issue needs a signed delivery first."""
    health = WebhookHealth()
    for _ in range(5):
        health.note_rejected(signature_failure=True)
    assert not health.rejected_issue_due(5)  # never accepted a signed delivery: not MDP
    assert health.note_delivery(NOW)
    assert not health.note_delivery(NOW)
    for _ in range(5):
        health.note_rejected(signature_failure=True)
    health.note_rejected(signature_failure=False)
    assert health.rejected_issue_due(5)
    assert health.rejected == 11
    assert health.set_verified(True)
    assert not health.set_verified(True)
    restored = WebhookHealth()
    restored.load(health.as_stored())
    assert (restored.webhook_verified, restored.signed_delivery_seen) == (True, True)


@pytest.mark.parametrize(
    "module", ["fleet", "models", "health", "device_events", "const", "keys", "tsl", "catalogue"]
)
def test_fleet_modules_import_nothing_from_home_assistant(module: str) -> None:
    """The fleet model and what it imports from the package stay HA-free (checked by ast)."""
    seen: set[str] = set()
    pending = [f"custom_components.minerva_iot.milesight.{module}"]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        source = importlib.import_module(name)
        tree = ast.parse(inspect.getsource(source))
        for node in ast.walk(tree):
            imported: list[str] = []
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                package = name if hasattr(source, "__path__") else name.rpartition(".")[0]
                relative = "." * node.level + (node.module or "")
                imported = [importlib.util.resolve_name(relative, package)]
            for target in imported:
                assert not target.startswith("homeassistant"), f"{name} imports {target}"
                if target.startswith("custom_components.minerva_iot") and (
                    target.count(".") > 1 or target.endswith(".const")
                ):
                    pending.append(target)
    assert f"custom_components.minerva_iot.milesight.{module}" in seen
