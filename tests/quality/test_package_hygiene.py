"""Rules that hold whatever the quality scale says: hassfest's and the architecture's."""

from __future__ import annotations

from .code_checks import check_clients_isolated
from .rule_checks import QualityContext, check_brand_icon
from .string_checks import check_no_urls, check_services


def test_strings_equal_english_translation(context: QualityContext) -> None:
    """translations/en.json is what a custom integration loads; strings.json is its source."""
    assert context.strings == context.english, "run scripts/sync_translations"


def test_no_url_in_translations(context: QualityContext) -> None:
    """hassfest rejects URLs in translation strings: they go in placeholders."""
    assert check_no_urls({"strings.json": context.strings, "en.json": context.english}) == []


def test_services_yaml_matches_translations(context: QualityContext) -> None:
    """Every action and field has a name and description; registered == declared; icons."""
    assert check_services(context.keys, context.services, context.strings, context.icons) == []


def test_vendor_clients_import_no_home_assistant(context: QualityContext) -> None:
    """clients/** use only the standard library, aiohttp and relative imports of their package."""
    assert context.clients.modules, "the client packages were not found"
    assert check_clients_isolated(context.clients) == []


def test_brand_icon(context: QualityContext) -> None:
    """HACS' brands check passes on brand/icon.png."""
    assert check_brand_icon(context.package_dir) == []
