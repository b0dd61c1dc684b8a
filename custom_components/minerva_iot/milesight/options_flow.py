"""Milesight options: seeding from the API at start-up and an optional slow refresh.

The form always shows what a refresh costs for the entry's devices; an interval that would
spend more than the free plan's daily API calls leads to a warning with the estimate, from
which the user keeps it (a paid plan allows more) or chooses another one.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.helpers import device_registry as dr
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
    FREE_PLAN_DAILY_API_CALLS,
    MAX_REFRESH_MINUTES,
    MIN_REFRESH_MINUTES,
    OPT_REFRESH_MINUTES,
    OPT_SEED_FROM_API,
)
from .coordinator import calls_per_refresh, estimated_daily_calls
from .identifiers import sn_of_device

STEP_OVER_BUDGET = "milesight_options_over_budget"


class MilesightOptionsFlow(OptionsFlowWithReload):
    """Milesight options: API seeding at start-up and an optional slow refresh."""

    _milesight_options: dict[str, Any]

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Continue to the Milesight options step."""
        return await self.async_step_milesight_options()

    def _device_count(self) -> int:
        """Milesight devices of the entry (loaded or not: the registry knows them)."""
        registry = dr.async_get(self.hass)
        devices = dr.async_entries_for_config_entry(registry, self.config_entry.entry_id)
        return sum(sn_of_device(device) is not None for device in devices)

    async def async_step_milesight_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show or save the Milesight options."""
        if CONF_CLIENT_ID not in self.config_entry.data:
            return self.async_abort(reason="milesight_no_api_options")
        errors: dict[str, str] = {}
        devices = self._device_count()
        if user_input is not None:
            minutes = int(user_input[OPT_REFRESH_MINUTES])
            if 0 < minutes < MIN_REFRESH_MINUTES:
                errors[OPT_REFRESH_MINUTES] = "milesight_refresh_too_short"
            else:
                self._milesight_options = {
                    OPT_SEED_FROM_API: bool(user_input[OPT_SEED_FROM_API]),
                    OPT_REFRESH_MINUTES: minutes,
                }
                if minutes and estimated_daily_calls(devices, minutes) > FREE_PLAN_DAILY_API_CALLS:
                    return await self.async_step_milesight_options_over_budget()
                return await self.async_step_milesight_options_save()
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
            description_placeholders={
                "minimum": str(MIN_REFRESH_MINUTES),
                "calls_per_refresh": str(calls_per_refresh(devices)),
                "devices": str(devices),
                "daily_budget": str(FREE_PLAN_DAILY_API_CALLS),
            },
        )

    async def async_step_milesight_options_over_budget(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Warn with the figures: keep the interval (a paid plan) or choose another one."""
        devices = self._device_count()
        minutes = int(self._milesight_options[OPT_REFRESH_MINUTES])
        return self.async_show_menu(
            step_id=STEP_OVER_BUDGET,
            menu_options=["milesight_options", "milesight_options_save"],
            description_placeholders={
                "minutes": str(minutes),
                "calls_per_day": str(estimated_daily_calls(devices, minutes)),
                "devices": str(devices),
                "daily_budget": str(FREE_PLAN_DAILY_API_CALLS),
            },
        )

    async def async_step_milesight_options_save(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Save the options chosen in the form (after the warning, if there was one)."""
        return self.async_create_entry(data=self._milesight_options)
