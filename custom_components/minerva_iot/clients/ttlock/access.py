"""Access credentials of a lock beyond custom passcodes: IC cards, fingerprints, random codes.

Sources (``jbergler/hass-ttlock`` ``docs/ttlock-cloud-api``, mirrors of the TTLock Open Platform):
``card/{list,update,rename,delete}.md`` (paths ``identityCard/...``), ``fingerprint/...`` the
same, ``passcode/get.md``. Rename is a cloud-only name (no method flag); a period change and a
delete reach the lock (``changeType`` / ``deleteType`` 2). -1021 / -1023: no such card /
fingerprint (errorCode.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
import json
from typing import Any

from .base import TTLockApiBase, parse_each
from .const import RECORD_LIST_MAX_PAGE_SIZE, VIA_GATEWAY
from .errors import TTLockError
from .models import optional_int, optional_str, required_int

__all__ = [
    "CredentialKind",
    "RandomPasscodeType",
    "TTLockAccessApi",
    "TTLockCredential",
    "TTLockRandomPasscode",
]

ERRCODE_NO_CARD = -1021
ERRCODE_NO_FINGERPRINT = -1023


class CredentialKind(StrEnum):
    """An IC card or a fingerprint: the same endpoints under two prefixes and field names."""

    CARD = "card"
    FINGERPRINT = "fingerprint"

    @property
    def prefix(self) -> str:
        """The endpoint directory (``identityCard/list``, ``fingerprint/list``)."""
        return "identityCard" if self is CredentialKind.CARD else "fingerprint"

    @property
    def field(self) -> str:
        """The field stem of its list items and parameters (``cardId``, ``fingerprintName``)."""
        return "card" if self is CredentialKind.CARD else "fingerprint"

    @property
    def missing_errcode(self) -> int:
        """The errcode the cloud answers for an unknown id."""
        return ERRCODE_NO_CARD if self is CredentialKind.CARD else ERRCODE_NO_FINGERPRINT


class RandomPasscodeType(IntEnum):
    """``keyboardPwdType`` of keyboardPwd/get (passcode/get.md §2.1)."""

    ONE_TIME = 1
    PERMANENT = 2
    PERIOD = 3
    WEEKEND = 5
    DAILY = 6
    WORKDAY = 7
    MONDAY = 8
    TUESDAY = 9
    WEDNESDAY = 10
    THURSDAY = 11
    FRIDAY = 12
    SATURDAY = 13
    SUNDAY = 14


@dataclass(frozen=True)
class TTLockCredential:
    """An IC card or fingerprint of a lock (times in ms; None = no limit)."""

    kind: CredentialKind
    credential_id: int
    name: str | None
    start: int | None
    end: int | None
    created: int | None
    added_by: str | None
    # ``[{"weekDay", "startTime", "endTime"}]`` of a cyclic card / fingerprint (type 4).
    cyclic: list[dict[str, Any]]

    @classmethod
    def from_api(cls, kind: CredentialKind, data: dict[str, Any]) -> TTLockCredential:
        """Build from an identityCard/list or fingerprint/list item.

        The card or fingerprint number is not kept: it copies a physical credential.
        """
        cyclic = data.get("cyclicConfig")
        return cls(
            kind=kind,
            credential_id=required_int(data, f"{kind.field}Id"),
            name=optional_str(data.get(f"{kind.field}Name")),
            start=optional_int(data.get("startDate")) or None,
            end=optional_int(data.get("endDate")) or None,
            created=optional_int(data.get("createDate")),
            added_by=optional_str(data.get("senderUsername")),
            cyclic=[item for item in cyclic if isinstance(item, dict)]
            if isinstance(cyclic, list)
            else [],
        )


@dataclass(frozen=True)
class TTLockRandomPasscode:
    """A code the cloud generated (keyboardPwd/get)."""

    passcode_id: int
    passcode: str


class TTLockAccessApi(TTLockApiBase):
    """Cards, fingerprints and cloud-generated passcodes."""

    async def async_list_credentials(
        self, kind: CredentialKind, lock_id: int
    ) -> list[TTLockCredential]:
        """Every card or fingerprint of ``lock_id``, newest first (a cloud read)."""
        items = await self._async_pages(
            f"{kind.prefix}/list",
            # orderBy is documented as required (1: newest first).
            {"lockId": lock_id, "orderBy": 1},
            RECORD_LIST_MAX_PAGE_SIZE,
        )
        return parse_each(items, lambda item: TTLockCredential.from_api(kind, item))

    async def async_rename_credential(
        self, kind: CredentialKind, lock_id: int, credential_id: int, name: str
    ) -> None:
        """Rename a card or fingerprint: the cloud keeps the name, the lock is not woken."""
        await self._async_call(
            "POST",
            f"{kind.prefix}/rename",
            {"lockId": lock_id, f"{kind.field}Id": credential_id, f"{kind.field}Name": name},
        )

    async def async_change_credential_period(
        self,
        kind: CredentialKind,
        lock_id: int,
        credential_id: int,
        start_ms: int,
        end_ms: int,
        *,
        cyclic_config: list[dict[str, int]] | None = None,
    ) -> None:
        """Change the validity of a card or fingerprint through the gateway.

        Both bounds are required: "you can't change it to permanent" (card/update.md).
        """
        params: dict[str, Any] = {
            f"{kind.field}Id": credential_id,
            "startDate": start_ms,
            "endDate": end_ms,
            "changeType": VIA_GATEWAY,
        }
        if cyclic_config is not None:
            params["cyclicConfig"] = json.dumps(cyclic_config, separators=(",", ":"))
        await self._async_command(lock_id, f"{kind.prefix}/changePeriod", params)

    async def async_delete_credential(
        self, kind: CredentialKind, lock_id: int, credential_id: int
    ) -> None:
        """Delete a card or fingerprint from the lock (through the gateway) and the cloud.

        A repeat after a failure that may have followed the effect, answered "does not exist",
        found it deleted: success (as for passcodes).
        """
        await self._async_command(
            lock_id,
            f"{kind.prefix}/delete",
            {f"{kind.field}Id": credential_id, "deleteType": VIA_GATEWAY},
            done_on_repeat=frozenset({kind.missing_errcode}),
        )

    async def async_get_random_passcode(
        self,
        lock_id: int,
        passcode_type: RandomPasscodeType,
        start_ms: int,
        end_ms: int | None = None,
        *,
        name: str | None = None,
    ) -> TTLockRandomPasscode:
        """A passcode generated by the cloud (keyboardPwd/get): no gateway needed.

        Its period is accurate to the hour (the start is rounded down). Not repeated after a
        failure that may have followed its effect: a repeat would create a second code.
        """
        params: dict[str, Any] = {
            "lockId": lock_id,
            "keyboardPwdType": int(passcode_type),
            "startDate": start_ms,
        }
        if end_ms is not None:
            params["endDate"] = end_ms
        if name:
            params["keyboardPwdName"] = name
        body = await self._async_call("POST", "keyboardPwd/get", params, idempotent=False)
        passcode_id = optional_int(body.get("keyboardPwdId"))
        passcode = optional_str(body.get("keyboardPwd"))
        if passcode_id is None or passcode is None:
            raise TTLockError("TTLock answered without keyboardPwd / keyboardPwdId")
        return TTLockRandomPasscode(passcode_id, passcode)
