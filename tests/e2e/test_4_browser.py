"""Both config flows in Home Assistant's own frontend, driven in Debian's Chromium by Playwright.

Each step is saved as a screenshot in artifacts/browser/ and its visible text is checked: every
title, label, description and error must be real text (no translation key, no empty label, no
unfilled placeholder). The flows run in English; the first step of the Milesight webhook branch
also runs in German and in Simplified Chinese, chosen the way a user does it (the language in the
user's profile), and must show our translations there and no English sentence of strings.json.
A separate Home Assistant instance is used so that the flows start from an empty installation, as
a newcomer's would (no application credential yet).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
import json
import os
from pathlib import Path
import re
import shutil
import time
from typing import Any

import aiohttp
import pytest

from .browser_dom import DIALOG_ERRORS, DIALOG_FIELD_LABELS, DIALOG_TEXT
from .conftest import Simulator
from .hass_client import DOMAIN, HomeAssistantClient, poll
from .log_scan import assert_clean_logs
from .processes import ROOT, HassProcess, free_port, write_config
from .provision_demo import (
    MILESIGHT_CLIENT_ID,
    MILESIGHT_CLIENT_SECRET,
    MILESIGHT_WEBHOOK_SECRET,
    TTLOCK_CLIENT_ID,
    TTLOCK_CLIENT_SECRET,
    TTLOCK_PASSWORD,
    TTLOCK_USERNAME,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Debian's package (scripts/setup installs it); Playwright's own browser download is not used.
CHROMIUM = Path(os.environ.get("MINERVA_CHROMIUM", "/usr/bin/chromium"))
# Headless, and nothing that phones home (Google services, updates, QUIC probes).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "artifacts" / "browser"
FLOW_DIALOG = "dialog-data-entry-flow"
CREDENTIAL_DIALOG = "dialog-add-application-credential"
UI_TIMEOUT = 30.0

# What a translation key, an untranslated field or an unfilled placeholder looks like on screen.
RAW_TEXT = re.compile(
    r"component\.minerva_iot|\[%key:|ui\.panel\.|ui\.dialogs\.|config\.(?:step|error|abort)\.|\{[a-z_]+\}"
)
SNAKE_CASE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


def _strings(language: str = "en") -> dict[str, Any]:
    path = ROOT / "custom_components" / DOMAIN / "translations" / f"{language}.json"
    strings: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return strings


def _texts(tree: Any) -> list[str]:
    if isinstance(tree, dict):
        return [text for value in tree.values() for text in _texts(value)]
    return [tree] if isinstance(tree, str) else []


def _frontend_strings(language: str) -> dict[str, str]:
    """The frontend's own texts in a language (the files home-assistant-frontend ships)."""
    import hass_frontend

    base = Path(hass_frontend.where()) / "static" / "translations"
    name = re.compile(rf"{re.escape(language)}-[0-9a-f]{{32}}\.json")
    texts: dict[str, str] = {}
    for directory in (base, base / "config"):
        (path,) = [p for p in directory.iterdir() if name.fullmatch(p.name)]
        texts.update(_flat(json.loads(path.read_text(encoding="utf-8"))))
    return texts


