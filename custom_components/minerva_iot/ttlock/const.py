"""Constants of the TTLock side: entry keys, options and their defaults, timings."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

# entry.data keys (besides vendor, auth_implementation, token, webhook_id).
CONF_REGION: Final = "region"
CONF_API_URL: Final = "api_url"
CONF_USERNAME: Final = "username"
# Set once a valid push arrived on the entry's callback URL, so the set-up repair stays away.
CONF_CALLBACK_CONFIRMED: Final = "callback_confirmed"

REGIONS: Final = ("eu", "cn")
DEFAULT_REGION: Final = "eu"

# Key of the API base URL inside the stored token dict: the refresh must reach the same cloud,
# and the OAuth implementation only sees the token, not the entry.
TOKEN_API_HOST: Final = "api_host"

# Options.
CONF_POLL_MINUTES: Final = "poll_minutes"
CONF_SLOW_HOURS: Final = "slow_hours"
CONF_SAFETY_RECHECK: Final = "safety_recheck"
# Hourly: pushes carry the lock states; the poll finds new locks, batteries and gateways online.
# Every 30 min doubled the account-wide calls (96 a day) and broke issue 16's 120 a day at 10 locks.
DEFAULT_POLL_MINUTES: Final = 60
DEFAULT_SLOW_HOURS: Final = 6
# queryOpenState wakes the lock over Bluetooth and drains its batteries (reference §7: never poll
# lock-waking endpoints by default): the re-check is opt-in, pushes are the default source.
DEFAULT_SAFETY_RECHECK: Final = False
MIN_POLL_MINUTES: Final = 5
MAX_POLL_MINUTES: Final = 1440
MIN_SLOW_HOURS: Final = 1
MAX_SLOW_HOURS: Final = 48

# Per-lock options: entry.options[CONF_LOCKS][str(lock id)] = {CONF_REMOTE: one of
# REMOTE_CHOICES, CONF_RELOCK_AFTER: seconds (absent: not set)}.
CONF_LOCKS: Final = "locks"
# The options flow's lock picker field (its value: a lock id).
CONF_PICKED_LOCK: Final = "lock"
CONF_REMOTE: Final = "remote"
CONF_RELOCK_AFTER: Final = "relock_after_s"
REMOTE_AUTO: Final = "auto"
REMOTE_YES: Final = "yes"
REMOTE_NO: Final = "no"
REMOTE_CHOICES: Final = (REMOTE_AUTO, REMOTE_YES, REMOTE_NO)
# The option's range; 900 s is also the auto-lock number's maximum (unconfirmed).
MAX_RELOCK_AFTER_S: Final = 900

# How long a lock or unlock command waits for its confirming push before one lockRecord/list read
# (pushes arrive one to five minutes late: hass-ttlock #22, #72, #129).
COMMAND_CONFIRM_TIMEOUT: Final = timedelta(minutes=6)
# Pushes were confirmed once but none arrived for this long while locks have gateways: warn.
NO_PUSH_WARNING: Final = timedelta(days=7)
# After errcode 30006 (monthly quota exhausted) the cloud is left alone this long.
QUOTA_BACKOFF: Final = timedelta(hours=6)

# Portal where the TTLock application (client id / secret, callback URL) is managed.
DEVELOPER_PORTAL_URL: Final = "https://euopen.ttlock.com/manager"
DEVELOPER_PORTAL_URL_CN: Final = "https://cnopen.ttlock.com/manager"

# Device registry texts.
MANUFACTURER: Final = "TTLock"
GATEWAY_MODEL: Final = "Gateway"
