"""The passcodes of each lock as last read from the cloud, for the calendar entities.

`lock/listKeyboardPwd` is a cloud read (it wakes no lock) but costs quota, one call per page: the
list is read on the slow tier and after a passcode action changed it, never when the frontend
asks a calendar for its events. A lock whose read fails keeps the list it had.
"""

from __future__ import annotations

from collections.abc import Iterable
import logging

from custom_components.minerva_iot.clients.ttlock import (
    Feature,
    TTLockClient,
    TTLockError,
    TTLockLock,
    TTLockPasscode,
)

from .details import ACCOUNT_ERRORS

_LOGGER = logging.getLogger(__name__)


class PasscodeCache:
    """Passcodes by lock id; a lock never read has none."""

    def __init__(self, client: TTLockClient) -> None:
        """Nothing read yet."""
        self._client = client
        self._passcodes: dict[int, list[TTLockPasscode]] = {}
        # Locks whose re-read after a passcode action is under way.
        self._rereads: set[int] = set()

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

    def start_reread(self, lock_id: int) -> bool:
        """Whether a re-read of the lock must start (none under way): one list, not per action."""
        if lock_id in self._rereads:
            return False
        self._rereads.add(lock_id)
        return True

    async def async_reread(self, lock_id: int) -> bool:
        """The re-read `start_reread` allowed; False when it failed (any refusal)."""
        try:
            await self.async_refresh([lock_id])
        except TTLockError as err:
            _LOGGER.debug("Passcodes of TTLock lock %s not re-read: %s", lock_id, err)
            return False
        finally:
            self._rereads.discard(lock_id)
        return True

    def forget(self, lock_id: int) -> None:
        """The lock is gone."""
        self._passcodes.pop(lock_id, None)


def locks_with_passcodes(locks: Iterable[TTLockLock], among: list[int] | None) -> list[int]:
    """The locks with passcodes (of `among`, or all)."""
    return [
        lock.lock_id
        for lock in locks
        if lock.supports(Feature.PASSCODE) and (among is None or lock.lock_id in among)
    ]
