"""A confirmed Callback URL whose public URL changes shows the set-up repair again, with the new URL."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.ttlock.webhook import callback_issue_id
from simulators.ttlock import TTLockSimulator

from .conftest import EXTERNAL_URL, FRONT_DOOR, WEBHOOK_ID, PostCallback

APP_LOCK = 11
NEW_EXTERNAL_URL = "https://new-home.example.net"


def _callback_issue(issue_registry: ir.IssueRegistry) -> ir.IssueEntry | None:
    return issue_registry.async_get_issue(DOMAIN, callback_issue_id(WEBHOOK_ID))


async def _confirm(hass: HomeAssistant, sim: TTLockSimulator, post_callback: PostCallback) -> None:
    assert await post_callback(sim.build_callback(FRONT_DOOR, APP_LOCK)) == "success"
    await hass.async_block_till_done(wait_background_tasks=True)


async def _reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_changed_url_shows_the_callback_repair_until_a_push_arrives(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    issue_registry: ir.IssueRegistry,
) -> None:
    assert _callback_issue(issue_registry) is not None
    await _confirm(hass, sim, post_callback)
    assert _callback_issue(issue_registry) is None

    await hass.config.async_update(external_url=NEW_EXTERNAL_URL)
    await hass.async_block_till_done(wait_background_tasks=True)
    issue = _callback_issue(issue_registry)
    assert issue is not None
    assert issue.translation_key == "ttlock_callback_url"
    assert issue.translation_placeholders["webhook_url"] == (
        f"{NEW_EXTERNAL_URL}/api/webhook/{WEBHOOK_ID}"
    )
    # The lapsed confirmation survives a reload: TTLock still has the old URL.
    await _reload(hass, loaded_entry)
    assert _callback_issue(issue_registry) is not None

    await _confirm(hass, sim, post_callback)
    assert _callback_issue(issue_registry) is None
    await _reload(hass, loaded_entry)
    assert _callback_issue(issue_registry) is None


async def test_unchanged_url_keeps_the_confirmation(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    issue_registry: ir.IssueRegistry,
) -> None:
    await _confirm(hass, sim, post_callback)

    # Another core setting changes (the event fires), the external URL does not.
    await hass.config.async_update(external_url=EXTERNAL_URL, location_name="Elsewhere")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _callback_issue(issue_registry) is None
    await _reload(hass, loaded_entry)
    assert _callback_issue(issue_registry) is None


async def test_entry_confirmed_before_urls_were_remembered(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """An entry confirmed by an older version adopts the current URL without a repair."""
    hass.config_entries.async_update_entry(entry, data={**entry.data, "callback_confirmed": True})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _callback_issue(issue_registry) is None

    # From then on, a change is reported.
    await hass.config.async_update(external_url=NEW_EXTERNAL_URL)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _callback_issue(issue_registry) is not None
