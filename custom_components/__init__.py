"""Custom components package (lets tests import custom_components.minerva_iot)."""
