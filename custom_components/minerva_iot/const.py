"""Constants shared by both vendors of the Minerva IoT integration."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "minerva_iot"

# entry.data key telling which cloud an entry talks to, and its values.
CONF_VENDOR: Final = "vendor"
VENDOR_MILESIGHT: Final = "milesight"
VENDOR_TTLOCK: Final = "ttlock"

# entry.data key of the Home Assistant webhook id that receives the cloud's pushes.
CONF_WEBHOOK_ID: Final = "webhook_id"
# entry.data key of the Nabu Casa cloudhook URL, when one was created for the webhook.
CONF_CLOUDHOOK_URL: Final = "cloudhook_url"

# Bus event fired for every device event, for automations (keys: vendor, device_id, type, ...).
EVENT_MINERVA: Final = "minerva_iot_event"
ATTR_VENDOR: Final = "vendor"
ATTR_DEVICE_ID: Final = "device_id"
ATTR_TYPE: Final = "type"
ATTR_PAYLOAD: Final = "payload"
