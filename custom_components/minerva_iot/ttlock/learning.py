"""What the integration learns about each lock from its records, kept across restarts.

- **Its clock.** Lock clocks run seconds to minutes ahead of or behind the cloud's (PR #170:
  lockDate 76-80 s after serverDate). Each record with both dates gives lockDate - serverDate: the
  lock's offset less the record's upload delay. An upload delay only ever lowers a sample (a
  record synced late, a batch uploaded together), so the offset is near the top of the samples:
  the upper quartile of a lock's recent ones, which one odd record cannot move (the median would
  follow a few late records). A record is then dated on the cloud's clock (lockDate - offset)
  however wrong the lock's clock is. An offset within `CLOCK_RIGHT_WITHIN_MS` cannot be told from
  an upload delay: the lock's clock is then taken as right. A sample beyond
  `MAX_CLOCK_OFFSET_MS` is not a clock but a record synced much later (an app uploading Bluetooth
  records) and is not used. Nor is a record that can only show its upload delay: one uploaded
  more than `MAX_UPLOAD_LAG_MS` after its lock's clock says it happened, or one of more than
  `MAX_SAMPLED_RECORDS` records of a lock arriving together. That is a gateway back from an
  outage uploading its backlog: serverDate is the upload time ("Time of record uploaded to the
  cloud server", lockRecord/notify.md), lockDate when each happened, minutes or hours before
  (that a backlog's records carry one upload time is *unconfirmed*). Such samples would pull the
  offset far below the lock's clock: records then look later than they were, and those of one
  push stop being ordered.
- **Its auto-lock delay.** Many locks that relock report `autoLockTime` -1 or nothing (#67, #178,
  #182). One that pushes an auto-lock record (type 45) after an unlock shows its delay: the time
  from the unlock, or from the door closing after it, to the auto-lock record, both on the lock's
  own clock (its offset cancels out). The median of the last few is the learned delay.

The user can also set the delay by hand per lock (option `relock_after_s`). Everything is stored
per entry; a store that cannot be read gives a clean start, never a failed set-up.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
import math
from statistics import median
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback

from custom_components.minerva_iot.clients.ttlock import TTLockRecord
from custom_components.minerva_iot.entry_store import async_remove_entry_store

from .const import CONF_LOCKS, CONF_RELOCK_AFTER, MAX_RELOCK_AFTER_S
from .lock_store import StoredLocks

# Learned values change with pushes; a minute's delay gathers a burst into one write.
SAVE_DELAY = 60

CLOCK_SAMPLES = 9
CLOCK_RIGHT_WITHIN_MS = 5_000
MAX_CLOCK_OFFSET_MS = 30 * 60 * 1000
# Lock clocks seen: 6 s and 76-80 s ahead of the cloud (PR #170; behind happens too, by an unknown
# amount), so 3 minutes covers twice that skew, and a lock 2 minutes behind with a minute of
# upload delay. A record uploaded later than that measures the upload (pushes come 1-5 min late,
# #22, #72, #129: whether before serverDate is *unconfirmed*), not the clock. A sample left out
# only slows the learning; a wrong one misdates every record.
MAX_UPLOAD_LAG_MS = 3 * 60 * 1000
# Live pushes carry one record, sometimes a few; more of one lock at once is a backlog.
MAX_SAMPLED_RECORDS = 3
RELOCK_SAMPLES = 5
# The learned delay stays within what a lock can be set to (the auto-lock number's 900 s
# maximum, *unconfirmed*); a longer interval is an auto-lock record that came much later.
MIN_RELOCK_S = 1.0
MAX_RELOCK_S = float(MAX_RELOCK_AFTER_S)


def configured_relock_seconds(entry: ConfigEntry, lock_id: int) -> int | None:
    """The per-lock option "assume it relocks after N seconds" (None: not set)."""
    locks = entry.options.get(CONF_LOCKS)
    options = locks.get(str(lock_id)) if isinstance(locks, Mapping) else None
    seconds = options.get(CONF_RELOCK_AFTER) if isinstance(options, Mapping) else None
    if isinstance(seconds, int) and not isinstance(seconds, bool) and seconds > 0:
        return seconds
    return None


@dataclass
class LockLearning:
    """What one lock's records taught: its clock and its auto-lock delay."""

    # (lockDate, serverDate) of recent records: the pair, so a record seen twice (push, then
    # lockRecord/list) counts once.
    clock_samples: deque[tuple[int, int]] = field(
        default_factory=lambda: deque(maxlen=CLOCK_SAMPLES)
    )
    relock_intervals: deque[float] = field(default_factory=lambda: deque(maxlen=RELOCK_SAMPLES))
    # Lock-clock time a relock counts from (the unlock, or the door closing after it); not kept.
    relock_from: int | None = None

    @property
    def clock_offset_ms(self) -> int | None:
        """How far the lock's clock is ahead of the cloud's (ms; None: no sample yet)."""
        if not self.clock_samples:
            return None
        samples = sorted(lock - server for lock, server in self.clock_samples)
        offset = samples[math.ceil(0.75 * (len(samples) - 1))]
        return 0 if abs(offset) <= CLOCK_RIGHT_WITHIN_MS else offset

    @property
    def relock_seconds(self) -> float | None:
        """The learned auto-lock delay (None: no auto-lock record followed an unlock yet)."""
        return float(median(self.relock_intervals)) if self.relock_intervals else None

    def as_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "clock_samples": [list(sample) for sample in self.clock_samples],
            "relock_intervals": list(self.relock_intervals),
        }

    @classmethod
    def from_dict(cls, data: Any) -> LockLearning:
        """Read the stored form; whatever is malformed is dropped."""
        learning = cls()
        if not isinstance(data, Mapping):
            return learning
        for sample in _list(data.get("clock_samples")):
            if (
                isinstance(sample, list)
                and len(sample) == 2
                and all(_is_int(value) for value in sample)
                and measures_clock(sample[0], sample[1])
            ):
                learning.clock_samples.append((sample[0], sample[1]))
        for interval in _list(data.get("relock_intervals")):
            if _is_number(interval) and MIN_RELOCK_S <= interval <= MAX_RELOCK_S:
                learning.relock_intervals.append(float(interval))
        return learning


