"""Simulators of the Milesight Development Platform and TTLock clouds (loopback only)."""
