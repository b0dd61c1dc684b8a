"""Tests of the Milesight Development Platform client."""
