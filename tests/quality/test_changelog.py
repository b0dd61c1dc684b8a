"""CHANGELOG.md leads the version: manifest.json and pyproject.toml follow its newest release."""

from __future__ import annotations

import json
import re
import tomllib

from .rule_checks import PACKAGE_DIR, ROOT

RELEASE_HEADING = re.compile(
    r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?", re.M
)


def released_versions(changelog: str) -> list[str]:
    """Versions of the `## [x.y.z] - YYYY-MM-DD` headings, newest first (`Unreleased` skipped)."""
    return [
        match["version"]
        for match in RELEASE_HEADING.finditer(changelog)
        if match["version"].lower() != "unreleased"
    ]


def test_released_versions_parser() -> None:
    """Unreleased is skipped, releases are read in order."""
    text = "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2027-01-01\n\n## [0.1.0] - 2026-11-22\n"
    assert released_versions(text) == ["0.2.0", "0.1.0"]
    assert released_versions("# Changelog\n") == []


def test_manifest_version_follows_changelog() -> None:
    """The newest release in CHANGELOG.md is the version HACS and Home Assistant show."""
    versions = released_versions((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert versions, "CHANGELOG.md has no released version"
    manifest = json.loads((PACKAGE_DIR / "manifest.json").read_text(encoding="utf-8"))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert manifest["version"] == versions[0]
    assert pyproject["project"]["version"] == versions[0]


def test_newest_release_lists_its_changes() -> None:
    """Keep a Changelog: a release groups its changes under headings such as ### Added."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = next(
        (m for m in RELEASE_HEADING.finditer(text) if m["version"].lower() != "unreleased"), None
    )
    assert newest is not None
    assert newest["date"], "a release heading carries its date"
    body = text[newest.end() :]
    following = RELEASE_HEADING.search(body)
    body = body[: following.start()] if following else body
    assert re.search(r"^### (Added|Changed|Deprecated|Removed|Fixed|Security)$", body, re.M)
    assert re.search(r"^- \S", body, re.M), "the release lists no change"
