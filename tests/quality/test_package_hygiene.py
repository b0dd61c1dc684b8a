"""Rules that hold whatever the quality scale says: hassfest's and the architecture's.

The texts (every key the code uses, actions against services.yaml, en.json == strings.json, no URL,
every language complete) are checked in tests/foundation/test_translations.py.
"""

from __future__ import annotations

from .code_checks import check_clients_isolated
from .rule_checks import QualityContext, check_brand_icon


def test_vendor_clients_import_no_home_assistant(context: QualityContext) -> None:
    """clients/** use only the standard library, aiohttp and relative imports of their package."""
    assert context.clients.modules, "the client packages were not found"
    assert check_clients_isolated(context.clients) == []


def test_brand_icon(context: QualityContext) -> None:
    """HACS' brands check passes on brand/icon.png."""
    assert check_brand_icon(context.package_dir) == []
