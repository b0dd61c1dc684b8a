"""Loading an entry's store so that unreadable data never fails the set-up.

A store file may be truncated (a crash while writing, a full disk) or edited by hand. Broken
JSON is set aside by Home Assistant itself (renamed `.corrupt.<time>`, its own repair issue) and
loads as nothing; data of the wrong shape, or a wrapper without `version` / `data`, raises or
loads as something unusable. Either way the entry starts afresh (what the store held is learned
again; devices and entities live in Home Assistant's registries, not here) and a translated
repair issue says which file was lost; it goes away once the file loads again (the next save
rewrites it).
"""

from __future__ import annotations

from collections.abc import Callable
import logging
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.storage import Store

from .issues import ISSUE_STORE_UNREADABLE, async_delete_entry_issue, async_raise_entry_issue

_LOGGER = logging.getLogger(__name__)


def is_mapping(data: Any) -> bool:
    """The shape every store of this integration has: a JSON object."""
    return isinstance(data, dict)


async def async_load_or_start_afresh(
    hass: HomeAssistant,
    store: Store[Any],
    entry_id: str,
    *,
    name: str,
    valid: Callable[[Any], bool] = is_mapping,
) -> Any | None:
    """The store's data; None when there is none or it cannot be read (then: a repair)."""
    try:
        data = await store.async_load()
    # NotImplementedError: a stored version newer than this code and no migration for it.
    except (HomeAssistantError, KeyError, NotImplementedError, TypeError, ValueError) as err:
        problem = f"{type(err).__name__}: {err}"
    else:
        if data is None or valid(data):
            async_delete_entry_issue(hass, ISSUE_STORE_UNREADABLE, entry_id, suffix=name)
            return data
        problem = f"unexpected content ({type(data).__name__})"
    _LOGGER.warning("Saved data %s could not be read, starting afresh: %s", store.key, problem)
    async_raise_entry_issue(
        hass,
        ISSUE_STORE_UNREADABLE,
        entry_id,
        suffix=name,
        placeholders={"store": store.key},
    )
    return None
