"""Constants of the Milesight side: entry keys, options, event types, repair issue keys."""

from __future__ import annotations

from typing import Final

# entry.data keys (besides const.CONF_VENDOR and const.CONF_WEBHOOK_ID).
CONF_SERVER_ADDRESS: Final = "server_address"
CONF_CLIENT_ID: Final = "client_id"
CONF_CLIENT_SECRET: Final = "client_secret"
CONF_WEBHOOK_SECRET: Final = "webhook_secret"

# entry.options keys.
OPT_SEED_FROM_API: Final = "seed_from_api"
OPT_REFRESH_MINUTES: Final = "refresh_minutes"
DEFAULT_SEED_FROM_API: Final = True
# 0 = no periodic API calls (the default: MDP quotas are small, pushes carry the data).
DEFAULT_REFRESH_MINUTES: Final = 0
MIN_REFRESH_MINUTES: Final = 15
MAX_REFRESH_MINUTES: Final = 1440
# API calls a day on MDP's free plan (a third-party plan summary, *unconfirmed*: reference §7).
FREE_PLAN_DAILY_API_CALLS: Final = 1000

# Types of the `minerva_iot_event` bus event and of the device triggers. Automations store
# these strings: never rename them.
EVENT_BUTTON_SHORT_PRESS: Final = "button_short_press"
EVENT_BUTTON_LONG_PRESS: Final = "button_long_press"
EVENT_BUTTON_DOUBLE_PRESS: Final = "button_double_press"
# DS3604 single click (besides its short press), WS156 buttons pressed and released.
EVENT_BUTTON_SINGLE_PRESS: Final = "button_single_press"
EVENT_BUTTON_PRESS: Final = "button_press"
EVENT_BUTTON_RELEASE: Final = "button_release"
EVENT_ALARM: Final = "alarm"
EVENT_ALARM_CLEARED: Final = "alarm_cleared"
EVENT_DEVICE_EVENT: Final = "device_event"
EVENT_SERVICE_RESULT: Final = "service_result"
EVENT_TASK_RESULT: Final = "task_result"

# Models that are buttons before their first press is seen (triggers and event entity).
BUTTON_MODELS: Final = ("WS101",)

BUTTON_TRIGGER_TYPES: Final = (
    EVENT_BUTTON_SHORT_PRESS,
    EVENT_BUTTON_LONG_PRESS,
    EVENT_BUTTON_DOUBLE_PRESS,
)
ALARM_TRIGGER_TYPES: Final = (EVENT_ALARM, EVENT_ALARM_CLEARED)

# Event types of the event entities (translated under entity.event.<key>.state_attributes).
PRESS_SHORT: Final = "short_press"
PRESS_LONG: Final = "long_press"
PRESS_DOUBLE: Final = "double_press"
BUTTON_EVENT_TYPES: Final = (PRESS_SHORT, PRESS_LONG, PRESS_DOUBLE)
ALARM_EVENT_TYPES: Final = (EVENT_ALARM, EVENT_ALARM_CLEARED)

# Repair issue translation keys; issue ids are `<key>_<entry_id>`.
ISSUE_WEBHOOK_SETUP: Final = "milesight_webhook_setup"
ISSUE_NO_EXTERNAL_URL: Final = "milesight_no_external_url"
ISSUE_DELIVERIES_SUSPENDED: Final = "milesight_deliveries_suspended"
ISSUE_PUSH_LIMIT: Final = "milesight_push_limit"
ISSUE_SYSTEM_MESSAGE: Final = "milesight_system_message"
ISSUE_REJECTED_DELIVERIES: Final = "milesight_rejected_deliveries"
# The watchdog's silence issues (watchdog.py), one at a time: no API to ask, MDP has newer
# readings than Home Assistant got (it stopped pushing), MDP has none either (devices quiet).
ISSUE_WEBHOOK_SILENT: Final = "milesight_webhook_silent"
ISSUE_PUSHES_STOPPED: Final = "milesight_pushes_stopped"
ISSUE_DEVICES_QUIET: Final = "milesight_devices_quiet"
SILENCE_ISSUES: Final = (ISSUE_WEBHOOK_SILENT, ISSUE_PUSHES_STOPPED, ISSUE_DEVICES_QUIET)
ISSUE_RATE_LIMITED: Final = "milesight_rate_limited"
ALL_ISSUES: Final = (
    ISSUE_WEBHOOK_SETUP,
    ISSUE_NO_EXTERNAL_URL,
    ISSUE_DELIVERIES_SUSPENDED,
    ISSUE_PUSH_LIMIT,
    ISSUE_SYSTEM_MESSAGE,
    ISSUE_REJECTED_DELIVERIES,
    *SILENCE_ISSUES,
    ISSUE_RATE_LIMITED,
)
# Consecutive rejected deliveries before a repair issue suggests a rotated secret or clock skew.
REJECTED_DELIVERIES_ISSUE_THRESHOLD: Final = 5

# Key of the Application's health entities in the entry's DeviceUpdates (the other keys are
# serial numbers, which hold no underscore).
HEALTH_UPDATES_KEY: Final = "milesight_application"

# eventId prefix of the "Test webhook" button's own deliveries: they prove that the public
# route reaches Home Assistant, not that MDP was configured, so they are never applied.
SELFTEST_EVENT_PREFIX: Final = "minerva-selftest-"
# Seconds the "Test webhook" button waits for its delivery to come back from the internet.
WEBHOOK_TEST_TIMEOUT_S: Final = 15
