"""Checks that keep quality_scale.yaml, the translations and the user documentation true."""
