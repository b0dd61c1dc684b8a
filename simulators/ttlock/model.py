"""State of the simulated TTLock cloud: account, gateways, locks, passcodes, records, tokens."""

from __future__ import annotations

from dataclasses import dataclass, field
import secrets
from typing import Any

# Tokens last 90 days (reference §2.3); refresh tokens 10 years.
ACCESS_TOKEN_LIFETIME = 90 * 24 * 3600
REFRESH_TOKEN_LIFETIME = 10 * 365 * 24 * 3600

# featureValue bits (reference §5) of the two default locks.
_FRONT_DOOR_BITS = (0, 1, 2, 4, 8, 10, 13, 14, 15, 22, 23)
_BACK_DOOR_BITS = (0, 1, 4, 8, 10, 14, 15, 22)


def feature_value(bits: tuple[int, ...]) -> str:
    """Upper-case hex ``featureValue`` with the given bits set."""
    return format(sum(1 << bit for bit in bits), "X")


@dataclass
class SimulatedGateway:
    """A gateway of the account."""

    gateway_id: int
    name: str
    mac: str
    online: bool = True
    version: int = 2

    def as_api(self, lock_num: int) -> dict[str, Any]:
        """The gateway/list item."""
        return {
            "gatewayId": self.gateway_id,
            "gatewayMac": self.mac,
            "gatewayName": self.name,
            "gatewayVersion": self.version,
            "networkName": "sim-wifi",
            "lockNum": lock_num,
            "isOnline": 1 if self.online else 0,
        }


@dataclass
class SimulatedPasscode:
    """A custom passcode stored on a lock (times in ms, 0 = unlimited)."""

    passcode_id: int
    passcode: str
    name: str
    passcode_type: int
    start: int
    end: int
    send_date: int

    def as_api(self, lock_id: int) -> dict[str, Any]:
        """The listKeyboardPwd item."""
        return {
            "keyboardPwdId": self.passcode_id,
            "lockId": lock_id,
            "keyboardPwd": self.passcode,
            "keyboardPwdName": self.name,
            "keyboardPwdType": self.passcode_type,
            "startDate": self.start,
            "endDate": self.end,
            "sendDate": self.send_date,
            "isCustom": 1,
            "status": 1,
        }


@dataclass
class SimulatedLock:
    """A lock: its real state (``locked``) and its settings."""

    lock_id: int
    name: str
    alias: str
    mac: str
    feature_value: str
    gateway_id: int | None
    auto_lock_time: int = 0
    has_door_sensor: bool = False
    locked: bool = True
    door_closed: bool = True
    battery: int = 87
    passage_mode: bool = False
    remote_unlock_enabled: bool = True
    sound_enabled: bool = True
    model: str = "SN9161_PV53"
    firmware: str = "6.1.23.0810"
    # False: the account is not (an authorised) administrator, so lock/detail answers -2018.
    is_admin: bool = True
    passcodes: dict[int, SimulatedPasscode] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    # A secret the cloud returns and the integration must never log (reference §4.1).
    lock_data: str = field(default_factory=lambda: secrets.token_hex(24))
    # Secrets of lock/detail (reference §4.1), random so that a leak is recognisable.
    admin_pwd: str = field(default_factory=lambda: secrets.token_hex(8))
    no_key_pwd: str = field(default_factory=lambda: str(secrets.randbelow(9_000_000) + 1_000_000))
    delete_pwd: str = field(default_factory=lambda: secrets.token_hex(6))
    aes_key: str = field(default_factory=lambda: secrets.token_hex(16))
    lock_key: str = field(default_factory=lambda: secrets.token_hex(20))

    def supports(self, bit: int) -> bool:
        """Whether ``featureValue`` has ``bit`` set."""
        return bool((int(self.feature_value, 16) >> bit) & 1)

    def list_item(self) -> dict[str, Any]:
        """The lock/list item."""
        return {
            "lockId": self.lock_id,
            "lockName": self.name,
            "lockAlias": self.alias,
            "lockMac": self.mac,
            "electricQuantity": self.battery,
            "featureValue": self.feature_value,
            "hasGateway": 1 if self.gateway_id is not None else 0,
            "lockData": self.lock_data,
            "groupId": 0,
            "date": 1735689600000,
        }

    def detail(self) -> dict[str, Any]:
        """The lock/detail body."""
        return self.list_item() | {
            "modelNum": self.model,
            "hardwareRevision": "1.3",
            "firmwareRevision": self.firmware,
            "autoLockTime": self.auto_lock_time,
            "lockSound": 1 if self.sound_enabled else 2,
            "soundVolume": 3,
            "privacyLock": 2,
            "tamperAlert": 1,
            "resetButton": 1,
            "openDirection": 1,
            "passageMode": 1 if self.passage_mode else 2,
            "passageModeAutoUnlock": 2,
            "timezoneRawOffset": 3600000,
            "noKeyPwd": self.no_key_pwd,
            "adminPwd": self.admin_pwd,
            "deletePwd": self.delete_pwd,
            "aesKeyStr": self.aes_key,
            "lockKey": self.lock_key,
        }

    def state(self) -> dict[str, Any]:
        """JSON view for the control API."""
        return {
            "lockId": self.lock_id,
            "alias": self.alias,
            "locked": self.locked,
            "doorClosed": self.door_closed if self.has_door_sensor else None,
            "battery": self.battery,
            "autoLockTime": self.auto_lock_time,
            "passageMode": self.passage_mode,
            "remoteUnlockEnabled": self.remote_unlock_enabled,
            "gatewayId": self.gateway_id,
            "passcodes": len(self.passcodes),
            "records": len(self.records),
        }