def _flat(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


def _chromium_missing() -> str | None:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (requirements_dev.txt)"
    if not CHROMIUM.exists():
        return f"Debian's chromium is not installed ({CHROMIUM}); scripts/setup installs it"
    return None


@pytest.fixture(scope="module")
def browser_hass(e2e_dir: Path) -> Iterator[HassProcess]:
    """A second, empty Home Assistant for the frontend flows."""
    if (reason := _chromium_missing()) is not None:
        pytest.skip(reason)
    port = free_port()
    config_dir = e2e_dir / "browser-config"
    write_config(config_dir, port)
    hass = HassProcess(config_dir, port)
    hass.start()
    try:
        yield hass
    finally:
        hass.stop()
        keep = ROOT / "artifacts" / "e2e-logs"
        keep.mkdir(parents=True, exist_ok=True)
        for log in hass.log_files():
            shutil.copy(log, keep / f"browser-{log.name}")


@pytest.fixture(scope="module")
async def browser_client(
    browser_hass: HassProcess, http_session: aiohttp.ClientSession
) -> AsyncIterator[HomeAssistantClient]:
    """The owner of the browser instance, onboarded through the API."""
    client = HomeAssistantClient(http_session, browser_hass.url)
    await client.onboard_owner("Browser Owner", "browser-owner", "browser-password-123")
    await client.finish_onboarding()
    try:
        yield client
    finally:
        await client.close()


class FlowPage:
    """One logged-in browser tab on the browser instance, with checks and screenshots."""

    def __init__(self, page: Any, base_url: str, prefix: str) -> None:
        self.page = page
        self.base_url = base_url
        self.prefix = prefix
        self.shots = 0

    async def text(self, dialog: str = FLOW_DIALOG) -> str:
        result = await self.page.evaluate(DIALOG_TEXT, dialog)
        return str(result or "")

    async def wait_text(self, wanted: str, dialog: str = FLOW_DIALOG) -> str:
        """Wait until the dialog shows `wanted`; return the dialog's whole text."""

        async def probe() -> str | None:
            text = await self.text(dialog)
            return text if wanted in text else None

        try:
            return await poll(probe, within=UI_TIMEOUT, what=f"{wanted!r} in {dialog}")
        except TimeoutError:
            await self.shot("timeout")
            raise AssertionError(
                f"{wanted!r} never appeared in {dialog}; it shows:\n{await self.text(dialog)}"
            ) from None

    async def shot(self, name: str) -> Path:
        self.shots += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.prefix}-{self.shots:02d}-{name}.png"
        await self.page.screenshot(path=str(path))
        return path

    async def check_clean(self, dialog: str = FLOW_DIALOG, *, min_fields: int = 0) -> str:
        """Assert the dialog shows only real text: no translation key, placeholder, identifier
        or unlabelled field (and at least `min_fields` labelled fields); return the text.

        The frontend renders a form's fields a moment after its title: the fields are waited for
        (bounded) before the text is read.
        """

        async def _fields_rendered() -> bool:
            return len(await self.page.evaluate(DIALOG_FIELD_LABELS, dialog) or []) >= min_fields

        await poll(_fields_rendered, within=UI_TIMEOUT, what=f"{min_fields} fields in {dialog}")
        text = await self.text(dialog)
        assert text.strip(), f"{dialog} shows no text"
        raw = RAW_TEXT.findall(text)
        assert not raw, f"raw translation keys or placeholders on screen: {raw}\n{text}"
        snake = [token for token in SNAKE_CASE.findall(text) if token not in text_allowed]
        assert not snake, f"untranslated identifiers on screen: {snake}\n{text}"
        labels = await self.page.evaluate(DIALOG_FIELD_LABELS, dialog) or []
        assert len(labels) >= min_fields, f"expected {min_fields} fields, found {labels}\n{text}"
        for field in labels:
            label = field["label"]
            assert label, f"a {field['tag']} has no label\n{text}"
            assert not re.fullmatch(r"[a-z0-9_]+", label), f"untranslated label {label!r}"
        return text

    async def errors(self) -> list[str]:
        result = await self.page.evaluate(DIALOG_ERRORS, FLOW_DIALOG)
        return [str(error) for error in result or []]

    async def fill(self, label: str, value: str) -> None:
        await self.page.get_by_label(label, exact=True).fill(value)

    async def click_text(self, text: str) -> None:
        await self.page.get_by_text(text, exact=True).click()

    async def check_language(
        self, ours: list[str], english: list[str], *, min_fields: int = 0
    ) -> str:
        """check_clean, then: every text of `ours` is shown and no English sentence of
        strings.json (one that our translation does not contain as well)."""
        text = await self.check_clean(min_fields=min_fields)
        for wanted in ours:
            assert wanted in text, f"{wanted!r} is not shown; the dialog shows:\n{text}"
        leftovers = [sentence for sentence in english if sentence in text]
        assert not leftovers, f"English texts of strings.json on screen: {leftovers}\n{text}"
        return text

    async def submit(self) -> None:
        await self.page.get_by_role("button", name="Submit").click()

    async def use_profile_language(self, language: str) -> None:
        """Load the frontend and wait until it applied the language stored in the profile."""
        await self.page.goto(f"{self.base_url}/profile/general")

        async def applied() -> bool:
            lang = await self.page.evaluate("document.documentElement.lang")
            return bool(lang == language)

        try:
            await poll(applied, within=UI_TIMEOUT, what=f"the frontend in {language}")
        except TimeoutError:
            await self.shot("language-timeout")
            lang = await self.page.evaluate("document.documentElement.lang")
            raise AssertionError(f"the frontend stayed in {lang!r}, not {language!r}") from None

    async def open_add_flow(self, confirm_label: str = "OK") -> None:
        """Open "Add integration" for Minerva IoT and confirm it."""
        await self.page.goto(f"{self.base_url}/config/integrations/dashboard/add?domain={DOMAIN}")
        confirm = self.page.get_by_role("button", name=confirm_label, exact=True)
        await confirm.wait_for(timeout=UI_TIMEOUT * 1000)
        await confirm.click()


# Identifiers that may legitimately appear in flow text (none so far).
text_allowed: set[str] = set()


