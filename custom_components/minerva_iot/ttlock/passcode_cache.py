"""The passcodes of each lock as last read from the cloud, for the calendar entities.

`lock/listKeyboardPwd` is a cloud read (it wakes no lock) but costs quota, one call per page: the
list is read on the slow tier and after a passcode action changed it, never when the frontend
asks a calendar for its events. A lock whose read fails keeps the list it had.
"""

from __future__ import annotations

from collections.abc import Iterable
import logging

from custom_components.minerva_iot.clients.ttlock import TTLockClient, TTLockError, TTLockPasscode

from .details import ACCOUNT_ERRORS

_LOGGER = logging.getLogger(__name__)


class PasscodeCache:
    """Passcodes by lock id; a lock never read has none."""

    def __init__(self, client: TTLockClient) -> None:
        """Nothing read yet."""
        self._client = client
        self._passcodes: dict[int, list[TTLockPasscode]] = {}

    def get(self, lock_id: int) -> list[TTLockPasscode]:
        """The lock's passcodes as last read (empty before the first read)."""
        return self._passcodes.get(lock_id, [])

    async def async_refresh(self, lock_ids: Iterable[int]) -> None:
        """Read the passcodes of these locks; account-wide refusals are raised."""
        for lock_id in lock_ids:
            try:
                self._passcodes[lock_id] = await self._client.async_list_passcodes(lock_id)
            except ACCOUNT_ERRORS:  # account-wide: the caller (the poll) handles them
                raise
            except TTLockError as err:
                _LOGGER.debug("Passcodes of TTLock lock %s not read: %s", lock_id, err)

    def forget(self, lock_id: int) -> None:
        """The lock is gone."""
        self._passcodes.pop(lock_id, None)
