"""The translations: every key the code uses has English text, and every language is complete.

Custom integrations get no check from Home Assistant (hassfest does not run on them, there is no
`[%key:...%]` substitution and no fallback for a missing placeholder), so this module is the one
place that keeps the texts true:

* strings.json has text (and icons.json an icon) for every translation key the code uses;
* translations/en.json equals strings.json;
* each shipped language file (checks in translation_checks.py) has exactly the keys of
  strings.json, the same `{placeholders}` and line breaks in every text, no text left in English
  (short allowlist) and no `[%key:...%]` reference; no text of any language holds a URL.

Pure file checks: no Home Assistant instance is started.
"""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
from typing import Any

import pytest

from tests.quality.placeholder_checks import (
    check_credentials_description,
    check_placeholders as check_placeholders_given,
    collect_placeholder_uses,
)
from tests.quality.rule_checks import QualityContext
from tests.quality.string_checks import (
    check_data_descriptions,
    check_entity_icons,
    check_entity_strings,
    check_exception_strings,
    check_flow_strings,
    check_issue_strings,
    check_no_urls,
    check_selector_strings,
    check_services,
)

from .translation_checks import (
    LANGUAGES,
    PACKAGE,
    check_icu_quotes,
    check_keys,
    check_language,
    check_languages,
    check_line_breaks,
    check_no_key_references,
    check_placeholders,
    check_translated,
    language_files,
    read_json,
    sync_report,
)


@pytest.fixture(scope="module")
def context() -> QualityContext:
    """The integration as it is on disk (code index, strings.json, en.json, icons, services)."""
    return QualityContext.load()


def _english() -> dict[str, Any]:
    english, problems = read_json(PACKAGE / "strings.json")
    assert problems == []
    assert isinstance(english, dict)
    return english


# --- the code against strings.json -----------------------------------------------------------

CODE_CHECKS: dict[str, Callable[[QualityContext], list[str]]] = {
    "entity names and states": lambda c: check_entity_strings(c.keys, c.strings),
    "entity icons": lambda c: check_entity_icons(c.keys, c.icons),
    "exception messages": lambda c: check_exception_strings(c.keys, c.strings),
    "repair issues": lambda c: check_issue_strings(c.keys, c.strings),
    "flow steps, menus, fields, errors, aborts": lambda c: check_flow_strings(c.keys, c.strings),
    "field descriptions": lambda c: check_data_descriptions(c.strings),
    "selectors": lambda c: check_selector_strings(c.keys, c.strings),
    "actions": lambda c: check_services(c.keys, c.services, c.strings, c.icons),
    "placeholders the code gives": lambda c: check_placeholders_given(
        collect_placeholder_uses(c.index), c.strings
    ),
    "application credentials": lambda c: check_credentials_description(c.index, c.strings),
}


@pytest.mark.parametrize("check", sorted(CODE_CHECKS))
def test_every_key_the_code_uses_has_english_text(check: str, context: QualityContext) -> None:
    """Every translation key found in the code (literal or module constant) has its text."""
    assert context.keys.entities, "no entity translation key found: the code index is empty"
    assert CODE_CHECKS[check](context) == []


def test_keys_computed_at_run_time_have_english_text(context: QualityContext) -> None:
    """What the static index cannot see: trigger types, the computed TVOC key, `common` texts."""
    from custom_components.minerva_iot.device_trigger import TRIGGER_TYPES
    from custom_components.minerva_iot.milesight.descriptions import (
        CONNECTIVITY_DESCRIPTION,
        sensor_description,
    )
    from custom_components.minerva_iot.milesight.device_events import GROUP_TYPES
    from custom_components.minerva_iot.milesight.event import EVENT_DESCRIPTIONS
    from custom_components.minerva_iot.milesight.keys import RULES, TRANSLATION_KEYS, resolve
    from custom_components.minerva_iot.milesight.models import DeviceState
    from custom_components.minerva_iot.milesight.selftest import WEBHOOK_TEST_PASSED_KEY

    strings = context.strings
    assert TRIGGER_TYPES
    for trigger in TRIGGER_TYPES:
        assert strings["device_automation"]["trigger_type"][trigger].strip(), trigger
    tvoc = sensor_description(resolve(DeviceState(sn="X"), "tvoc"))
    assert tvoc is not None
    assert tvoc.translation_key is not None
    assert strings["entity"]["sensor"][tvoc.translation_key]["name"]
    assert context.icons["entity"]["sensor"][tvoc.translation_key]["default"].startswith("mdi:")
    # Names of catalogue keys and of the generic key rules (tables in milesight/keys.py).
    entities = strings["entity"]
    for key in {
        *TRANSLATION_KEYS.values(),
        *(r.translation_key for r in RULES if r.translation_key),
    }:
        assert entities["sensor"].get(key) or entities["binary_sensor"].get(key), key
    # Every event type an event entity can show (milesight/device_events.py).
    for description in EVENT_DESCRIPTIONS:
        states = entities["event"][description.key]["state_attributes"]["event_type"]["state"]
        assert set(GROUP_TYPES[description.group]) <= set(states), description.key
    # Sensors named by their device class carry no translation key (and so no own text).
    assert CONNECTIVITY_DESCRIPTION.translation_key is None
    # The webhook test's success notification is a `common` text, not an exception message.
    assert strings["common"][WEBHOOK_TEST_PASSED_KEY].strip()
    assert WEBHOOK_TEST_PASSED_KEY not in strings["exceptions"]


