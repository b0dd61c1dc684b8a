"""What the integration knows about a TTLock account: locks, gateways and each lock's live state."""

from __future__ import annotations

from dataclasses import dataclass, field

from custom_components.minerva_iot.clients.ttlock import (
    PassageState,
    TTLockGateway,
    TTLockLock,
    TTLockPassageConfig,
    TTLockRecord,
)


@dataclass
class TTLockLockStatus:
    """Live state of one lock, fed mostly by callback pushes (None = unknown)."""

    locked: bool | None = None
    door_open: bool | None = None
    battery: int | None = None
    # Passage mode switched on (configured), not "unlocked now": that is `passage`.
    passage_mode: bool | None = None
    # The weekly schedule (lock/getPassageModeConfiguration; None: not read) and what it means
    # now: active or not, and until when (passage.PassageWatch, updated at its boundaries).
    passage_config: TTLockPassageConfig | None = None
    passage: PassageState | None = None
    auto_lock_seconds: int | None = None
    sound_enabled: bool | None = None
    # The gateway the cloud relays this lock's commands through (gateway/listByLock).
    gateway_id: int | None = None
    last_record: TTLockRecord | None = None
    # The newest successful lock/unlock record applied (who operated the lock), and when it
    # happened (tracking.record_time, ms): a record older than that arriving late must not
    # overwrite a newer state.
    last_bolt_record: TTLockRecord | None = None
    last_bolt_time: int | None = None


@dataclass
class TTLockAccount:
    """Coordinator data: the account's locks and gateways by id, and the locks' states."""

    locks: dict[int, TTLockLock] = field(default_factory=dict)
    gateways: dict[int, TTLockGateway] = field(default_factory=dict)
    states: dict[int, TTLockLockStatus] = field(default_factory=dict)
    # lock/detail results (model, firmware, settings), refreshed on the slow tier.
    details: dict[int, TTLockLock] = field(default_factory=dict)

    def state(self, lock_id: int) -> TTLockLockStatus:
        """The state of `lock_id`, created empty on first use."""
        return self.states.setdefault(lock_id, TTLockLockStatus())
