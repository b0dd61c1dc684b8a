"""Token grants against the simulator: MD5 password, errcode bodies, refresh rotation."""

from __future__ import annotations

import socket
from typing import Any

import aiohttp
import pytest

from custom_components.minerva_iot.clients.ttlock import (
    REGION_HOSTS,
    TTLockConnectionError,
    TTLockError,
    TTLockInvalidClientError,
    TTLockInvalidGrantError,
    TTLockTokenExpiredError,
    async_password_grant,
    async_refresh_grant,
    md5_password,
)
from simulators.ttlock import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    TTLockSimulator,
)

from .conftest import RawServer


def test_region_hosts_are_the_documented_ones() -> None:
    """Reference §1."""
    assert REGION_HOSTS == {"eu": "https://euapi.ttlock.com", "cn": "https://cnapi.ttlock.com"}


def test_md5_password() -> None:
    """The doc's example: md5("password")."""
    assert md5_password("password") == "5f4dcc3b5aa765d61d8327deb882cf99"
    assert md5_password("pässword") == md5_password("pässword").lower()
    assert len(md5_password("pässword")) == 32


async def test_password_grant(sim: TTLockSimulator, session: aiohttp.ClientSession) -> None:
    """A successful login returns the token with uid and the 90-day lifetime."""
    token = await async_password_grant(
        session,
        sim.url,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_USERNAME,
        DEFAULT_PASSWORD,
    )
    assert token["uid"] == 1001
    assert token["expires_in"] == 7776000
    assert token["access_token"] in sim.tokens.access
    assert token["refresh_token"] in sim.tokens.refresh
    assert sim.calls["oauth2/token"] == 1


async def test_password_grant_sends_md5_and_both_name_styles(
    raw_server: RawServer, session: aiohttp.ClientSession
) -> None:
    """The form carries camelCase and snake_case client fields and the MD5, never the plaintext."""
    raw_server.answer(200, '{"access_token":"a","refresh_token":"r","uid":1,"expires_in":10}')
    await async_password_grant(session, raw_server.url, "cid", "csecret", "me@example.com", "pw")
    method, path, form = raw_server.received[0]
    assert (method, path) == ("POST", "/oauth2/token")
    assert form == {
        "clientId": "cid",
        "clientSecret": "csecret",
        "client_id": "cid",
        "client_secret": "csecret",
        "username": "me@example.com",
        "password": md5_password("pw"),
    }


@pytest.mark.parametrize(
    ("client_secret", "username", "password", "error", "errcode"),
    [
        ("wrong", DEFAULT_USERNAME, DEFAULT_PASSWORD, TTLockInvalidClientError, 10001),
        (DEFAULT_CLIENT_SECRET, DEFAULT_USERNAME, "wrong", TTLockInvalidGrantError, 10007),
        (
            DEFAULT_CLIENT_SECRET,
            "other@example.com",
            DEFAULT_PASSWORD,
            TTLockInvalidGrantError,
            10007,
        ),
    ],
)
async def test_password_grant_refused(
    sim: TTLockSimulator,
    session: aiohttp.ClientSession,
    client_secret: str,
    username: str,
    password: str,
    error: type[TTLockError],
    errcode: int,
) -> None:
    """HTTP 200 errcode bodies become typed errors, never tokens."""
    with pytest.raises(error) as caught:
        await async_password_grant(
            session, sim.url, DEFAULT_CLIENT_ID, client_secret, username, password
        )
    assert caught.value.errcode == errcode
    assert not sim.tokens.access


async def test_refresh_rotates(sim: TTLockSimulator, session: aiohttp.ClientSession) -> None:
    """The refresh answer has a new pair (no uid); the old refresh token is then refused."""
    first = await async_password_grant(
        session,
        sim.url,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_USERNAME,
        DEFAULT_PASSWORD,
    )
    second = await async_refresh_grant(
        session, sim.url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, first["refresh_token"]
    )
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["expires_in"] == 7776000
    assert "uid" not in second
    with pytest.raises(TTLockTokenExpiredError) as caught:
        await async_refresh_grant(
            session, sim.url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, first["refresh_token"]
        )
    assert caught.value.errcode == 10011


async def test_refresh_after_revocation(
    sim: TTLockSimulator, session: aiohttp.ClientSession, token: dict[str, Any]
) -> None:
    """A revoked refresh token asks for reauthentication."""
    sim.revoke_refresh_tokens()
    with pytest.raises(TTLockTokenExpiredError):
        await async_refresh_grant(
            session, sim.url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, token["refresh_token"]
        )


async def test_refresh_with_wrong_client(
    sim: TTLockSimulator, session: aiohttp.ClientSession, token: dict[str, Any]
) -> None:
    """A wrong application credential stays an invalid-client error (fix the credentials)."""
    with pytest.raises(TTLockInvalidClientError):
        await async_refresh_grant(
            session, sim.url, DEFAULT_CLIENT_ID, "wrong", token["refresh_token"]
        )


@pytest.mark.parametrize("errcode", [10006, 10007])
async def test_other_refresh_refusals_need_reauth(
    raw_server: RawServer, session: aiohttp.ClientSession, errcode: int
) -> None:
    """Any other auth refusal of a refresh becomes TTLockTokenExpiredError."""
    raw_server.answer(200, f'{{"errcode":{errcode},"errmsg":"no","description":"x"}}')
    with pytest.raises(TTLockTokenExpiredError) as caught:
        await async_refresh_grant(session, raw_server.url, "c", "s", "r")
    assert caught.value.errcode == errcode
    assert raw_server.received[0][2]["grant_type"] == "refresh_token"
    assert raw_server.received[0][2]["refresh_token"] == "r"


@pytest.mark.parametrize("body", ['{"uid":1}', '{"access_token":""}', '{"errcode":0}'])
async def test_body_without_token_is_refused(
    raw_server: RawServer, session: aiohttp.ClientSession, body: str
) -> None:
    """Never return something that is not a token (reference §11.2)."""
    raw_server.answer(200, body)
    with pytest.raises(TTLockError, match="no access_token"):
        await async_refresh_grant(session, raw_server.url, "c", "s", "r")


async def test_grant_cannot_connect(session: aiohttp.ClientSession) -> None:
    """A closed port is a connection error."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TTLockConnectionError):
        await async_password_grant(session, f"http://127.0.0.1:{port}", "c", "s", "u", "p")
