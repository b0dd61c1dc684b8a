"""The README's supported-devices section is the one the catalogue generates."""

from __future__ import annotations

from .supported_devices import README, readme_section, section


def test_readme_lists_what_the_catalogue_knows() -> None:
    """Regenerate with `python -m tests.milesight.supported_devices` after a catalogue change."""
    found = readme_section(README.read_text(encoding="utf-8"))
    assert found is not None, "README.md has no generated supported-devices section"
    assert found == section()
    for model in ("CT101", "WS523", "GS101", "VS133", "UC300", "WT101", "DS3604", "EM500-SWL"):
        assert model in found
