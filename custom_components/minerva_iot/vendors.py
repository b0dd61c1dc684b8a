"""The vendor table: every cloud Minerva IoT speaks, by the `vendor` value of its entries."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.exceptions import ConfigEntryError

from .const import CONF_VENDOR, DOMAIN
from .milesight.vendor import MILESIGHT
from .ttlock.vendor import TTLOCK
from .vendor import Vendor

VENDORS: dict[str, Vendor] = {vendor.name: vendor for vendor in (MILESIGHT, TTLOCK)}


def find_vendor(entry: ConfigEntry) -> Vendor | None:
    """The vendor of an entry, or None when its `vendor` value is unknown (corrupted entry)."""
    return VENDORS.get(entry.data.get(CONF_VENDOR, ""))


def vendor_of(entry: ConfigEntry) -> Vendor:
    """The vendor of an entry; an unknown one fails set-up with a translated error."""
    if (vendor := find_vendor(entry)) is None:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="unknown_vendor",
            translation_placeholders={"vendor": str(entry.data.get(CONF_VENDOR))},
        )
    return vendor
