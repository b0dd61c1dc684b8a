"""climate platform: each vendor's entities (descriptions live in the vendor packages)."""

from __future__ import annotations

from homeassistant.const import Platform

from .vendor_platform import dispatch_platform

# Commands reach a cloud that serialises them per device anyway: one at a time.
PARALLEL_UPDATES = 1

async_setup_entry = dispatch_platform(Platform.CLIMATE)
