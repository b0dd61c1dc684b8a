"""Tests of the TTLock Open API client."""
