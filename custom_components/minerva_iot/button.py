"""button platform: entities of both vendors (descriptions live in each vendor package)."""

from __future__ import annotations

from .milesight.button import async_setup_entry as async_setup_milesight_button
from .ttlock.button import async_setup_entry as async_setup_ttlock_button
from .vendor_platform import dispatch_platform

# Commands reach a cloud that serialises them per device anyway: one at a time.
PARALLEL_UPDATES = 1

async_setup_entry = dispatch_platform(
    milesight=async_setup_milesight_button, ttlock=async_setup_ttlock_button
)
