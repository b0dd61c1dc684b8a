"""Bigger simulated Milesight Applications: clones of the simulator's catalogue devices."""

from __future__ import annotations

from simulators.milesight import MilesightSimulator, SimulatedDevice


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
