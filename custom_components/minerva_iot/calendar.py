"""calendar platform: each vendor's entities (descriptions live in the vendor packages)."""

from __future__ import annotations

from homeassistant.const import Platform

from .vendor_platform import dispatch_platform

# Entities are updated by their coordinator or by pushes, never polled one by one.
PARALLEL_UPDATES = 0

async_setup_entry = dispatch_platform(Platform.CALENDAR)
