"""One stale-device rule and one device-removal rule, the same for every vendor.

Stale: a device the cloud's listing no longer names is believed gone only once
`LISTINGS_BEFORE_GONE` listings in a row missed it; its entities are then unavailable. Clouds
sometimes answer a short or an empty list (TTLock's `lock/list`, reference field-findings), so
one listing proves nothing. An empty listing while devices are known and not yet believed gone
is a failed poll: nothing of the devices changes.

Removal: Home Assistant never deletes a device by itself (a wrong listing would cost the user
the device's entity ids, names and history). The user deletes it on the device page, which is
allowed only while the entry is loaded (only then is the cloud's listing known) and only for a
device the cloud's last listing did not name (one it names would come straight back).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState

# Consecutive listings without a device before it is believed gone.
LISTINGS_BEFORE_GONE = 3


class DeviceListing[KeyT: Hashable]:
    """The cloud's listings of one kind of device, and how often each known device was missed."""

    def __init__(self) -> None:
        """No listing seen yet: nothing is missed, nothing is believed gone."""
        self._missed: dict[KeyT, int] = {}
        self._listed: set[KeyT] | None = None

    def observe(self, known: Iterable[KeyT], listed: Collection[KeyT]) -> bool:
        """Count one listing against the devices `known`; True when it is a failed poll.

        A failed poll is an empty listing while some known device is not believed gone yet:
        the caller keeps every device as it was. The listing still counts, so that a cloud
        that really lost every device is believed after `LISTINGS_BEFORE_GONE` of them.
        """
        known = set(known)
        self._missed = {key: self._missed.get(key, 0) + 1 for key in known if key not in listed}
        if not listed and any(not self.gone(key) for key in known):
            return True  # the last real listing still says what the cloud lists
        self._listed = set(listed)
        return False

    def gone(self, key: KeyT) -> bool:
        """Whether enough listings in a row missed the device to believe it gone."""
        return self._missed.get(key, 0) >= LISTINGS_BEFORE_GONE

    @property
    def seen(self) -> bool:
        """Whether a listing was seen (a cloud without listings, or none read yet: False)."""
        return self._listed is not None

    def listed(self, key: KeyT) -> bool:
        """Whether the last listing named the device (no listing yet: not known to be)."""
        return self._listed is not None and key in self._listed

    def forget(self, key: KeyT) -> None:
        """The user deleted the device: it starts afresh if it ever comes back."""
        self._missed.pop(key, None)

    def as_stored(self) -> dict[KeyT, int]:
        """How often each device was missed, for an entry whose listings are rare (restarts)."""
        return dict(self._missed)

    def restore(self, missed: Mapping[KeyT, Any]) -> None:
        """Bring back what `as_stored` gave (malformed counts are skipped)."""
        self._missed = {
            key: count for key, count in missed.items() if isinstance(count, int) and count > 0
        }


def removal_allowed[KeyT: Hashable](
    entry: ConfigEntry, listing: DeviceListing[KeyT], key: KeyT
) -> bool:
    """Whether the user may delete the cloud device `key` of the entry (see the module doc)."""
    return entry.state is ConfigEntryState.LOADED and not listing.listed(key)
