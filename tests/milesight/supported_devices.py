"""The README's "Supported Milesight devices" section, generated from the device catalogue.

    python -m tests.milesight.supported_devices     rewrite the section in README.md

test_supported_devices.py checks that the README holds what this module generates, so the
table cannot drift from the catalogue. HA-free: it reads the catalogue's family files only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
import json
from pathlib import Path
from typing import Any

from custom_components.minerva_iot.milesight.keys import TRANSLATION_KEYS

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_DIR = ROOT / "custom_components" / "minerva_iot" / "milesight" / "catalogue"
README = ROOT / "README.md"
START = "<!-- supported-milesight-devices:start (generated: python -m tests.milesight.supported_devices) -->"
END = "<!-- supported-milesight-devices:end -->"
_NONE = "\N{EN DASH}"

INTRO = """\
What each model's decoded keys become, from Milesight's own decoders
(`Milesight-IoT/SensorDecoders`; the catalogue in `custom_components/minerva_iot/milesight/catalogue/`
names the decoder file of every key). For each key the integration uses the device's thing model
when the API gives one (its unit and labels win), then this catalogue by the model MDP reports
(`deviceProfile.model`, and the firmware where generations differ), then the generic key rules,
then a plain sensor. Webhook-only entries learn the model from each delivery's `deviceProfile`
and the firmware from the device's own `firmware_version` report. Settings the devices echo in
their uplinks (`report_interval`, `threshold_*`, `retransmit_*`…) and versions become diagnostic
sensors, disabled by default; message counters, device clocks and stored history get no entity."""

UNCONFIRMED = """\
- **AM319-HCHO `hcho`**: the standard build's decoder gives mg/m³, the WELL build's ppm, and MDP
  reports both as `AM319-HCHO`: the sensor shows the number without a unit or device class (no
  conversion) unless the thing model gives the unit. `AM319-HCHO-WELL` as the reported model
  selects ppm.
- **Firmware generations** (CT10x/CT30x `-v2`, EM320-TH `-v2`, TS30x `-v2`, WT201 `-v2`, WS51x
  `-v3`, WS50x `-v4`): which firmware starts each one is not published; the catalogue guesses the
  major version. Where generations disagree about a unit (WS513 / WS515 `power_consumption`: Wh
  on v1, kWh on v3) and the firmware is unknown, the sensor has no unit until the device reports
  its firmware (or the API lists it). Regional builds (`-EU`, `-US`, `-CN`) cannot be told apart
  by firmware: only a model string naming the build selects one.
- **WS50x v4 `power_consumption`** (codec kWh, decoder unscaled) and **v3/v4 `voltage`** (not
  divided by 10 as in v1).
- **VS13x dwell times** in seconds (the decoders give no unit); **UC300 `adc_N`** mA and
  **`adv_N`** V; **EM500-SMTC `electricity`** in µS/cm (its README names it `ec`).
- **TVOC** is an IAQ index or a concentration depending on the model and channel: a VOC device
  class only with µg/m³ or ppb.
- **MDP's spellings of settings** (`reporting_interval`, `collecting_interval`,
  `retransmission_*`) are mapped to the decoders' keys; MDP gives those intervals in seconds."""


def _documents() -> list[dict[str, Any]]:
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(CATALOGUE_DIR.glob("*.json"))
    ]


def _names(values: Iterable[str]) -> str:
    found = sorted({value.replace("_", " ") for value in values})
    return ", ".join(found) if found else _NONE


def _model_names(models: list[dict[str, Any]]) -> str:
    generations: dict[str, list[str]] = defaultdict(list)
    for model in models:
        generations[model["model"]].append(model.get("generation") or "")
    return ", ".join(
        name + (f" ({' / '.join(g for g in gens if g)})" if any(gens) else "")
        for name, gens in generations.items()
    )


def _family_row(document: dict[str, Any]) -> str:
    sensors: set[str] = set()
    counters = plain = 0
    binaries: set[str] = set()
    events: set[str] = set()
    for model in document["models"]:
        for row in model["keys"]:
            if row["kind"] == "sensor" and row.get("device_class"):
                sensors.add("states" if row["device_class"] == "enum" else row["device_class"])
            elif row["kind"] == "sensor" and row.get("state_class") == "total_increasing":
                counters += 1
            elif row["kind"] == "sensor":
                plain += 1
            elif row["kind"] == "binary_sensor":
                binaries.add(row.get("device_class") or "on/off")
            elif row["kind"] == "event":
                events.update(value for value in (row.get("values") or {}).values() if value)
    extras = [
        *(["counters (total increasing)"] if counters else []),
        *(["other readings"] if plain else []),
    ]
    sensor_text = ", ".join(filter(None, [_names(sensors) if sensors else "", *extras])) or _NONE
    return (
        f"| {document['title']} | {_model_names(document['models'])} | {sensor_text} "
        f"| {_names(binaries)} | {_names(events)} |"
    )


