"""Bigger simulated Milesight Applications: clones of the simulator's catalogue devices."""

from __future__ import annotations

import time

from simulators.milesight import MilesightSimulator, SimulatedDevice

DAY_MINUTES = 24 * 60


def grow_fleet(sim: MilesightSimulator, total: int) -> None:
    """Make the simulated Application hold ``total`` devices.

    The first devices stay the simulator's catalogue (one of each model); the others copy their
    models in turn, with their own ids, and get one stored reading each so that the start-up
    seeding has history to read.
    """
    catalogue = list(sim.devices)
    del sim.devices[total:]
    for index in range(len(sim.devices), total):
        model = catalogue[index % len(catalogue)]
        sn = f"BENCH{index:011d}"
        sim.devices.append(
            SimulatedDevice(
                device_id=str(1890000000000100000 + index),
                sn=sn,
                dev_eui=f"24E124BE{index:08X}",
                name=f"{model.name} {index}",
                model=model.model,
            )
        )
        sim.uplink_event(sn)


def add_day_of_uplinks(sim: MilesightSimulator, every_minutes: int) -> None:
    """Store, for every device, one uplink each ``every_minutes`` over the last 24 hours.

    Real devices report every few minutes: at 10 minutes a day is 144 history rows, two pages
    of the history call. Without this the history of a device fits one page and the
    benchmark cannot show what re-reading a whole day on every refresh would cost.
    """
    now_ms = int(time.time() * 1000)
    for device in sim.devices:
        reading = dict(device.history[-1][1]) if device.history else {"battery": 90}
        for minutes in range(every_minutes, DAY_MINUTES, every_minutes):
            device.record(now_ms - minutes * 60_000, reading)
