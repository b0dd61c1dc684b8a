"""Devices "as they are in the field": the models the catalogue knows, with their real payloads.

Payload keys, value labels, scales and units follow Milesight's decoders
(``Milesight-IoT/SensorDecoders``; each generator names its decoder folder), so a simulated
CT101 reports ``current`` in A while a WS523 reports it in mA, exactly as the field does. The
same facts are in ``custom_components/minerva_iot/milesight/catalogue``; a simulator test checks
that both agree. Counters (energy, people, pulses) only grow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import random
from typing import Any

from .device import Payload, SimulatedDevice, prop

# Reports of a people counter sent as DEVICE_DATA/EVENT: MDP's documentation gives a people
# counter's line-crossing report as its EVENT example (event-device-data.html). The tslId MDP
# uses for it is *unconfirmed*.
LINE_CROSSING_TSL_ID = "line_crossing"

type Generator = Callable[[random.Random, SimulatedDevice], Payload]


def _grow(device: SimulatedDevice, key: str, start: float, step: float) -> float:
    """A counter of the device that only grows (kept in its state between uplinks)."""
    value = device.state.get(key, start) + step
    device.state[key] = value
    return value


def _ct101(rng: random.Random, device: SimulatedDevice) -> Payload:
    # ct-series/ct101: current A (uint16/100), total_current Ah (uint32/100), temperature °C.
    current = round(rng.uniform(2.0, 14.0), 2)
    return {
        "current": current,
        "total_current": round(_grow(device, "total_current", 1500.0, current / 6), 2),
        "temperature": round(rng.uniform(24.0, 38.0), 1),
    }


def _ws523(rng: random.Random, device: SimulatedDevice) -> Payload:
    # ws-series/ws523: voltage V (/10), active_power W, power_factor %, current mA,
    # power_consumption Wh (uint32), socket_status on/off.
    voltage = round(rng.uniform(228.0, 238.0), 1)
    # Switched off through the API (downlinks.py): no load, so no power.
    switched_on = device.settings.get("socket_status", "on") == "on"
    power = rng.randint(900, 2100) if rng.random() < 0.3 else rng.randint(0, 8)
    power = power if switched_on else 0
    current = round(power / voltage * 1000) if power else rng.randint(0, 40)
    return {
        "voltage": voltage,
        "active_power": power,
        "power_factor": rng.randint(40, 99) if power else 0,
        "current": current,
        "power_consumption": int(_grow(device, "power_consumption", 26121, power / 60)),
        "socket_status": "on" if switched_on else "off",
    }


def _gs101(rng: random.Random, device: SimulatedDevice) -> Payload:
    # gs-series/gs101: gas_status normal/alarm, valve_status and relay_output_status on/off,
    # life_remain s (uint32). Its `alarm` report (power on/off, device faults) comes as its own
    # uplink: see alarm_report().
    gas = "alarm" if rng.random() < 0.05 else "normal"
    return {
        "gas_status": gas,
        "valve_status": "off" if gas == "alarm" else "on",
        "relay_output_status": "on" if gas == "alarm" else "off",
        "life_remain": int(_grow(device, "life_remain", 157_680_000, -600)),
    }


def _vs133(rng: random.Random, device: SimulatedDevice) -> Payload:
    # vs-series/vs133: line_N_total_in/out and line_N_period_in/out (counts), region_N_count,
    # region_N_avg_dwell / region_N_max_dwell (no unit in the decoder; seconds per the field
    # findings), child_* counters when child counting is on.
    period_in, period_out = rng.randint(0, 12), rng.randint(0, 12)
    child_in = rng.randint(0, 2)
    avg = rng.randint(30, 600)
    return {
        "line_1_total_in": int(_grow(device, "line_1_total_in", 72, period_in)),
        "line_1_total_out": int(_grow(device, "line_1_total_out", 200, period_out)),
        "line_1_period_in": period_in,
        "line_1_period_out": period_out,
        "line_1_child_total_in": int(_grow(device, "line_1_child_total_in", 3, child_in)),
        "line_1_child_period_in": child_in,
        "region_1_count": rng.randint(0, 9),
        "region_1_avg_dwell": avg,
        "region_1_max_dwell": avg + rng.randint(0, 900),
    }


def _vs133_crossing(rng: random.Random, device: SimulatedDevice) -> Payload:
    """The line-crossing report (an EVENT): the grown totals of line 1."""
    return {
        "line_1_total_in": int(_grow(device, "line_1_total_in", 72, rng.randint(0, 1))),
        "line_1_total_out": int(_grow(device, "line_1_total_out", 200, rng.randint(0, 1))),
    }


def _uc300(rng: random.Random, device: SimulatedDevice) -> Payload:
    # uc-series/uc300: gpio_input_N low/high, gpio_counter_N (uint32, grows), pt100_N °C
    # (int16/10), adc_N (current input, /100).
    return {
        "gpio_input_1": rng.choice(("low", "high")),
        "gpio_counter_2": int(_grow(device, "gpio_counter_2", 10, rng.randint(0, 25))),
        "pt100_1": round(rng.uniform(55.0, 80.0), 1),
        "adc_1": round(rng.uniform(4.0, 20.0), 2),
    }


def _wt101(rng: random.Random, device: SimulatedDevice) -> Payload:
    # wt-series/wt101: temperature / target_temperature °C, valve_opening %, window_detection
    # normal/open, freeze_protection normal/triggered, motor_position, battery %.
    opening = rng.randint(0, 100)
    return {
        "battery": rng.randint(60, 100),
        "temperature": round(rng.uniform(18.0, 23.0), 1),
        "target_temperature": rng.choice((19.0, 20.5, 21.0)),
        "valve_opening": opening,
        "motor_position": opening * 7,
        "window_detection": "open" if rng.random() < 0.1 else "normal",
        "freeze_protection": "normal",
    }


def _ds3604(rng: random.Random, device: SimulatedDevice) -> Payload:
    # ds-series/ds3604: battery %, button_status single_click/double_click/short_press/long_press.
    payload: Payload = {"battery": rng.randint(70, 100)}
    if rng.random() < 0.5:
        payload["button_status"] = rng.choice(
            ("single_click", "double_click", "short_press", "long_press")
        )
    return payload


def _em500_swl(rng: random.Random, device: SimulatedDevice) -> Payload:
    # em-series/em500-swl: depth cm (uint16), battery %.
    return {"battery": rng.randint(80, 100), "depth": rng.randint(80, 240)}


def _em500_smtc(rng: random.Random, device: SimulatedDevice) -> Payload:
    # em-series/em500-smtc: temperature °C, moisture % (/2 or /100), electricity (EC, µS/cm).
    return {
        "battery": rng.randint(80, 100),
        "temperature": round(rng.uniform(12.0, 28.0), 1),
        "moisture": round(rng.uniform(20.0, 60.0), 1),
        "electricity": rng.randint(150, 900),
    }


def _em320_th(rng: random.Random, device: SimulatedDevice) -> Payload:
    # em-series/em320-th-v2: temperature °C, humidity %, battery %.
    return {
        "battery": rng.randint(80, 100),
        "temperature": round(rng.uniform(-22.0, -16.0), 1),
        "humidity": round(rng.uniform(40.0, 60.0), 1),
    }


@dataclass(frozen=True)
class FieldModel:
    """A field model: its payload generator and its thing-model properties."""

    generate: Generator
    properties: tuple[dict[str, Any], ...]
    events: tuple[dict[str, Any], ...] = ()
    # Thing-model services (empty: only "reboot").
    services: tuple[dict[str, Any], ...] = ()


def _enum(key: str, name: str, labels: tuple[str, ...], *, access: str = "R") -> dict[str, Any]:
    return prop(
        key, name, "ENUM", mappings={label: label.title() for label in labels}, access=access
    )


_BATTERY = prop("battery", "Battery", "INT", unit="%")
_TEMPERATURE = prop("temperature", "Temperature", "FLOAT", unit="°C")
# Seconds, 60-64800 (MDP's EM320-TH properties page, field findings 9).
_REPORTING = prop(
    "reporting_interval",
    "Reporting Interval",
    "INT",
    unit="s",
    access="RW",
    minimum=60,
    maximum=64800,
)


def _service(service_id: str, name: str, inputs: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    return {
        "id": service_id,
        "name": name,
        "callType": "ASYNC",  # *unconfirmed* value set (reference §11)
        "inputs": list(inputs),
        "outputs": [],
    }


# MDP's "WS51x - Available Services" page lists these for Milesight's sockets; that the WS523
# plug offers the same is *unconfirmed*.
_SOCKET_SERVICES = (
    _service("reboot", "Reboot"),
    _service("query_device_status", "Query Device Status"),
    _service("power_consumption_clear", "Clear Power Consumption"),
    _service(
        "set_delay_work",
        "Create Delay Task",
        (
            prop("delay_time", "Delay Time", "INT", unit="s", minimum=0, maximum=86400),
            prop("status1", "Socket Status", "INT", minimum=0, maximum=1),
        ),
    ),
)


def _history_array(*items: tuple[str, str, str, str | None]) -> tuple[dict[str, Any], ...]:
    """An ARRAY property as MDP writes it: ``x``, ``x._item`` and ``x._item.y`` children
    (Milesight's own MscTslUtilsTest; elements beyond maxSize are dropped)."""
    array = prop("history", "History", "ARRAY")
    array["dataSpec"].update({"elementDataType": "STRUCT", "validator": {"maxSize": 4}})
    element = prop("history._item", "History Element", "STRUCT", parent="history")
    children = [
        prop(f"history._item.{key}", name, data_type, unit=unit, parent="history._item")
        for key, name, data_type, unit in items
    ]
    return (array, element, *children)


FIELD_MODELS: dict[str, FieldModel] = {
    "CT101": FieldModel(
        _ct101,
        (
            prop("current", "Current", "FLOAT", unit="A"),
            prop("total_current", "Total Current", "FLOAT", unit="Ah"),
            _TEMPERATURE,
            _REPORTING,
        ),
    ),
    "WS523": FieldModel(
        _ws523,
        (
            prop("voltage", "Voltage", "FLOAT", unit="V"),
            prop("active_power", "Active Power", "INT", unit="W"),
            prop("power_factor", "Power Factor", "INT", unit="%"),
            prop("current", "Current", "INT", unit="mA"),
            prop("power_consumption", "Power Consumption", "LONG", unit="Wh"),
            _enum("socket_status", "Socket Status", ("off", "on"), access="RW"),
            _REPORTING,
        ),
        services=_SOCKET_SERVICES,
    ),
    "GS101": FieldModel(
        _gs101,
        (
            _enum("gas_status", "Gas Status", ("normal", "alarm")),
            _enum("valve_status", "Valve Status", ("off", "on"), access="RW"),
            _enum("relay_output_status", "Relay Output Status", ("off", "on"), access="RW"),
            prop("life_remain", "Life Remain", "LONG", unit="s"),
            _enum(
                "alarm",
                "Alarm",
                ("power off", "power on", "device fault", "device fault recovered"),
            ),
            _REPORTING,
        ),
    ),
    "VS133": FieldModel(
        _vs133,
        (
            prop("line_1_total_in", "Line 1 Total In", "LONG"),
            prop("line_1_total_out", "Line 1 Total Out", "LONG"),
            prop("line_1_period_in", "Line 1 Period In", "INT"),
            prop("line_1_period_out", "Line 1 Period Out", "INT"),
            prop("line_1_child_total_in", "Line 1 Child Total In", "LONG"),
            prop("line_1_child_period_in", "Line 1 Child Period In", "INT"),
            prop("region_1_count", "Region 1 Count", "INT"),
            prop("region_1_avg_dwell", "Region 1 Average Dwell", "INT", unit="s"),
            prop("region_1_max_dwell", "Region 1 Maximum Dwell", "INT", unit="s"),
            _REPORTING,
        ),
        (
            {
                "id": LINE_CROSSING_TSL_ID,
                "name": "Line Crossing",
                "type": "INFO",  # *unconfirmed*: MDP's event type values are not documented
                "outputs": [
                    prop("line_1_total_in", "Line 1 Total In", "LONG", parent="line_crossing"),
                    prop("line_1_total_out", "Line 1 Total Out", "LONG", parent="line_crossing"),
                ],
            },
        ),
    ),
    "UC300": FieldModel(
        _uc300,
        (
            _enum("gpio_input_1", "Digital Input 1", ("low", "high")),
            prop("gpio_counter_2", "Digital Input 2 Counter", "LONG"),
            prop("pt100_1", "PT100 1", "FLOAT", unit="°C"),
            prop("adc_1", "Analog Input 1 (Current)", "FLOAT", unit="mA"),
            _REPORTING,
        ),
    ),
    "WT101": FieldModel(
        _wt101,
        (
            _BATTERY,
            _TEMPERATURE,
            # wt-series/wt101: target 5-35 °C.
            prop(
                "target_temperature",
                "Target Temperature",
                "FLOAT",
                unit="°C",
                access="RW",
                minimum=5,
                maximum=35,
                fraction_digits=1,
            ),
            prop(
                "valve_opening",
                "Valve Opening",
                "INT",
                unit="%",
                access="RW",
                minimum=0,
                maximum=100,
            ),
            prop("motor_position", "Motor Position", "INT"),
            _enum("window_detection", "Window Detection", ("normal", "open")),
            _enum("freeze_protection", "Freeze Protection", ("normal", "triggered")),
            _REPORTING,
        ),
    ),
    "DS3604": FieldModel(
        _ds3604,
        (
            _BATTERY,
            _enum(
                "button_status",
                "Button Status",
                ("single_click", "double_click", "short_press", "long_press"),
            ),
            _REPORTING,
        ),
    ),
    "EM500-SWL": FieldModel(
        _em500_swl, (_BATTERY, prop("depth", "Liquid Level", "INT", unit="cm"), _REPORTING)
    ),
    "EM500-SMTC": FieldModel(
        _em500_smtc,
        (
            _BATTERY,
            _TEMPERATURE,
            prop("moisture", "Moisture", "FLOAT", unit="%"),
            prop("electricity", "Conductivity", "INT", unit="µS/cm"),
            _REPORTING,
        ),
    ),
    "EM320-TH": FieldModel(
        _em320_th,
        (
            _BATTERY,
            _TEMPERATURE,
            prop("humidity", "Humidity", "FLOAT", unit="%RH"),
            *_history_array(
                ("timestamp", "Timestamp", "LONG", "s"),
                ("temperature", "Temperature", "FLOAT", "°C"),
                ("humidity", "Humidity", "FLOAT", "%RH"),
            ),
            _REPORTING,
        ),
    ),
}

# (model, sn, name, firmware): the field devices, after the classic ones. Serials follow the
# model prefixes of the decoders' examples; EM320-TH runs the v2 firmware generation.
FIELD_DEVICES: tuple[tuple[str, str, str, str], ...] = (
    ("CT101", "6746D38802580101", "Compressor feed", "v1.1"),
    ("WS523", "6752D0000000F101", "Kettle plug", "v1.3"),
    ("GS101", "6730D0000000F102", "Kitchen gas detector", "v1.2"),
    ("VS133", "6756D0000000F103", "Entrance counter", "v1.0"),
    ("UC300", "6742D0000000F104", "Pump controller", "v1.4"),
    ("WT101", "6729D0000000F105", "Office radiator", "v1.2"),
    ("DS3604", "6766D0000000F106", "Meeting room sign", "v1.0"),
    ("EM500-SWL", "6148D0000000F107", "Rain tank", "v1.1"),
    ("EM500-SMTC", "6149D0000000F108", "Greenhouse soil", "v1.1"),
    ("EM320-TH", "6711D0000000F109", "Freezer", "v2.1"),
)
# Devices whose "device data storage" is off in the console: their history stays empty
# (Beaver IoT's MDP documentation).
NO_STORAGE = frozenset({"6730D0000000F102"})


def field_devices(first_id: int) -> list[SimulatedDevice]:
    """The field devices, with snowflake ids from ``first_id`` on."""
    return [
        SimulatedDevice(
            device_id=str(first_id + index),
            sn=sn,
            dev_eui=f"24E124{sn[1:5]}{sn[-6:]}",
            name=name,
            model=model,
            firmware_version=firmware,
            data_storage=sn not in NO_STORAGE,
            # Mains-powered sockets run Class C, battery devices Class A (*unconfirmed*
            # per-model defaults: from their power supply).
            lorawan_class="C" if model.startswith(("WS52", "WS50")) else "A",
        )
        for index, (model, sn, name, firmware) in enumerate(FIELD_DEVICES)
    ]


def field_payload(rng: random.Random, device: SimulatedDevice) -> Payload | None:
    """A PROPERTY uplink of a field model (None: not a field model)."""
    model = FIELD_MODELS.get(device.model)
    return model.generate(rng, device) if model else None


def crossing_payload(rng: random.Random, device: SimulatedDevice) -> Payload:
    """The payload of a people counter's line-crossing EVENT."""
    return _vs133_crossing(rng, device)