def test_no_form_field_without_code(context: QualityContext) -> None:
    """A form's fields in strings.json are the fields its schema in the code has."""
    for section, flow in context.keys.flows.items():
        assert flow.fields, f"no {section} form field found in the code"
        for step, fields in flow.fields.items():
            texts = context.strings[section]["step"][step]
            assert set(texts.get("data", {})) == fields, f"{section}.step.{step}"
            assert set(texts.get("data_description", {})) == fields, f"{section}.step.{step}"


def test_ttlock_texts_name_the_right_account() -> None:
    """The two TTLock accounts are easily confused: the texts say which one is meant where."""
    english = _english()
    assert "developer" in english["config"]["error"]["invalid_auth"]
    assert "mobile app" in english["config"]["step"]["ttlock_login"]["description"]
    assert "{portal_url}" in english["application_credentials"]["description"]


# --- the language files ----------------------------------------------------------------------


def test_the_shipped_languages_are_there() -> None:
    """Exactly the languages of issue 17 have a file (no check below passes on nothing)."""
    found = set(language_files())
    assert check_languages(found) == []
    assert found == {"en", "de", "fr", "es", "it", "nl", "pl", "pt-BR", "zh-Hans", "zh-Hant"}


def test_en_json_equals_strings_json(context: QualityContext) -> None:
    """translations/en.json is what a custom integration loads; strings.json is its source."""
    assert context.english, "translations/en.json is missing or empty"
    assert context.strings == context.english, "run scripts/sync_translations"


@pytest.mark.parametrize("language", sorted(LANGUAGES - {"en"}))
def test_language_file(language: str) -> None:
    """Valid JSON; the keys of strings.json; same placeholders and line breaks; translated."""
    translated, problems = read_json(PACKAGE / "translations" / f"{language}.json")
    assert problems == []
    assert check_language(language, _english(), translated) == []


def test_no_url_and_no_key_reference_in_any_text() -> None:
    """URLs go in placeholders (hassfest's rule), and `[%key:...%]` stays unresolved here."""
    english = _english()
    files = {"strings.json": english}
    for path in language_files().values():
        files[path.name], problems = read_json(path)
        assert problems == []
    assert len(files) == len(LANGUAGES) + 1
    assert check_no_urls(files) == []
    for tree in files.values():
        assert check_no_key_references(tree) == []
        assert check_icu_quotes(tree) == []


# --- the checks fail on bad input ------------------------------------------------------------

ENGLISH: dict[str, Any] = {
    "config": {
        "step": {
            "user": {
                "title": "Connect {name}",
                "description": "Open the console:\n\n{webhook_url}\n\nThen press Test.",
            }
        },
        "error": {"invalid_auth": "Wrong password", "unknown": "Unexpected error"},
    },
    "entity": {"sensor": {"tvoc": {"name": "TVOC"}, "o3": {"name": "Ozone"}}},
}
GOOD: dict[str, Any] = {
    "config": {
        "step": {
            "user": {
                "title": "{name} verbinden",
                "description": "Öffne die Konsole:\n\n{webhook_url}\n\nDrücke dann „Test“.",
            }
        },
        "error": {"invalid_auth": "Falsches Passwort", "unknown": "Unerwarteter Fehler"},
    },
    "entity": {"sensor": {"tvoc": {"name": "TVOC"}, "o3": {"name": "Ozon"}}},
}
BROKEN: dict[str, Any] = {
    "config": {
        "step": {
            "user": {
                "title": "{nom} verbinden",  # placeholder name translated
                "description": "Öffne die Konsole: {webhook_url}, drücke dann „Test“.",  # lines
            }
        },
        "error": {"invalid_auth": "Wrong password", "unknown": ""},  # English, empty
        "abort": {"gone": "Not in strings.json"},  # extra
    },
    "entity": {"sensor": {"tvoc": {"name": "TVOC"}, "o3": {"name": 3}}},  # not a text
}


