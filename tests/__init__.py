"""Tests of the Minerva IoT integration and its cloud simulators."""
