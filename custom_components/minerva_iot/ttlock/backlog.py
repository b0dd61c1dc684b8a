"""A TTLock push beyond the record cap: its older records are read back from the cloud.

`parse_callback` keeps the newest `MAX_PUSH_RECORDS` of a push (applied at once, in order); the
older ones are counted, logged once (`PushOverflowLog`), and each lock they belong to gets ONE
`lockRecord/list` call over their span of lock time (one page: the API's largest,
`RECORD_LIST_MAX_PAGE_SIZE`). What it returns is applied like a push: the coordinator reports a
record once (a record it already applied is dropped), so the read costs a call, never a double.
Records beyond that page stay counted, not applied (the lock's state comes from the newest).
"""

from __future__ import annotations

from collections import defaultdict
import logging
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback

from custom_components.minerva_iot.clients.ttlock import TTLockError, TTLockRecord
from custom_components.minerva_iot.clients.ttlock.const import RECORD_LIST_MAX_PAGE_SIZE

if TYPE_CHECKING:
    from .coordinator import TTLockCoordinator

_LOGGER = logging.getLogger(__name__)


def spans_by_lock(records: list[TTLockRecord]) -> dict[int, tuple[int, int]]:
    """Each lock's first and last lock time among `records`."""
    dates: defaultdict[int, list[int]] = defaultdict(list)
    for record in records:
        dates[record.lock_id].append(record.lock_date)
    return {lock_id: (min(values), max(values)) for lock_id, values in dates.items()}


@callback
def async_read_back(
    hass: HomeAssistant, coordinator: TTLockCoordinator, overflow: list[TTLockRecord]
) -> None:
    """Read back the records left out of a push, for the locks this entry owns."""
    spans = spans_by_lock(overflow)
    for lock_id, (start_ms, end_ms) in spans.items():
        if lock_id not in coordinator.account.locks:
            continue
        coordinator.config_entry.async_create_background_task(
            hass,
            _async_read_lock(coordinator, lock_id, start_ms, end_ms),
            f"minerva_iot ttlock read back records of lock {lock_id}",
        )


async def _async_read_lock(
    coordinator: TTLockCoordinator, lock_id: int, start_ms: int, end_ms: int
) -> None:
    try:
        records = await coordinator.client.async_list_records(
            lock_id,
            start_ms=start_ms,
            end_ms=end_ms,
            page_size=RECORD_LIST_MAX_PAGE_SIZE,
            max_pages=1,
        )
    except TTLockError as err:
        _LOGGER.debug("Records of TTLock lock %s not read back: %s", lock_id, err)
        return
    # The list is newest first: applied oldest first, like a push.
    coordinator.async_apply_records(reversed(records))
