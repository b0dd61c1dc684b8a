"""``POST /oauth2/token``: password grant (MD5 password) and refresh grant (reference §2)."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from .wire import SimError

if TYPE_CHECKING:
    from .server import TTLockSimulator

_MD5 = re.compile(r"[0-9a-f]{32}")


def token_grant(sim: TTLockSimulator, form: dict[str, str]) -> dict[str, Any]:
    """Answer a token request; refusals are errcode bodies (10001, 10007, 10011, 30005)."""
    client_id = form.get("clientId") or form.get("client_id")
    client_secret = form.get("clientSecret") or form.get("client_secret")
    if client_id != sim.client_id or client_secret != sim.client_secret:
        raise SimError(10001, "invalid client")
    grant_type = form.get("grant_type", "password")
    now = sim.clock()
    if grant_type == "refresh_token":
        token = sim.tokens.rotate(client_id, form.get("refresh_token", ""), now)
        if token is None:
            raise SimError(10011, "invalid refresh_token")
        return token
    if grant_type != "password":
        raise SimError(10010, "invalid grant_type")
    password = form.get("password", "")
    if not _MD5.fullmatch(password):
        raise SimError(30005, "password must be md5 encrypted")
    expected = hashlib.md5(sim.password.encode(), usedforsecurity=False).hexdigest()
    if form.get("username") != sim.username or password != expected:
        raise SimError(10007, "invalid account or invalid password")
    return sim.tokens.issue(client_id, sim.uid, now)
