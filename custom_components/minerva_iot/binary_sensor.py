"""binary sensor platform: entities of both vendors (descriptions live in each vendor package)."""

from __future__ import annotations

from .milesight.binary_sensor import async_setup_entry as async_setup_milesight_binary_sensor
from .ttlock.binary_sensor import async_setup_entry as async_setup_ttlock_binary_sensor
from .vendor_platform import dispatch_platform

# Entities are updated by their coordinator or by pushes, never polled one by one.
PARALLEL_UPDATES = 0

async_setup_entry = dispatch_platform(
    milesight=async_setup_milesight_binary_sensor, ttlock=async_setup_ttlock_binary_sensor
)