def _unit_rows(documents: list[dict[str, Any]]) -> list[str]:
    """Keys whose unit depends on the model (and its generation)."""
    units: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for document in documents:
        for model in document["models"]:
            name = model["model"] + (f" {model['generation']}" if model.get("generation") else "")
            for row in model["keys"]:
                if row["kind"] == "sensor" and row.get("unit"):
                    units[row["key"]][row["unit"]].append(name)
    rows = []
    for key in sorted(units):
        if len(units[key]) > 1:
            for unit, models in sorted(units[key].items()):
                rows.append(f"| `{key}` | {unit} | {', '.join(sorted(set(models)))} |")
    return rows


STRINGS = ROOT / "custom_components" / "minerva_iot" / "strings.json"


def _entity_names() -> list[str]:
    """The translated names catalogue keys get (keys.TRANSLATION_KEYS), with their keys."""
    entities = json.loads(STRINGS.read_text(encoding="utf-8"))["entity"]
    names = []
    for key, translation_key in TRANSLATION_KEYS.items():
        platform = "sensor" if translation_key in entities["sensor"] else "binary_sensor"
        name = entities[platform][translation_key]["name"].replace("{index}", "N")
        kind = "binary sensor" if platform == "binary_sensor" else "sensor"
        names.append(f"*{name}* ({kind}, `{key.replace('{n}', 'N')}`)")
    return names


def _event_lines() -> list[str]:
    """The event entities' types and the device triggers beyond 0.2.0's, from strings.json."""
    strings = json.loads(STRINGS.read_text(encoding="utf-8"))
    events = strings["entity"]["event"]
    triggers = strings["device_automation"]["trigger_type"]
    lines = []
    for key in ("button", "alarm", "device_event"):
        states = events[key]["state_attributes"]["event_type"]["state"]
        shown = ", ".join(f"{label.lower()} (`{state}`)" for state, label in states.items())
        lines.append(f"- *{events[key]['name']}* event entity: {shown}.")
    new_triggers = ("button_single_press", "button_press", "button_release")
    lines.append(
        "- Device triggers of button models follow their model's presses: "
        + ", ".join(f"`{t}` — {triggers[t]}" for t in new_triggers)
        + " (DS3604 single click, WS156 buttons pressed and released) besides the short, long "
        "and double press of 0.2.0. Power on/off and resets are not alarms: they fire no "
        "`alarm` bus event or trigger, only the *Device event* entity."
    )
    return lines


def section() -> str:
    """The generated text between the markers."""
    documents = _documents()
    decoders = sum(len(document["models"]) for document in documents)
    lines = [
        START,
        "## Supported Milesight devices",
        "",
        INTRO,
        "",
        f"{len(documents)} families, {decoders} decoders (models and their firmware generations"
        " or regional builds):",
        "",
        "| Family | Models | Sensors | Binary sensors | Events |",
        "|---|---|---|---|---|",
        *(_family_row(document) for document in documents),
        "",
        "Models that are not listed still work: their keys go through the generic rules "
        "(temperature, humidity, battery, CO₂, door, motion, leak, buttons, alarms…) or become "
        "plain sensors.",
        "",
        "### What the events and names are",
        "",
        *_event_lines(),
        "- Catalogued keys with a translated name: " + "; ".join(_entity_names()) + ". Other "
        "keys are named after the device's thing model, or after the key.",
        "",
        "### Units that depend on the model",
        "",
        "| Key | Unit | Models |",
        "|---|---|---|",
        *_unit_rows(documents),
        "",
        "### Unconfirmed",
        "",
        UNCONFIRMED,
        END,
    ]
    return "\n".join(lines)


def readme_section(text: str) -> str | None:
    """The section as the README holds it (None: no markers)."""
    if START not in text or END not in text:
        return None
    return text[text.index(START) : text.index(END) + len(END)]


def main() -> None:
    """Write the generated section into README.md (before "## Entities" the first time)."""
    text = README.read_text(encoding="utf-8")
    current = readme_section(text)
    if current is not None:
        text = text.replace(current, section())
    else:
        anchor = "\n## Entities\n"
        text = text.replace(anchor, f"\n{section()}\n{anchor}", 1)
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