def default_gateways() -> dict[int, SimulatedGateway]:
    """One G2 gateway."""
    return {9001: SimulatedGateway(9001, "Hallway gateway", "52:3A:7C:10:20:30")}


def default_locks() -> dict[int, SimulatedLock]:
    """Two locks behind gateway 9001: one with a door sensor and 5 s auto-lock, one without."""
    front = SimulatedLock(
        lock_id=4711001,
        name="S31_c8a5e1",
        alias="Front door",
        mac="AA:BB:CC:11:22:33",
        feature_value=feature_value(_FRONT_DOOR_BITS),
        gateway_id=9001,
        auto_lock_time=5,
        has_door_sensor=True,
    )
    back = SimulatedLock(
        lock_id=4711002,
        name="M201_77f0a2",
        alias="Back door",
        mac="AA:BB:CC:44:55:66",
        feature_value=feature_value(_BACK_DOOR_BITS),
        gateway_id=9001,
        auto_lock_time=0,
        battery=64,
    )
    return {front.lock_id: front, back.lock_id: back}


@dataclass
class IssuedToken:
    """An access token and who it belongs to."""

    client_id: str
    uid: int
    expires_at: float
    expired: bool = False


class TokenStore:
    """Issues, checks, expires and rotates tokens."""

    def __init__(self) -> None:
        self.access: dict[str, IssuedToken] = {}
        # refresh token -> (client id, uid, expiry in epoch seconds)
        self.refresh: dict[str, tuple[str, int, float]] = {}

    def issue(self, client_id: str, uid: int, now: float) -> dict[str, Any]:
        """A new access/refresh pair in the wire shape of reference §2.3 (with ``uid``)."""
        access_token = secrets.token_hex(16)
        refresh_token = secrets.token_hex(16)
        self.access[access_token] = IssuedToken(client_id, uid, now + ACCESS_TOKEN_LIFETIME)
        self.refresh[refresh_token] = (client_id, uid, now + REFRESH_TOKEN_LIFETIME)
        return {
            "access_token": access_token,
            "uid": uid,
            "refresh_token": refresh_token,
            "expires_in": ACCESS_TOKEN_LIFETIME,
        }

    def rotate(self, client_id: str, refresh_token: str, now: float) -> dict[str, Any] | None:
        """Exchange a refresh token (single use) for a new pair; None when it is not valid.

        Single use (rotation) is unconfirmed: the reference does not say whether TTLock rotates
        refresh tokens. The integration copes either way (it keeps fields the cloud omits).
        """
        owner = self.refresh.get(refresh_token)
        if owner is None or owner[0] != client_id or owner[2] <= now:
            return None
        del self.refresh[refresh_token]
        token = self.issue(client_id, owner[1], now)
        del token["uid"]  # reference §2.3: absent from the refresh response
        return token

    def expire_access_tokens(self) -> None:
        """Every issued access token now fails with 10004."""
        for token in self.access.values():
            token.expired = True

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token now fails with 10011."""
        self.refresh.clear()
