"""Simulated devices: identities, realistic payloads and thing models (TSL) per model.

Payload keys follow Milesight's decoders as MDP delivers them (see the reference doc §6.5 and §8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import random
from typing import Any

Payload = dict[str, Any]

PRESS_KINDS = ("short press", "long press", "double press")


@dataclass
class SimulatedDevice:
    """One device of the simulated Application; ``history`` holds (ts ms, properties) rows."""

    device_id: str
    sn: str
    dev_eui: str
    name: str
    model: str
    firmware_version: str = "v1.3"
    hardware_version: str = "v1.0"
    connect_status: str = "ONLINE"
    electricity: int | None = None  # battery %, set by uplinks that report one
    last_update_ms: int | None = None
    # MDP may send deviceId as a number (reference §4): then profile/search/detail do so.
    numeric_id: bool = False
    history: list[tuple[int, Payload]] = field(default_factory=list, repr=False)

    def profile(self) -> dict[str, Any]:
        """The ``deviceProfile`` of webhook events."""
        return {
            "deviceId": int(self.device_id) if self.numeric_id else self.device_id,
            "sn": self.sn,
            "devEUI": self.dev_eui,
            "name": self.name,
            "model": self.model,
        }

    def to_api(self) -> dict[str, Any]:
        """The Device_Info object of the search and detail calls."""
        return {
            **self.profile(),
            "imei": None,
            "hardwareVersion": self.hardware_version,
            "firmwareVersion": self.firmware_version,
            "electricity": self.electricity,
            "lastUpdateTime": self.last_update_ms,
            "connectStatus": self.connect_status,
            "autopStatus": "SUCCESS",
            "application": {"applicationId": "1890000000000000100", "applicationName": "Simulator"},
            "description": "",
        }

    def record(self, ts_ms: int, payload: Payload) -> None:
        """Store an uplink in the history and the battery level in ``electricity``."""
        self.history.append((ts_ms, payload))
        self.last_update_ms = ts_ms
        if isinstance(payload.get("battery"), int):
            self.electricity = payload["battery"]


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


def _prop(
    prop_id: str,
    name: str,
    data_type: str,
    *,
    unit: str | None = None,
    mappings: dict[str, str] | None = None,
    access: str = "R",
    parent: str | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {"dataType": data_type}
    if unit is not None:
        spec["unitName"] = unit
    if mappings is not None:
        spec["mappings"] = [{"key": key, "value": value} for key, value in mappings.items()]
    if parent is not None:
        spec["parentId"] = parent
    return {"id": prop_id, "name": name, "accessMode": access, "hidden": False, "dataSpec": spec}


_BATTERY = _prop("battery", "Battery", "INT", unit="%")
_TEMPERATURE = _prop("temperature", "Temperature", "FLOAT", unit="°C")
_HUMIDITY = _prop("humidity", "Humidity", "FLOAT", unit="%RH")
_REPORTING = _prop("reporting_interval", "Reporting Interval", "INT", unit="min", access="RW")

_TSL_PROPERTIES: dict[str, list[dict[str, Any]]] = {
    "EM300-TH": [_TEMPERATURE, _HUMIDITY, _BATTERY, _REPORTING],
    "AM319": [
        _TEMPERATURE,
        _HUMIDITY,
        _prop("co2", "CO2", "INT", unit="ppm"),
        _prop("tvoc", "TVOC", "FLOAT", unit="mg/m3"),
        _prop("pm2_5", "PM2.5", "INT", unit="ug/m3"),
        _prop("pm10", "PM10", "INT", unit="ug/m3"),
        _prop("pressure", "Barometric Pressure", "FLOAT", unit="hPa"),
        _prop("hcho", "HCHO", "FLOAT", unit="mg/m3"),
        _prop("pir", "PIR", "ENUM", mappings={"idle": "Idle", "trigger": "Trigger"}),
        _prop("light_level", "Light Level", "INT"),
        _REPORTING,
    ],
    "WS301": [
        _prop(
            "magnet_status", "Magnet Status", "ENUM", mappings={"close": "Close", "open": "Open"}
        ),
        _prop(
            "tamper_status",
            "Tamper Status",
            "ENUM",
            mappings={"installed": "Installed", "uninstalled": "Uninstalled"},
        ),
        _BATTERY,
        _REPORTING,
    ],
    "WS101": [
        _prop("button_event", "Button Event", "STRUCT"),
        _prop(
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
        _prop(
            "leakage_status",
            "Leakage Status",
            "ENUM",
            mappings={"normal": "Normal", "leak": "Leak"},
        ),
        _BATTERY,
        _REPORTING,
    ],
    "VS121-P": [
        _prop("people_count_all", "People Count", "INT"),
        _prop("people_count_max", "People Count Max", "INT"),
        _prop("region_1_count", "Region 1 Count", "INT"),
        _prop("region_2_count", "Region 2 Count", "INT"),
    ],
}


def thing_properties(model: str) -> list[dict[str, Any]]:
    """A copy of the catalogue's thing-model properties of ``model``."""
    return [dict(prop) for prop in _TSL_PROPERTIES.get(model, [_BATTERY])]


def thing_specification(
    model: str, properties: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The ``data`` of the thing-specification call for ``model`` (``properties`` overrides)."""
    return {
        "version": "1.1",
        "properties": properties if properties is not None else thing_properties(model),
        "events": [],
        "services": [
            {"id": "reboot", "name": "Reboot", "callType": "ASYNC", "inputs": [], "outputs": []}
        ],
    }
