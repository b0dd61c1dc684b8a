"""Read-modify-write of the Milesight keys in strings.json and icons.json (dev helper, not a test)."""

import json
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "custom_components" / "minerva_iot"

API_FIELDS = {
    "server_address": "Server address",
    "client_id": "Client ID",
    "client_secret": "Client secret",
    "webhook_secret": "Webhook secret",
}
API_DESCRIPTIONS = {
    "server_address": "The Server Address shown on your application's Authentication panel in the Milesight Development Platform, for example the host name of your data center. A path pasted with it is removed.",
    "client_id": "The Client ID of the application (Authentication panel). Spaces and line breaks are removed.",
    "client_secret": "The Client Secret of the application (Authentication panel). If you regenerated it, paste the new one.",
    "webhook_secret": "The Secret of the application's Webhook panel. Every delivery is signed with it; deliveries that do not match are refused.",
}


def milesight_strings(s: dict) -> None:
    config = s.setdefault("config", {})
    step = config.setdefault("step", {})
    step["milesight"] = {
        "title": "Milesight Development Platform application",
        "description": "Enter the Authentication details and the Webhook secret of your application in the Milesight Development Platform console.",
        "data": dict(API_FIELDS),
        "data_description": dict(API_DESCRIPTIONS),
    }
    step["milesight_webhook"] = {
        "title": "Milesight webhook only",
        "description": "Use this when you cannot or do not want to give Home Assistant API credentials. Devices and their entities appear when their first reading arrives by webhook.",
        "data": {"webhook_secret": API_FIELDS["webhook_secret"]},
        "data_description": {"webhook_secret": API_DESCRIPTIONS["webhook_secret"]},
    }
    step["milesight_finish"] = {
        "title": "Connect the Milesight webhook",
        "description": "Server address in use: {server_address} (ignored part of what you pasted: {dropped_path}).\n\nIn the Milesight Development Platform console open your application, go to Webhook, enable it, add this Callback URI and save:\n\n{webhook_url}\n\nThen press Test in the console. Until the first valid delivery arrives, a repair issue reminds you of this URL.",
    }
    step["milesight_finish_no_url"] = {
        "title": "Home Assistant has no public URL",
        "description": "The Milesight Development Platform must reach Home Assistant over the internet with HTTPS, but Home Assistant has no external URL and no Home Assistant Cloud subscription. The entry will be created; set an external URL under Settings > System > Network (or enable Home Assistant Cloud), then follow the repair issue to register the webhook.",
    }
    step["milesight_reauth_confirm"] = {
        "title": "Milesight credentials refused",
        "description": "The Milesight Development Platform refused the client secret of client ID {client_id}. Paste the current Client Secret from the application's Authentication panel (it changes when it is regenerated).",
        "data": {"client_secret": API_FIELDS["client_secret"]},
        "data_description": {"client_secret": API_DESCRIPTIONS["client_secret"]},
    }
    step["milesight_reconfigure"] = {
        "title": "Reconfigure the Milesight application",
        "description": "Change the server address, credentials or webhook secret. Leave a secret empty to keep the stored one. The Client ID must stay the one of the same application.",
        "data": dict(API_FIELDS),
        "data_description": dict(API_DESCRIPTIONS),
    }
    error = config.setdefault("error", {})
    error["invalid_auth"] = (
        "The credentials were refused. Check the Client ID and Client Secret on the application's Authentication panel, and that the server address belongs to the data center of that application."
    )
    error["cannot_connect"] = (
        "Cannot reach the server. Check the server address, the internet connection of Home Assistant and, if the application has a Request Restriction, that the public IP address of Home Assistant is allowed."
    )
    error["invalid_server_address"] = (
        "This is not a valid server address. Paste the Server Address shown on the application's Authentication panel (a host name; the https scheme is optional)."
    )
    error.setdefault("unknown", "Unexpected error. Check the Home Assistant log for details.")
    error["webhook_secret_required"] = (
        "The webhook secret is required: copy the Secret from the application's Webhook panel."
    )
    abort = config.setdefault("abort", {})
    abort["already_configured"] = "This application is already configured."
    abort["reauth_successful"] = "Re-authentication was successful."
    abort["reconfigure_successful"] = "Re-configuration was successful."
    abort["milesight_wrong_application"] = (
        "The Client ID belongs to another application. Add that application as a new entry instead."
    )
    abort["milesight_reauth_not_needed"] = (
        "This entry has no API credentials, so there is nothing to re-authenticate."
    )

    options = s.setdefault("options", {})
    options.setdefault("step", {})["milesight_options"] = {
        "title": "Milesight options",
        "description": "Readings arrive by webhook. The API can fill in values when Home Assistant starts and, if you want, refresh them slowly. Free plans allow few API calls per day.",
        "data": {
            "seed_from_api": "Read the latest values from the API at start-up",
            "refresh_minutes": "Refresh from the API every (minutes)",
        },
        "data_description": {
            "seed_from_api": "Needs device data storage enabled in the Milesight Development Platform.",
            "refresh_minutes": "0 turns the periodic refresh off (recommended). Otherwise at least {minimum} minutes.",
        },
    }
    options.setdefault("error", {})["milesight_refresh_too_short"] = (
        "Use 0 (off) or at least {minimum} minutes."
    )
    options.setdefault("abort", {})["milesight_no_api_options"] = (
        "This entry receives webhooks only; it has no API options."
    )

    entity = s.setdefault("entity", {})
    sensor = entity.setdefault("sensor", {})
    sensor.update(
        {
            "temperature_channel": {"name": "Temperature {index}"},
            "light_level": {"name": "Light level"},
            "hcho": {"name": "Formaldehyde"},
            "o3": {"name": "Ozone"},
            "people_count_all": {"name": "People count"},
            "people_count_max": {"name": "Maximum people count"},
            "region_count": {"name": "Region {index} people count"},
            "line_total_in": {"name": "Line {index} total in"},
            "line_total_out": {"name": "Line {index} total out"},
            "line_period_in": {"name": "Line {index} period in"},
            "line_period_out": {"name": "Line {index} period out"},
            "last_delivery": {"name": "Last webhook delivery"},
            "rejected_deliveries": {"name": "Rejected webhook deliveries"},
            "token_expires": {"name": "API token expires"},
        }
    )
    binary = entity.setdefault("binary_sensor", {})
    binary.update(
        {
            "region_occupancy": {"name": "Region {index} occupancy"},
            "door_channel": {"name": "Door {index}"},
            "tilt": {"name": "Tilt"},
            "switch_channel": {"name": "Switch {index}"},
        }
    )
    event = entity.setdefault("event", {})
    event["button"] = {
        "name": "Button",
        "state_attributes": {
            "event_type": {
                "state": {
                    "short_press": "Short press",
                    "long_press": "Long press",
                    "double_press": "Double press",
                }
            }
        },
    }
    event["alarm"] = {
        "name": "Alarm",
        "state_attributes": {
            "event_type": {"state": {"alarm": "Alarm", "alarm_cleared": "Alarm cleared"}},
            "alarm": {"name": "Alarm name"},
            "value": {"name": "Reported value"},
        },
    }
    button = entity.setdefault("button", {})
    button["refresh_token"] = {"name": "Refresh API token"}
    button["test_webhook"] = {"name": "Test webhook"}

    exceptions = s.setdefault("exceptions", {})
    exceptions.update(
        {
            "milesight_auth_failed": {
                "message": "The Milesight Development Platform refused the application's credentials. Re-authenticate the entry with the current client secret."
            },
            "milesight_api_error": {
                "message": "The Milesight Development Platform API call failed ({error}). It is retried later."
            },
            "milesight_webhook_test_failed": {
                "message": "The test delivery did not come back to Home Assistant through its public URL ({reason}). Check the external URL or Home Assistant Cloud, port forwarding and the HTTPS certificate."
            },
            "milesight_no_webhook_url": {
                "message": "Home Assistant has no public URL for the webhook. Set an external URL or enable Home Assistant Cloud."
            },
            "milesight_webhook_test_passed": {
                "message": "The test delivery reached Home Assistant through its public URL: the Milesight webhook is reachable."
            },
        }
    )

    issues = s.setdefault("issues", {})
    issues.update(
        {
            "milesight_webhook_setup": {
                "title": "Register the Milesight webhook",
                "description": "No signed delivery has arrived yet. In the Milesight Development Platform console open your application, go to Webhook, enable it, add this Callback URI, save, then press Test:\n\n{webhook_url}\n\nThis issue disappears with the first valid delivery.",
            },
            "milesight_no_external_url": {
                "title": "Milesight needs a public URL",
                "description": "The Milesight Development Platform pushes readings over the internet with HTTPS, but Home Assistant has no external URL and no Home Assistant Cloud subscription. Set an external URL under Settings > System > Network or enable Home Assistant Cloud, then reload the entry.",
            },
            "milesight_deliveries_suspended": {
                "title": "Milesight stopped sending webhooks",
                "description": "The Milesight Development Platform reported that deliveries keep failing and will stop: {info}. Check that Home Assistant is reachable, then re-enable or save the webhook in the console. This issue disappears with the next reading.",
            },
            "milesight_push_limit": {
                "title": "Milesight daily webhook limit reached",
                "description": "The Milesight Development Platform reached the daily push limit of your plan: {info}. Readings are dropped until the limit resets. Reduce the reporting interval of your devices or upgrade the plan. This issue disappears with the next reading.",
            },
            "milesight_system_message": {
                "title": "Message from the Milesight Development Platform",
                "description": "The platform sent a system message ({type}): {info}. This issue disappears with the next reading.",
            },
            "milesight_rejected_deliveries": {
                "title": "Milesight deliveries are refused",
                "description": "{count} webhook deliveries in a row failed the signature or freshness check. The webhook secret was probably regenerated (reconfigure the entry with the new one) or the clock of Home Assistant is wrong.",
            },
        }
    )

    triggers = s.setdefault("device_automation", {}).setdefault("trigger_type", {})
    triggers.update(
        {
            "button_short_press": "Button short press",
            "button_long_press": "Button long press",
            "button_double_press": "Button double press",
            "alarm": "Alarm raised",
            "alarm_cleared": "Alarm cleared",
        }
    )