def test_checks_catch_a_broken_translation() -> None:
    """Each check reports its planted fault by key, and accepts the repaired file."""
    assert check_keys(ENGLISH, BROKEN) == [
        "extra config.abort.gone",
        "config.error.unknown is empty",
        "entity.sensor.o3.name is not a text",
    ]
    missing = {"config": {"step": {"user": {"title": "{name}"}}}}
    assert check_keys(ENGLISH, missing) == [
        "missing config.step.user.description",
        "missing config.error.invalid_auth",
        "missing config.error.unknown",
        "missing entity.sensor.tvoc.name",
        "missing entity.sensor.o3.name",
    ]
    assert check_keys(ENGLISH, ["not", "an", "object"]) == ["the file is not a JSON object"]
    assert check_placeholders(ENGLISH, BROKEN) == [
        "config.step.user.title: placeholders ['nom'] instead of ['name'] "
        "(missing ['name']) (unknown ['nom'])"
    ]
    assert check_line_breaks(ENGLISH, BROKEN) == [
        "config.step.user.description: 0 line breaks instead of 4"
    ]
    # "TVOC" is allowlisted for every language, "Ozone" only where the word is the same (fr).
    assert check_translated(ENGLISH, BROKEN, "de") == [
        "config.error.invalid_auth is still English: 'Wrong password'"
    ]
    same = {"entity": {"sensor": {"tvoc": {"name": "TVOC"}, "o3": {"name": "Ozone"}}}}
    assert check_translated(ENGLISH, same, "fr") == []
    assert check_translated(ENGLISH, same, "de") == [
        "entity.sensor.o3.name is still English: 'Ozone'"
    ]
    referenced = {"config": {"abort": {"x": "[%key:common::config_flow::abort::reauth%]"}}}
    assert check_no_key_references(referenced) == [
        "config.abort.x uses [%key:common::config_flow::abort::reauth%]"
    ]
    quoted = {"issues": {"x": {"description": "Vérifiez l'{account}."}}}
    assert check_icu_quotes(quoted) == [
        "issues.x.description has an apostrophe right before a placeholder"
    ]
    assert check_icu_quotes({"a": "l'application de {account}"}) == []
    assert len(check_language("de", ENGLISH, BROKEN)) == 6
    assert check_language("de", ENGLISH, GOOD) == []
    assert check_language("en", ENGLISH, GOOD) == ["en.json differs from strings.json"]
    assert check_language("en", ENGLISH, ENGLISH) == []


def test_language_set_and_files_checks_bite(tmp_path: Path) -> None:
    """A missing or unknown language, invalid JSON and an incomplete file are reported."""
    assert check_languages(LANGUAGES) == []
    assert check_languages((LANGUAGES - {"zh-Hant"}) | {"klingon"}) == [
        "no translations/zh-Hant.json",
        "translations/klingon.json is not a shipped language",
    ]
    (tmp_path / "en.json").write_text("{}", encoding="utf-8")
    (tmp_path / "de.json").write_text('{"config": {', encoding="utf-8")
    (tmp_path / "fr.json").write_text(
        '{"config": {"step": {"user": {"title": "Connecter {nom}"}}}, "extra": "x"}',
        encoding="utf-8",
    )
    tree, problems = read_json(tmp_path / "de.json")
    assert tree is None
    assert problems[0].startswith("de.json: not valid JSON")
    report, failed = sync_report(ENGLISH, tmp_path)
    assert failed
    lines = report.splitlines()
    assert lines[0].startswith("de: de.json: not valid JSON")
    assert lines[1] == "fr: 5 missing, 1 extra, 1 with other placeholders"
    assert "  missing config.error.unknown: 'Unexpected error'" in lines
    assert "  extra   extra" in lines
    assert any(line.startswith("  placeholders config.step.user.title") for line in lines)
    assert "no translations/zh-Hans.json" in lines
    good = tmp_path / "good"
    good.mkdir()
    for language in LANGUAGES:
        text = ENGLISH if language == "en" else GOOD
        (good / f"{language}.json").write_text(json.dumps(text), encoding="utf-8")
    report, failed = sync_report(ENGLISH, good)
    assert not failed, report
