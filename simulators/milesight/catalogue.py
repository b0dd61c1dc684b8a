"""Simulated devices: identities, realistic payloads and thing models (TSL) per model.

Payload keys follow Milesight's decoders as MDP delivers them (see the reference doc §6.5 and §8).
"""

from __future__ import annotations

from collections.abc import Callable
import random
from typing import Any

from .device import Payload, SimulatedDevice, prop
from .field import FIELD_MODELS, field_devices

# "classic": the six devices the integration's tests were written against; "field": those plus
# the catalogue's field models (simulators/milesight/field.py) and MDP's field behaviours.
SCENARIOS = ("classic", "field")

PRESS_KINDS = ("short press", "long press", "double press")


def _battery(rng: random.Random) -> int:
    return rng.randint(80, 100)


def _em300_th(rng: random.Random) -> Payload:
    return {
        "temperature": round(rng.uniform(2.0, 8.0), 1),
        "humidity": round(rng.uniform(60.0, 80.0), 1),
        "battery": _battery(rng),
    }


def _am319(rng: random.Random) -> Payload:
    return {
        "temperature": round(rng.uniform(19.0, 25.0), 1),
        "humidity": round(rng.uniform(35.0, 55.0), 1),
        "co2": rng.randint(420, 1400),
        "tvoc": round(rng.uniform(0.5, 3.0), 2),
        "pm2_5": rng.randint(2, 30),
        "pm10": rng.randint(5, 45),
        "pressure": round(rng.uniform(995.0, 1025.0), 1),
        "hcho": round(rng.uniform(0.01, 0.08), 2),
        "pir": rng.choice(("trigger", "idle")),
        "light_level": rng.randint(0, 5),
    }


def _ws301(rng: random.Random) -> Payload:
    return {
        "magnet_status": rng.choice(("open", "close")),
        "tamper_status": "installed",
        "battery": _battery(rng),
    }


def _ws101(rng: random.Random) -> Payload:
    return {"button_event": {"status": rng.choice(PRESS_KINDS)}, "battery": _battery(rng)}


def _em300_sld(rng: random.Random) -> Payload:
    return {
        "temperature": round(rng.uniform(15.0, 25.0), 1),
        "humidity": round(rng.uniform(40.0, 70.0), 1),
        "leakage_status": rng.choice(("normal", "normal", "normal", "leak")),
        "battery": _battery(rng),
    }


def _vs121(rng: random.Random) -> Payload:
    region_1, region_2 = rng.randint(0, 6), rng.randint(0, 4)
    return {
        "people_count_all": region_1 + region_2,
        "people_count_max": region_1 + region_2 + rng.randint(0, 3),
        "region_1_count": region_1,
        "region_2_count": region_2,
    }


PAYLOADS: dict[str, Callable[[random.Random], Payload]] = {
    "EM300-TH": _em300_th,
    "AM319": _am319,
    "WS301": _ws301,
    "WS101": _ws101,
    "EM300-SLD": _em300_sld,
    "VS121-P": _vs121,
}


def default_devices() -> list[SimulatedDevice]:
    """One device of each simulated model, with 19-digit snowflake ids as the cloud uses."""
    rows = [
        ("EM300-TH", "6136D0000000AB12", "Cold store"),
        ("AM319", "6723D0000000EF56", "Meeting room"),
        ("WS301", "6611D0000000A1B2", "Garage door"),
        ("WS101", "6785D0000000CD34", "Desk button"),
        ("EM300-SLD", "6136D1000000C3D4", "Boiler room leak"),
        ("VS121-P", "6918D0000000E5F6", "Lobby counter"),
    ]
    return [
        SimulatedDevice(
            device_id=str(1890000000000000001 + index),
            sn=sn,
            dev_eui=f"24E124{sn[1:5]}{sn[-6:]}",  # as in the doc: 6136D…AB12 → 24E124136D00AB12
            name=name,
            model=model,
        )
        for index, (model, sn, name) in enumerate(rows)
    ]


