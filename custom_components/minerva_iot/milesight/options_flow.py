"""Milesight options: seeding from the API at start-up and an optional slow refresh."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)
import voluptuous as vol

from custom_components.minerva_iot.compat import OptionsFlowWithReload

from .const import (
    CONF_CLIENT_ID,
    DEFAULT_REFRESH_MINUTES,
    DEFAULT_SEED_FROM_API,
    MAX_REFRESH_MINUTES,
    MIN_REFRESH_MINUTES,
    OPT_REFRESH_MINUTES,
    OPT_SEED_FROM_API,
)


class MilesightOptionsFlow(OptionsFlowWithReload):
    """Milesight options: API seeding at start-up and an optional slow refresh."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Continue to the Milesight options step."""
        return await self.async_step_milesight_options()

    async def async_step_milesight_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show or save the Milesight options."""
        if CONF_CLIENT_ID not in self.config_entry.data:
            return self.async_abort(reason="milesight_no_api_options")
        errors: dict[str, str] = {}
        if user_input is not None:
            minutes = int(user_input[OPT_REFRESH_MINUTES])
            if 0 < minutes < MIN_REFRESH_MINUTES:
                errors[OPT_REFRESH_MINUTES] = "milesight_refresh_too_short"
            else:
                return self.async_create_entry(
                    data={
                        OPT_SEED_FROM_API: bool(user_input[OPT_SEED_FROM_API]),
                        OPT_REFRESH_MINUTES: minutes,
                    }
                )
        current = {
            OPT_SEED_FROM_API: self.config_entry.options.get(
                OPT_SEED_FROM_API, DEFAULT_SEED_FROM_API
            ),
            OPT_REFRESH_MINUTES: self.config_entry.options.get(
                OPT_REFRESH_MINUTES, DEFAULT_REFRESH_MINUTES
            ),
        }
        schema = vol.Schema(
            {
                vol.Required(OPT_SEED_FROM_API): BooleanSelector(),
                vol.Required(OPT_REFRESH_MINUTES): NumberSelector(
                    NumberSelectorConfig(
                        min=0,
                        max=MAX_REFRESH_MINUTES,
                        step=1,
                        unit_of_measurement="min",
                        mode=NumberSelectorMode.BOX,
                    )
                ),
            }
        )
        return self.async_show_form(
            step_id="milesight_options",
            data_schema=self.add_suggested_values_to_schema(schema, user_input or current),
            errors=errors,
            description_placeholders={"minimum": str(MIN_REFRESH_MINUTES)},
        )