@pytest.fixture
async def flow_page(
    request: pytest.FixtureRequest, browser_hass: HassProcess, browser_client: HomeAssistantClient
) -> AsyncIterator[FlowPage]:
    """A Chromium tab logged in as the owner; every request off loopback is refused."""
    from playwright.async_api import Route, async_playwright

    assert browser_client.tokens is not None
    tokens = {
        "access_token": browser_client.tokens.access_token,
        "refresh_token": browser_client.tokens.refresh_token,
        "expires_in": 1800,
        "token_type": "Bearer",
        "hassUrl": browser_hass.url,
        "clientId": browser_client.client_id,
        "expires": int(time.time() * 1000) + 1_800_000,
    }

    async def loopback_only(route: Route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")):
            await route.continue_()
        else:  # brand icons and the like come from the internet: not here
            await route.abort()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            await context.route("**/*", loopback_only)
            # The frontend keeps its tokens in localStorage: log in as the onboarded owner.
            await context.add_init_script(
                f"window.localStorage.setItem('hassTokens', {json.dumps(json.dumps(tokens))});"
            )
            page = await context.new_page()
            yield FlowPage(page, browser_hass.url, request.node.name.removeprefix("test_"))
        finally:
            await browser.close()


async def test_milesight_flow_in_the_frontend(
    flow_page: FlowPage, browser_client: HomeAssistantClient, milesight_sim: Simulator
) -> None:
    """Menu → Milesight form → invalid_auth → corrected → webhook URL → entry created."""
    config = _strings()["config"]
    menu = config["step"]["user"]
    step = config["step"]["milesight"]
    await flow_page.open_add_flow()
    await flow_page.wait_text(menu["menu_options"]["milesight"])
    await flow_page.check_clean()
    await flow_page.shot("menu")

    await flow_page.click_text(menu["menu_options"]["milesight"])
    await flow_page.wait_text(step["title"])
    await flow_page.check_clean(min_fields=4)
    await flow_page.shot("form")

    labels = step["data"]
    await flow_page.fill(labels["server_address"], f"{milesight_sim.url}/uc/account/api")
    await flow_page.fill(labels["client_id"], MILESIGHT_CLIENT_ID)
    await flow_page.fill(labels["client_secret"], "not-the-secret")
    await flow_page.fill(labels["webhook_secret"], MILESIGHT_WEBHOOK_SECRET)
    await flow_page.submit()
    await flow_page.wait_text(config["error"]["invalid_auth"])
    assert any(config["error"]["invalid_auth"] in error for error in await flow_page.errors())
    await flow_page.check_clean(min_fields=4)
    await flow_page.shot("invalid-auth")

    await flow_page.fill(labels["client_secret"], MILESIGHT_CLIENT_SECRET)
    await flow_page.fill(labels["webhook_secret"], MILESIGHT_WEBHOOK_SECRET)
    await flow_page.submit()
    finish = config["step"]["milesight_finish"]
    await flow_page.wait_text(finish["title"])
    # The description renders after the title: wait for the URL itself (fails if never shown).
    text = await flow_page.wait_text(f"{browser_client.base_url}/api/webhook/")
    await flow_page.check_clean()
    assert milesight_sim.url in text
    await flow_page.shot("webhook-url")

    await flow_page.submit()
    await flow_page.wait_text("Created configuration")
    await flow_page.check_clean()
    await flow_page.shot("created")
    entries = await browser_client.config_entries()
    assert any(entry["title"].startswith("Milesight") for entry in entries), entries


async def test_ttlock_flow_in_the_frontend(
    flow_page: FlowPage, browser_client: HomeAssistantClient, ttlock_sim: Simulator
) -> None:
    """Menu → TTLock → no credential yet: the frontend asks for one and explains where it comes
    from → login form → invalid_auth → corrected → entry created."""
    strings = _strings()
    config = strings["config"]
    menu = config["step"]["user"]
    await flow_page.open_add_flow()
    await flow_page.wait_text(menu["menu_options"]["ttlock"])
    await flow_page.check_clean()
    await flow_page.shot("menu")
    await flow_page.click_text(menu["menu_options"]["ttlock"])

    # No application credential exists yet: the frontend opens its "add credential" dialog.
    await flow_page.wait_text("OAuth client ID", dialog=CREDENTIAL_DIALOG)
    # Fails unless the dialog says where the credential comes from.
    await flow_page.wait_text("developer portal", dialog=CREDENTIAL_DIALOG)
    await flow_page.check_clean(CREDENTIAL_DIALOG, min_fields=3)
    await flow_page.shot("application-credential")
    dialog = flow_page.page.locator(CREDENTIAL_DIALOG)
    await dialog.get_by_label("Name", exact=True).fill("TTLock (browser test)")
    await dialog.get_by_label("OAuth client ID", exact=True).fill(TTLOCK_CLIENT_ID)
    await dialog.get_by_label("OAuth client secret", exact=True).fill(TTLOCK_CLIENT_SECRET)
    await dialog.get_by_role("button", name="Add").click()

    login = config["step"]["ttlock_login"]
    # The frontend restarts the flow once the credential exists; it begins at the menu again.
    text = await flow_page.wait_text(menu["menu_options"]["ttlock"])
    if login["title"] not in text:
        await flow_page.click_text(menu["menu_options"]["ttlock"])
    await flow_page.wait_text(login["title"])
    await flow_page.check_clean(min_fields=5)  # two region choices, account, password, URL
    await flow_page.shot("login-form")

    labels = login["data"]
    await flow_page.fill(labels["username"], TTLOCK_USERNAME)
    await flow_page.fill(labels["password"], "wrong-password")
    await flow_page.fill(labels["api_url"], ttlock_sim.url)
    await flow_page.submit()
    refused = config["error"].get("ttlock_invalid_auth", config["error"]["invalid_auth"])
    await flow_page.wait_text(refused)
    assert any(refused in error for error in await flow_page.errors())
    await flow_page.check_clean(min_fields=5)
    await flow_page.shot("invalid-auth")

    await flow_page.fill(labels["password"], TTLOCK_PASSWORD)
    await flow_page.fill(labels["api_url"], ttlock_sim.url)
    await flow_page.submit()
    await flow_page.wait_text("Created configuration")
    await flow_page.check_clean()
    await flow_page.shot("created")
    entries = await browser_client.config_entries()
    assert any(entry["title"] == TTLOCK_USERNAME for entry in entries), entries


# Long enough to be a sentence or a label of its own, not a proper name inside a translation.
ENGLISH_MIN_WORDS = 2
SUBMIT = "ui.panel.config.integrations.config_flow.submit"


@pytest.mark.parametrize("language", ["de", "zh-Hans"])
async def test_flow_in_the_language_of_the_profile(
    language: str, flow_page: FlowPage, browser_client: HomeAssistantClient
) -> None:
    """The owner's profile says German (or Simplified Chinese): the "add integration" menu and the
    webhook-only form show our texts of translations/<language>.json, in a frontend that is in
    that language too, and no English sentence of strings.json and no translation key."""
    ours = _strings(language)
    ours_texts = _texts(ours)
    english = [
        text
        for text in _texts(_strings())
        if len(text.split()) >= ENGLISH_MIN_WORDS and not any(text in own for own in ours_texts)
    ]
    frontend = _frontend_strings(language)
    menu = ours["config"]["step"]["user"]
    step = ours["config"]["step"]["milesight_webhook"]
    # What the frontend's profile page stores when the user picks a language.
    value = {"language": language, "number_format": "language"}
    await browser_client.ws({"type": "frontend/set_user_data", "key": "language", "value": value})
    try:
        await flow_page.use_profile_language(language)
        await flow_page.open_add_flow(confirm_label=frontend["ui.common.ok"])
        await flow_page.wait_text(menu["menu_options"]["milesight_webhook"])
        await flow_page.wait_text(menu["description"])
        await flow_page.check_language(
            [menu["title"], menu["description"], *menu["menu_options"].values()], english
        )
        await flow_page.shot("menu")

        await flow_page.click_text(menu["menu_options"]["milesight_webhook"])
        await flow_page.wait_text(step["title"])
        # The body renders after the title: wait for the field and its description.
        await flow_page.wait_text(step["data_description"]["webhook_secret"])
        await flow_page.wait_text(frontend[SUBMIT])
        text = await flow_page.check_language(
            [
                step["title"],
                step["description"],
                step["data_description"]["webhook_secret"],
            ],
            english,
            min_fields=1,
        )
        labels = await flow_page.page.evaluate(DIALOG_FIELD_LABELS, FLOW_DIALOG)
        assert {field["label"] for field in labels} == {step["data"]["webhook_secret"]}, labels
        # The frontend itself is in the language too (its button, not the English "Submit").
        assert _frontend_strings("en")[SUBMIT] not in text
        await flow_page.shot("form")
        await flow_page.page.keyboard.press("Escape")  # closing the dialog abandons the flow
    finally:
        await browser_client.ws(
            {"type": "frontend/set_user_data", "key": "language", "value": None}
        )
        for flow in await browser_client.flows_in_progress():
            if flow.get("handler") == DOMAIN:
                await browser_client.flow_abort(flow["flow_id"])


async def test_browser_instance_logs_have_no_errors(browser_hass: HassProcess) -> None:
    """The frontend flows left no traceback or failed setup in the log."""
    assert_clean_logs(browser_hass.log_files())
