"""Constants of the TTLock Open API (reference ttlock-cloud-api.md)."""

from __future__ import annotations

from typing import Final

# §1: the two clouds share no data; only the host differs.
REGION_HOSTS: Final[dict[str, str]] = {
    "eu": "https://euapi.ttlock.com",
    "cn": "https://cnapi.ttlock.com",
}

TOKEN_PATH: Final = "/oauth2/token"

# §3: documented page size maxima.
LOCK_LIST_MAX_PAGE_SIZE: Final = 1000
GATEWAY_LIST_MAX_PAGE_SIZE: Final = 200
RECORD_LIST_MAX_PAGE_SIZE: Final = 200
# listKeyboardPwd has no documented maximum; 100 is a conservative page.
PASSCODE_LIST_PAGE_SIZE: Final = 100
# Safety cap so a runaway pagination cannot burn the monthly call budget.
MAX_PAGES: Final = 50

# §3: the method flag 2 executes a write through the gateway / WiFi (the documented default 1
# only syncs the cloud after a Bluetooth operation).
VIA_GATEWAY: Final = 2

# §4 lock/updateSetting ``type`` of the sound switch (value 1 on / 2 off).
SETTING_SOUND: Final = 6

# §3: gateway-relayed calls may take several seconds; use ~30 s timeouts.
DEFAULT_TIMEOUT: Final = 30.0
