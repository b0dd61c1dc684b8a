"""The `minerva_iot.milesight_call_service` action: a thing-model service with inputs."""

from __future__ import annotations

from typing import Any, Final

from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
import voluptuous as vol

from custom_components.minerva_iot.action_targets import loaded_entry_of_device
from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.milesight.data import MilesightConfigEntry, MilesightData
from custom_components.minerva_iot.milesight.identifiers import sn_of_device

from .writer import async_call_service

SERVICE_CALL_SERVICE: Final = "milesight_call_service"
ATTR_DEVICE_ID: Final = "device_id"
ATTR_SERVICE_ID: Final = "service_id"
ATTR_INPUTS: Final = "inputs"

CALL_SERVICE_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Required(ATTR_SERVICE_ID): cv.string,
        vol.Optional(ATTR_INPUTS, default=dict): dict,
    }
)


def _resolve(hass: HomeAssistant, device_id: str) -> tuple[MilesightConfigEntry, str]:
    device = dr.async_get(hass).async_get(device_id)
    sn = sn_of_device(device) if device is not None else None
    if device is None or sn is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="milesight_not_a_device",
            translation_placeholders={"device_id": device_id},
        )
    entry: MilesightConfigEntry | None = loaded_entry_of_device(hass, device, MilesightData)
    if entry is not None:
        return entry, sn
    raise ServiceValidationError(
        translation_domain=DOMAIN, translation_key="milesight_entry_not_loaded"
    )


async def _async_call_service(call: ServiceCall) -> ServiceResponse:
    entry, sn = _resolve(call.hass, call.data[ATTR_DEVICE_ID])
    inputs: dict[str, Any] = dict(call.data[ATTR_INPUTS])
    result = await async_call_service(entry, sn, call.data[ATTR_SERVICE_ID], inputs)
    # The outcome comes later (TASK_DATA / SERVICE deliveries, as minerva_iot_event).
    return {"task_id": result.task_id, "service_id": call.data[ATTR_SERVICE_ID], "sn": sn}


def async_setup_services(hass: HomeAssistant) -> None:
    """Register the Milesight actions once for the whole integration."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_CALL_SERVICE,
        _async_call_service,
        schema=CALL_SERVICE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
