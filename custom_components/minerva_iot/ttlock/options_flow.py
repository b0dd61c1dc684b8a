"""TTLock options: the account's polling and safety re-check, and each lock's own settings.

A menu leads to the account's settings (poll interval, slow interval, the lock-waking safety
re-check) or to one lock's: pick it, then say whether it is controllable remotely (auto: as its
listing and what the cloud showed say; yes; no) and after how many seconds it may be assumed to
relock by itself (for locks that report no auto-lock time). Saved in
`entry.options["locks"][str(lock_id)]`; the entry reloads with them.
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
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import voluptuous as vol

from custom_components.minerva_iot.compat import OptionsFlowWithReload

from .const import (
    CONF_LOCKS,
    CONF_PICKED_LOCK,
    CONF_POLL_MINUTES,
    CONF_RELOCK_AFTER,
    CONF_REMOTE,
    CONF_SAFETY_RECHECK,
    CONF_SLOW_HOURS,
    DEFAULT_POLL_MINUTES,
    DEFAULT_SAFETY_RECHECK,
    DEFAULT_SLOW_HOURS,
    MAX_POLL_MINUTES,
    MAX_RELOCK_AFTER_S,
    MAX_SLOW_HOURS,
    MIN_POLL_MINUTES,
    MIN_SLOW_HOURS,
    REMOTE_AUTO,
    REMOTE_CHOICES,
)
from .identifiers import lock_id_of_device

_REMOTE_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=list(REMOTE_CHOICES), translation_key="ttlock_remote", mode=SelectSelectorMode.LIST
    )
)
_RELOCK_SELECTOR = NumberSelector(
    NumberSelectorConfig(
        min=0, max=MAX_RELOCK_AFTER_S, step=1, unit_of_measurement="s", mode=NumberSelectorMode.BOX
    )
)


class TTLockOptionsFlow(OptionsFlowWithReload):
    """TTLock options: poll intervals and the safety re-check; each lock's own settings."""

    _lock_id: int

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Continue to the TTLock-named menu."""
        return await self.async_step_ttlock_options_menu()

    async def async_step_ttlock_options_menu(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The account's settings, or one lock's."""
        return self.async_show_menu(
            step_id="ttlock_options_menu", menu_options=["ttlock_options", "ttlock_lock_pick"]
        )

    async def async_step_ttlock_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Poll interval, slow-tier interval, safety re-check on/off."""
        if user_input is not None:
            return self.async_create_entry(
                data={
                    **self.config_entry.options,
                    CONF_POLL_MINUTES: int(user_input[CONF_POLL_MINUTES]),
                    CONF_SLOW_HOURS: int(user_input[CONF_SLOW_HOURS]),
                    CONF_SAFETY_RECHECK: bool(user_input[CONF_SAFETY_RECHECK]),
                }
            )
        options = self.config_entry.options
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_POLL_MINUTES,
                    default=options.get(CONF_POLL_MINUTES, DEFAULT_POLL_MINUTES),
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_POLL_MINUTES,
                        max=MAX_POLL_MINUTES,
                        step=1,
                        unit_of_measurement="min",
                        mode=NumberSelectorMode.BOX,
                    )
                ),
                vol.Required(
                    CONF_SLOW_HOURS, default=options.get(CONF_SLOW_HOURS, DEFAULT_SLOW_HOURS)
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_SLOW_HOURS,
                        max=MAX_SLOW_HOURS,
                        step=1,
                        unit_of_measurement="h",
                        mode=NumberSelectorMode.BOX,
                    )
                ),
                vol.Required(
                    CONF_SAFETY_RECHECK,
                    default=options.get(CONF_SAFETY_RECHECK, DEFAULT_SAFETY_RECHECK),
                ): BooleanSelector(),
            }
        )
        return self.async_show_form(step_id="ttlock_options", data_schema=schema)

    async def async_step_ttlock_lock_pick(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Which lock to set up: the entry's lock devices (known also while it is not loaded)."""
        locks = self._lock_names()
        if not locks:
            return self.async_abort(reason="ttlock_no_locks")
        if user_input is not None:
            self._lock_id = int(user_input[CONF_PICKED_LOCK])
            return await self.async_step_ttlock_lock()
        selector = SelectSelector(
            SelectSelectorConfig(
                options=[
                    SelectOptionDict(value=str(lock_id), label=name)
                    for lock_id, name in sorted(locks.items(), key=lambda item: item[1])
                ],
                mode=SelectSelectorMode.DROPDOWN,
            )
        )
        return self.async_show_form(
            step_id="ttlock_lock_pick",
            data_schema=vol.Schema({vol.Required(CONF_PICKED_LOCK): selector}),
        )

    async def async_step_ttlock_lock(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The picked lock's settings: controllable remotely, assumed relock delay."""
        locks = dict(self.config_entry.options.get(CONF_LOCKS) or {})
        key = str(self._lock_id)
        if user_input is not None:
            settings: dict[str, Any] = {CONF_REMOTE: user_input[CONF_REMOTE]}
            # 0 or empty: not set (the lock's reported or learned delay applies).
            if relock := int(user_input.get(CONF_RELOCK_AFTER) or 0):
                settings[CONF_RELOCK_AFTER] = relock
            return self.async_create_entry(
                data={**self.config_entry.options, CONF_LOCKS: {**locks, key: settings}}
            )
        current = locks.get(key) or {}
        saved_relock = current.get(CONF_RELOCK_AFTER)
        schema = vol.Schema(
            {
                vol.Required(CONF_REMOTE, default=current.get(CONF_REMOTE, REMOTE_AUTO)): (
                    _REMOTE_SELECTOR
                ),
                vol.Optional(
                    CONF_RELOCK_AFTER,
                    description={"suggested_value": saved_relock} if saved_relock else None,
                ): _RELOCK_SELECTOR,
            }
        )
        return self.async_show_form(
            step_id="ttlock_lock",
            data_schema=schema,
            description_placeholders={"lock": self._lock_names().get(self._lock_id, key)},
        )

    def _lock_names(self) -> dict[int, str]:
        """The entry's locks by id, with the name the user sees (their device's)."""
        registry = dr.async_get(self.hass)
        names: dict[int, str] = {}
        for device in dr.async_entries_for_config_entry(registry, self.config_entry.entry_id):
            if (lock_id := lock_id_of_device(device)) is not None:
                names[lock_id] = device.name_by_user or device.name or str(lock_id)
        return names
