"""Checks of the package layout, manifest and translations."""