def measures_clock(lock_date: int, server_date: int) -> bool:
    """Whether lockDate - serverDate can be the lock's clock offset, not an upload delay."""
    return (
        abs(lock_date - server_date) <= MAX_CLOCK_OFFSET_MS
        and server_date - lock_date <= MAX_UPLOAD_LAG_MS
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _list(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list) else ()


class TTLockLearning(StoredLocks[LockLearning]):
    """The learned values of an entry's locks, and their store."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """One store file per entry."""
        super().__init__(
            hass,
            _store_name(entry_id),
            LockLearning.from_dict,
            SAVE_DELAY,
            entry_id=entry_id,
            repair_name="ttlock_learned",
        )

    def lock(self, lock_id: int) -> LockLearning:
        """What `lock_id` taught so far (created empty on first use)."""
        return self._locks.setdefault(lock_id, LockLearning())

    def clock_offset_ms(self, lock_id: int) -> int | None:
        """The lock's learned clock offset (ms ahead of the cloud), None when unknown."""
        learning = self._locks.get(lock_id)
        return learning.clock_offset_ms if learning else None

    def relock_seconds(self, lock_id: int) -> float | None:
        """The lock's learned auto-lock delay, None when unknown."""
        learning = self._locks.get(lock_id)
        return learning.relock_seconds if learning else None

    @callback
    def observe_clocks(self, records: Iterable[TTLockRecord]) -> None:
        """Records that arrived together: samples of their locks' clocks, unless a backlog."""
        records = list(records)
        per_lock = Counter(record.lock_id for record in records)
        for record in records:
            if per_lock[record.lock_id] <= MAX_SAMPLED_RECORDS:
                self.observe_clock(record)

    @callback
    def observe_clock(self, record: TTLockRecord) -> None:
        """A record with both dates, uploaded when it happened, samples its lock's clock offset."""
        if not record.server_date or not record.lock_date:
            return
        if not measures_clock(record.lock_date, record.server_date):
            return
        samples = self.lock(record.lock_id).clock_samples
        sample = (record.lock_date, record.server_date)
        if sample not in samples:
            samples.append(sample)
            self._schedule_save()

    @callback
    def relock_starts(self, lock_id: int, lock_ms: int) -> None:
        """An unlock, or the door closing while unlocked: the auto-lock delay runs from here."""
        self.lock(lock_id).relock_from = lock_ms

    @callback
    def relock_stops(self, lock_id: int) -> None:
        """The door opened or the lock was locked otherwise: no auto-lock interval to measure."""
        self.lock(lock_id).relock_from = None

    @callback
    def auto_locked(self, lock_id: int, lock_ms: int) -> None:
        """An auto-lock record: the time since the relock started is a sample of the delay."""
        learning = self.lock(lock_id)
        started, learning.relock_from = learning.relock_from, None
        if started is None:
            return
        interval = (lock_ms - started) / 1000
        if MIN_RELOCK_S <= interval <= MAX_RELOCK_S:
            learning.relock_intervals.append(interval)
            self._schedule_save()

    @callback
    def forget_relock(self, lock_id: int) -> None:
        """The user changed the lock's auto-lock delay: what was learned no longer holds."""
        learning = self._locks.get(lock_id)
        if learning is not None and learning.relock_intervals:
            learning.relock_intervals.clear()
            self._schedule_save()


async def async_remove_learning(hass: HomeAssistant, entry_id: str) -> None:
    """The entry is deleted: so is what its locks taught."""
    await async_remove_entry_store(hass, _store_name(entry_id))


def _store_name(entry_id: str) -> str:
    return f"ttlock_learned.{entry_id}"
