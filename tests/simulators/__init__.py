"""Tests of the cloud simulators."""
