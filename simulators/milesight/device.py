"""A simulated device and the thing-model property builder shared by every device catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Payload = dict[str, Any]


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
    # "Device data storage" in the console: off, MDP keeps no history for the device (Beaver
    # IoT's MDP documentation) and the history API answers an empty list.
    data_storage: bool = True
    history: list[tuple[int, Payload]] = field(default_factory=list, repr=False)
    # Counters of field models (energy, people, pulses) between uplinks.
    state: dict[str, float] = field(default_factory=dict, repr=False)
    # Property values written through the API and applied by the device (downlinks.py):
    # its uplinks report them from then on.
    settings: dict[str, Any] = field(default_factory=dict, repr=False)
    # LoRaWAN class: "A" takes a downlink after its next uplink, "C" within seconds.
    lorawan_class: str = "A"

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
        """Store an uplink in the history (if storage is on) and the battery in ``electricity``."""
        if self.data_storage:
            self.history.append((ts_ms, payload))
        self.last_update_ms = ts_ms
        if isinstance(payload.get("battery"), int):
            self.electricity = payload["battery"]


def prop(
    prop_id: str,
    name: str,
    data_type: str,
    *,
    unit: str | None = None,
    mappings: dict[str, str] | None = None,
    access: str = "R",
    parent: str | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    fraction_digits: int | None = None,
) -> dict[str, Any]:
    """One thing-model property as MDP's thing-specification call returns it."""
    spec: dict[str, Any] = {"dataType": data_type}
    if minimum is not None or maximum is not None:
        spec["validator"] = {"min": minimum, "max": maximum}
    if fraction_digits is not None:
        spec["fractionDigits"] = fraction_digits
    if unit is not None:
        spec["unitName"] = unit
    if mappings is not None:
        spec["mappings"] = [{"key": key, "value": value} for key, value in mappings.items()]
    if parent is not None:
        spec["parentId"] = parent
    return {"id": prop_id, "name": name, "accessMode": access, "hidden": False, "dataSpec": spec}
