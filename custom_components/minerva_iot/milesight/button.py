"""Milesight buttons: refresh the API token, test the webhook through the internet."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from custom_components.minerva_iot.clients.milesight import MilesightAuthError, MilesightError
from custom_components.minerva_iot.const import DOMAIN

from .const import HEALTH_UPDATES_KEY
from .control.buttons import async_add_service_buttons
from .data import MilesightConfigEntry, MilesightData
from .entity import MilesightEntryEntity
from .selftest import async_test_webhook


async def _async_refresh_token(hass: HomeAssistant, entry: MilesightConfigEntry) -> None:
    client = entry.runtime_data.client
    assert client is not None  # the button exists only for API entries
    try:
        await client.token_manager.async_refresh()
    except MilesightAuthError as err:
        entry.async_start_reauth(hass)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="milesight_auth_failed"
        ) from err
    except MilesightError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="milesight_api_error",
            translation_placeholders={"error": type(err).__name__},
        ) from err
    finally:
        # Only the Application's own entities show the token.
        entry.runtime_data.updates.notify((HEALTH_UPDATES_KEY,))


@dataclass(frozen=True, kw_only=True)
class MilesightButtonEntityDescription(ButtonEntityDescription):
    """What pressing the button does."""

    press_fn: Callable[[HomeAssistant, MilesightConfigEntry], Awaitable[None]]
    exists_fn: Callable[[MilesightData], bool] = lambda data: True


BUTTONS: tuple[MilesightButtonEntityDescription, ...] = (
    MilesightButtonEntityDescription(
        key="refresh_token",
        translation_key="refresh_token",
        entity_category=EntityCategory.DIAGNOSTIC,
        press_fn=_async_refresh_token,
        exists_fn=lambda data: data.client is not None,
    ),
    MilesightButtonEntityDescription(
        key="test_webhook",
        translation_key="test_webhook",
        entity_category=EntityCategory.DIAGNOSTIC,
        press_fn=async_test_webhook,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: MilesightConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the Application's buttons, then a button per device service without inputs."""
    async_add_entities(
        MilesightButton(entry, description)
        for description in BUTTONS
        if description.exists_fn(entry.runtime_data)
    )
    async_add_service_buttons(entry, async_add_entities)


class MilesightButton(MilesightEntryEntity, ButtonEntity):
    """A maintenance button of the Application."""

    entity_description: MilesightButtonEntityDescription

    def __init__(
        self, entry: MilesightConfigEntry, description: MilesightButtonEntityDescription
    ) -> None:
        """Bind the button to its entry."""
        super().__init__(entry.runtime_data, description)
        self._entry = entry

    async def async_press(self) -> None:
        """Run the button's action."""
        await self.entity_description.press_fn(self.hass, self._entry)
