"""Tests of the TTLock side of the integration."""
