"""lock platform: entities of both vendors (descriptions live in each vendor package)."""

from __future__ import annotations

from .ttlock.lock import async_setup_entry as async_setup_ttlock_lock
from .vendor_platform import dispatch_platform

# Commands reach a cloud that serialises them per device anyway: one at a time.
PARALLEL_UPDATES = 1

async_setup_entry = dispatch_platform(ttlock=async_setup_ttlock_lock)
