"""event platform: entities of both vendors (descriptions live in each vendor package)."""

from __future__ import annotations

from .milesight.event import async_setup_entry as async_setup_milesight_event
from .ttlock.event import async_setup_entry as async_setup_ttlock_event
from .vendor_platform import dispatch_platform

# Entities are updated by their coordinator or by pushes, never polled one by one.
PARALLEL_UPDATES = 0

async_setup_entry = dispatch_platform(
    milesight=async_setup_milesight_event, ttlock=async_setup_ttlock_event
)