def milesight_icons(i: dict) -> None:
    entity = i.setdefault("entity", {})
    entity.setdefault("sensor", {}).update(
        {
            "light_level": {"default": "mdi:brightness-5"},
            "hcho": {"default": "mdi:molecule"},
            "o3": {"default": "mdi:molecule"},
            "people_count_all": {"default": "mdi:account-group"},
            "people_count_max": {"default": "mdi:account-group"},
            "region_count": {"default": "mdi:account-group"},
            "line_total_in": {"default": "mdi:account-arrow-right"},
            "line_total_out": {"default": "mdi:account-arrow-left"},
            "line_period_in": {"default": "mdi:account-arrow-right"},
            "line_period_out": {"default": "mdi:account-arrow-left"},
            "last_delivery": {"default": "mdi:webhook"},
            "rejected_deliveries": {"default": "mdi:shield-alert"},
            "token_expires": {"default": "mdi:key-chain"},
        }
    )
    entity.setdefault("binary_sensor", {}).update(
        {
            "tilt": {"default": "mdi:angle-acute"},
            "switch_channel": {"default": "mdi:power-plug-off", "state": {"on": "mdi:power-plug"}},
        }
    )
    entity.setdefault("event", {}).update(
        {
            "button": {"default": "mdi:gesture-tap-button"},
            "alarm": {"default": "mdi:alarm-light"},
        }
    )
    entity.setdefault("button", {}).update(
        {
            "refresh_token": {"default": "mdi:key-change"},
            "test_webhook": {"default": "mdi:webhook"},
        }
    )


def rmw(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    rmw(PKG / "strings.json", milesight_strings)
    rmw(PKG / "icons.json", milesight_icons)