def scenario_devices(scenario: str) -> list[SimulatedDevice]:
    """The devices of a scenario: the classic six, then the field devices."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}")
    devices = default_devices()
    if scenario == "field":
        devices += field_devices(1890000000000000001 + len(devices))
    return devices


_BATTERY = prop("battery", "Battery", "INT", unit="%")
_TEMPERATURE = prop("temperature", "Temperature", "FLOAT", unit="°C")
_HUMIDITY = prop("humidity", "Humidity", "FLOAT", unit="%RH")
# The reference's example thing model: minutes, 1-1440 (milesight-mdp-api.md §5.3).
_REPORTING = prop(
    "reporting_interval",
    "Reporting Interval",
    "INT",
    unit="min",
    access="RW",
    minimum=1,
    maximum=1440,
)
_REBOOT = {"id": "reboot", "name": "Reboot", "callType": "ASYNC", "inputs": [], "outputs": []}

_TSL_PROPERTIES: dict[str, list[dict[str, Any]]] = {
    "EM300-TH": [_TEMPERATURE, _HUMIDITY, _BATTERY, _REPORTING],
    "AM319": [
        _TEMPERATURE,
        _HUMIDITY,
        prop("co2", "CO2", "INT", unit="ppm"),
        prop("tvoc", "TVOC", "FLOAT", unit="mg/m3"),
        prop("pm2_5", "PM2.5", "INT", unit="ug/m3"),
        prop("pm10", "PM10", "INT", unit="ug/m3"),
        prop("pressure", "Barometric Pressure", "FLOAT", unit="hPa"),
        prop("hcho", "HCHO", "FLOAT", unit="mg/m3"),
        prop("pir", "PIR", "ENUM", mappings={"idle": "Idle", "trigger": "Trigger"}),
        prop("light_level", "Light Level", "INT"),
        _REPORTING,
    ],
    "WS301": [
        prop("magnet_status", "Magnet Status", "ENUM", mappings={"close": "Close", "open": "Open"}),
        prop(
            "tamper_status",
            "Tamper Status",
            "ENUM",
            mappings={"installed": "Installed", "uninstalled": "Uninstalled"},
        ),
        _BATTERY,
        _REPORTING,
    ],
    "WS101": [
        prop("button_event", "Button Event", "STRUCT"),
        prop(
            "button_event.status",
            "Button Status",
            "ENUM",
            mappings={kind: kind.title() for kind in PRESS_KINDS},
            parent="button_event",
        ),
        _BATTERY,
    ],
    "EM300-SLD": [
        _TEMPERATURE,
        _HUMIDITY,
        prop(
            "leakage_status",
            "Leakage Status",
            "ENUM",
            mappings={"normal": "Normal", "leak": "Leak"},
        ),
        _BATTERY,
        _REPORTING,
    ],
    "VS121-P": [
        prop("people_count_all", "People Count", "INT"),
        prop("people_count_max", "People Count Max", "INT"),
        prop("region_1_count", "Region 1 Count", "INT"),
        prop("region_2_count", "Region 2 Count", "INT"),
    ],
}


def thing_properties(model: str, *, field: bool = False) -> list[dict[str, Any]]:
    """A copy of the thing-model properties of ``model`` (field models with ``field``)."""
    if field and model in FIELD_MODELS:
        source = list(FIELD_MODELS[model].properties)
    else:
        source = _TSL_PROPERTIES.get(model, [_BATTERY])
    return [{**item, "dataSpec": dict(item["dataSpec"])} for item in source]


def thing_specification(
    model: str, properties: list[dict[str, Any]] | None = None, *, field: bool = False
) -> dict[str, Any]:
    """The ``data`` of the thing-specification call for ``model`` (``properties`` overrides)."""
    events = (
        [dict(event) for event in FIELD_MODELS[model].events]
        if field and model in FIELD_MODELS
        else []
    )
    services = (
        [dict(service) for service in FIELD_MODELS[model].services]
        if field and model in FIELD_MODELS and FIELD_MODELS[model].services
        else [dict(_REBOOT)]
    )
    return {
        "version": "1.1",
        "properties": properties
        if properties is not None
        else thing_properties(model, field=field),
        "events": events,
        "services": services,
    }
