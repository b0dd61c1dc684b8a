"""Parsing of devices, thing models and payload flattening."""

from __future__ import annotations

import pytest

from custom_components.minerva_iot.clients.milesight import (
    MilesightDevice,
    MilesightResponseError,
    ThingSpecification,
    flatten_payload,
)


def test_flatten_payload() -> None:
    """Nested dicts become dotted keys; lists, scalars and empty dicts are kept as values."""
    payload = {
        "button_event": {"status": "short press"},
        "a": {"b": {"c": 1}, "d": [1, 2]},
        "battery": 88,
        "empty": {},
    }
    assert flatten_payload(payload) == {
        "button_event.status": "short press",
        "a.b.c": 1,
        "a.d": [1, 2],
        "battery": 88,
        "empty": {},
    }
    assert flatten_payload({"a": {"b": 1}}, sep="/") == {"a/b": 1}


def test_device_from_api_numeric_id_and_defaults() -> None:
    """A numeric deviceId becomes a string; missing fields become None; name falls back to sn."""
    device = MilesightDevice.from_api({"deviceId": 1890000000000000001, "sn": "SN1", "model": ""})
    assert device.device_id == "1890000000000000001"
    assert device.name == "SN1"
    assert device.model is None
    assert device.dev_eui is None
    assert device.connect_status is None
    assert device.raw["sn"] == "SN1"


@pytest.mark.parametrize("item", [None, [], {"sn": "x"}, {"deviceId": ""}])
def test_device_from_api_rejects_items_without_id(item: object) -> None:
    """Every device needs a deviceId."""
    with pytest.raises(MilesightResponseError):
        MilesightDevice.from_api(item)


def test_thing_specification_nested_keys_and_enums() -> None:
    """Children named by parentId get dotted keys; mappings become value -> label."""
    spec = ThingSpecification.from_api(
        {
            "version": "1.1",
            "properties": [
                {"id": "outer", "dataSpec": {"dataType": "STRUCT"}},
                {"id": "inner", "dataSpec": {"dataType": "STRUCT", "parentId": "outer"}},
                {
                    "id": "status",
                    "name": "Status",
                    "accessMode": "R",
                    "dataSpec": {
                        "dataType": "ENUM",
                        "parentId": "inner",
                        "mappings": [{"key": 0, "value": "Off"}, {"key": 1, "value": "On"}, "junk"],
                    },
                },
                {
                    "id": "a.b",
                    "hidden": True,
                    "dataSpec": {"dataType": "INT", "parentId": "a", "unitName": "min"},
                },
                {"propertyKey": "loop", "dataSpec": {"parentId": "loop"}},
                {"name": "no id"},
                "not a dict",
            ],
        }
    )
    assert spec.version == "1.1"
    assert set(spec.properties) == {"outer", "outer.inner", "outer.inner.status", "a.b", "loop"}
    status = spec.properties["outer.inner.status"]
    assert status.enum == {"0": "Off", "1": "On"}
    assert status.name == "Status"
    assert status.data_type == "ENUM"
    assert status.access_mode == "R"
    assert spec.properties["a.b"].unit == "min"
    assert spec.properties["a.b"].hidden is True
    assert status.hidden is False
    assert spec.properties["outer"].enum == {}


@pytest.mark.parametrize("data", [None, [], {"properties": "x"}])
def test_thing_specification_rejects_bad_bodies(data: object) -> None:
    """Anything but an object with a properties list is an unexpected body."""
    with pytest.raises(MilesightResponseError):
        ThingSpecification.from_api(data)


def test_thing_specification_empty() -> None:
    """A model without properties parses to an empty mapping."""
    assert ThingSpecification.from_api({"properties": None}).properties == {}
