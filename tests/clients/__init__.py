"""Tests of the HA-free vendor clients."""
