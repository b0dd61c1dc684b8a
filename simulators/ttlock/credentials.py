"""IC card and fingerprint endpoints (field_facts.md §8).

Sources: ``docs/ttlock-cloud-api/card/{list,add,update,rename,delete}.md`` (paths
``identityCard/...``) and ``fingerprint/{list,update,rename,delete}.md``; errorCode.md §6: -1021
no such IC card, -1023 no such fingerprint. changePeriod and delete reach the lock with
``changeType`` / ``deleteType`` 2; rename is a cloud-only name (no method flag documented).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .common import Handler, lock_of, validity, via_gateway
from .model import SimulatedCredential, SimulatedLock
from .passage import parse_credential_cycles
from .wire import SimError, int_param, ok_body, page

if TYPE_CHECKING:
    from .server import TTLockSimulator

CYCLIC = 4


@dataclass(frozen=True)
class _Kind:
    """What differs between cards and fingerprints: names, the store and the missing errcode."""

    id_param: str
    name_param: str
    missing: tuple[int, str]
    cards: bool

    def store(self, lock: SimulatedLock) -> dict[int, SimulatedCredential]:
        return lock.cards if self.cards else lock.fingerprints

    def item(self, credential: SimulatedCredential, lock_id: int) -> dict[str, Any]:
        return credential.as_card(lock_id) if self.cards else credential.as_fingerprint(lock_id)

    def find(self, sim: TTLockSimulator, params: dict[str, str]) -> tuple[SimulatedLock, int]:
        lock = lock_of(sim, params)
        credential_id = int_param(params, self.id_param)
        if credential_id not in self.store(lock):
            raise SimError(*self.missing)
        return lock, credential_id


CARD = _Kind("cardId", "cardName", (-1021, "This IC Card does not exist"), cards=True)
FINGERPRINT = _Kind(
    "fingerprintId", "fingerprintName", (-1023, "This Fingerprint does not exist"), cards=False
)


def _listing(kind: _Kind, sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """Newest first by default; orderBy 0 / 2 by name; ``searchStr`` matches names.

    orderBy is documented as required; like listKeyboardPwd a missing one is taken as 1
    (*unconfirmed* whether the cloud refuses it).
    """
    lock = lock_of(sim, params)
    credentials = list(reversed(kind.store(lock).values()))
    if search := params.get("searchStr"):
        credentials = [credential for credential in credentials if search in credential.name]
    order_by = int_param(params, "orderBy", default=1)
    if order_by in (0, 2):
        credentials.sort(key=lambda credential: credential.name, reverse=order_by == 2)
    return page([kind.item(credential, lock.lock_id) for credential in credentials], params, 200)


def _cycles(params: dict[str, str]) -> list[dict[str, int]] | None:
    raw = params.get("cyclicConfig")
    return parse_credential_cycles(raw) if raw else None


async def _change_period(
    kind: _Kind, sim: TTLockSimulator, params: dict[str, str]
) -> dict[str, Any]:
    """startDate and endDate are required and "can't change it to permanent" (update.md)."""
    lock, credential_id = kind.find(sim, params)
    start, end = validity(params, required=True)
    if not start and not end:
        raise SimError(-3, "invalid parameter: a validity period cannot become permanent")
    cycles = _cycles(params)
    if via_gateway(params, "changeType"):
        await sim.reach_lock(lock)
    credential = kind.store(lock)[credential_id]
    credential.start, credential.end = start, end
    if cycles is not None:
        credential.cyclic, credential.kind_type = cycles, CYCLIC if cycles else 1
    return ok_body()


async def _rename(kind: _Kind, sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    lock, credential_id = kind.find(sim, params)
    name = params.get(kind.name_param)
    if not name:
        raise SimError(-3, f"invalid parameter: {kind.name_param} is required")
    kind.store(lock)[credential_id].name = name
    return ok_body()


async def _delete(kind: _Kind, sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    lock, credential_id = kind.find(sim, params)
    if via_gateway(params, "deleteType"):
        await sim.reach_lock(lock)
    del kind.store(lock)[credential_id]
    return ok_body()


async def add_card(sim: TTLockSimulator, params: dict[str, str], *, reversed_number: bool) -> int:
    """identityCard/add and addForReversedCardNumber (card/add.md); returns the cardId.

    The reversed variant stores the number byte-reversed: the documented example sends
    3661413478 and lists 1723612378 (0xDA3CBC66 read backwards). Card type 4 needs cycles.
    """
    lock = lock_of(sim, params)
    number = params.get("cardNumber", "")
    if not number.isdigit():
        raise SimError(-3, "invalid parameter: cardNumber is required")
    if reversed_number:
        value = int(number)
        number = str(
            int.from_bytes(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"), "little")
        )
    start, end = validity(params, required=True)
    card_type = int_param(params, "cardType", default=1)
    cycles = _cycles(params) or []
    if card_type not in (1, CYCLIC) or (card_type == CYCLIC and not cycles):
        raise SimError(-3, "invalid parameter: cardType 1, or 4 with cyclicConfig")
    if via_gateway(params, "addType"):
        await sim.reach_lock(lock)
    card_id = sim.next_id()
    lock.cards[card_id] = SimulatedCredential(
        card_id, number, params.get("cardName", ""), start, end, card_type, cycles, sim.now_ms()
    )
    return card_id


async def card_list(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/identityCard/list."""
    return _listing(CARD, sim, params)


async def card_add(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/identityCard/add."""
    return {"cardId": await add_card(sim, params, reversed_number=False)}


async def card_add_reversed(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/identityCard/addForReversedCardNumber."""
    return {"cardId": await add_card(sim, params, reversed_number=True)}


async def card_change_period(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/identityCard/changePeriod."""
    return await _change_period(CARD, sim, params)


async def card_rename(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/identityCard/rename."""
    return await _rename(CARD, sim, params)


async def card_delete(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/identityCard/delete."""
    return await _delete(CARD, sim, params)


async def fingerprint_list(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/fingerprint/list."""
    return _listing(FINGERPRINT, sim, params)


async def fingerprint_change_period(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/fingerprint/changePeriod."""
    return await _change_period(FINGERPRINT, sim, params)


async def fingerprint_rename(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/fingerprint/rename."""
    return await _rename(FINGERPRINT, sim, params)


async def fingerprint_delete(sim: TTLockSimulator, params: dict[str, str]) -> dict[str, Any]:
    """v3/fingerprint/delete."""
    return await _delete(FINGERPRINT, sim, params)


CREDENTIAL_ENDPOINTS: dict[str, Handler] = {
    "identityCard/list": card_list,
    "identityCard/add": card_add,
    "identityCard/addForReversedCardNumber": card_add_reversed,
    "identityCard/changePeriod": card_change_period,
    "identityCard/rename": card_rename,
    "identityCard/delete": card_delete,
    "fingerprint/list": fingerprint_list,
    "fingerprint/changePeriod": fingerprint_change_period,
    "fingerprint/rename": fingerprint_rename,
    "fingerprint/delete": fingerprint_delete,
}
