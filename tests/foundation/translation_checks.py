"""Checks of the translation files against strings.json, in plain Python (no Home Assistant).

strings.json is the English source; translations/en.json is its copy that a custom integration
actually loads, and translations/<language>.json hold the other languages. Home Assistant gives
custom integrations no `[%key:...%]` substitution and no translation service: each file must be
complete and written out in full, with exactly the `{placeholders}` of the English text.

Every check returns a list of human-readable problems (empty = fine), so the tests show all
problems at once and the negative tests can prove that each check fails on bad input.

Run as a script (scripts/sync_translations does) it prints, per language, the keys missing from
or extra in its file and the strings whose placeholders differ; `--check` exits 1 on any of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
import json
from pathlib import Path
import re
import sys
from typing import Any

PACKAGE = Path(__file__).resolve().parents[2] / "custom_components" / "minerva_iot"
TRANSLATIONS = PACKAGE / "translations"

# The languages the integration ships (issue 17). A file appearing or disappearing fails the tests.
LANGUAGES = frozenset({"en", "de", "fr", "es", "it", "nl", "pl", "pt-BR", "zh-Hans", "zh-Hant"})

# `{name}` placeholders; anything between braces counts, so a translated name is a difference.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
KEY_REFERENCE = re.compile(r"\[%key:[^%]*%\]")
# The frontend formats texts as ICU messages: an apostrophe right before `{` starts a quoted
# literal and the placeholder is shown raw ("l'{name}" renders "l{name}").
ICU_QUOTE = re.compile(r"'\{")

# English texts a language may keep as they are: proper names and abbreviations, and words the
# language writes like English. Keep this short: everything else must be translated.
SAME_AS_ENGLISH: dict[str, frozenset[str]] = {
    "*": frozenset({"TVOC", "TTLock", "Milesight", "URL", "API", "OAuth", "Webhook"}),
    "de": frozenset({"Alarm", "Name", "Region"}),
    "es": frozenset({"No"}),
    "fr": frozenset({"Ozone"}),
    "it": frozenset({"Password", "No"}),
    "nl": frozenset({"Alarm", "Formaldehyde"}),
}


def read_json(path: Path) -> tuple[Any, list[str]]:
    """The parsed file, or None and the reason it is not valid JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8")), []
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return None, [f"{path.name}: not valid JSON ({err})"]


def language_files(directory: Path = TRANSLATIONS) -> dict[str, Path]:
    """translations/<language>.json by language code."""
    return {path.stem: path for path in sorted(directory.glob("*.json"))}


def check_languages(found: set[str] | frozenset[str]) -> list[str]:
    """Exactly the shipped languages have a file (the checks must not pass on nothing)."""
    problems = [f"no translations/{lang}.json" for lang in sorted(LANGUAGES - set(found))]
    problems += [
        f"translations/{lang}.json is not a shipped language"
        for lang in sorted(set(found) - LANGUAGES)
    ]
    return problems


def leaves(tree: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key, value) of every leaf; an empty dict is a leaf too."""
    if isinstance(tree, Mapping) and tree:
        for key, value in tree.items():
            yield from leaves(value, f"{path}.{key}" if path else str(key))
    else:
        yield path, tree


def placeholders(text: str) -> set[str]:
    """Names of the `{placeholders}` of a text."""
    return set(PLACEHOLDER.findall(text))


def check_keys(english: Mapping[str, Any], translated: Any) -> list[str]:
    """The file has exactly the keys of strings.json, and a non-empty text at each of them."""
    if not isinstance(translated, Mapping):
        return ["the file is not a JSON object"]
    wanted = dict(leaves(english))
    found = dict(leaves(translated))
    problems = [f"missing {key}" for key in wanted if key not in found]
    problems += [f"extra {key}" for key in found if key not in wanted]
    problems += [
        f"{key} is not a text" if not isinstance(value, str) else f"{key} is empty"
        for key, value in found.items()
        if key in wanted and (not isinstance(value, str) or not value.strip())
    ]
    return problems


def _common_texts(english: Mapping[str, Any], translated: Any) -> Iterator[tuple[str, str, str]]:
    if not isinstance(translated, Mapping):
        return
    found = dict(leaves(translated))
    for key, source in leaves(english):
        text = found.get(key)
        if isinstance(source, str) and isinstance(text, str):
            yield key, source, text


def check_placeholders(english: Mapping[str, Any], translated: Any) -> list[str]:
    """Each text has the same set of `{placeholders}` as its English source."""
    problems: list[str] = []
    for key, source, text in _common_texts(english, translated):
        want, have = placeholders(source), placeholders(text)
        if want != have:
            problems.append(
                f"{key}: placeholders {sorted(have)} instead of {sorted(want)}"
                + (f" (missing {sorted(want - have)})" if want - have else "")
                + (f" (unknown {sorted(have - want)})" if have - want else "")
            )
    return problems


def check_line_breaks(english: Mapping[str, Any], translated: Any) -> list[str]:
    """Markdown structure stays: as many line breaks as the English (lists, the URL's own line)."""
    return [
        f"{key}: {text.count(chr(10))} line breaks instead of {source.count(chr(10))}"
        for key, source, text in _common_texts(english, translated)
        if source.count("\n") != text.count("\n")
    ]


def check_translated(english: Mapping[str, Any], translated: Any, language: str) -> list[str]:
    """No text is left in English, unless SAME_AS_ENGLISH allows it for this language."""
    allowed = SAME_AS_ENGLISH["*"] | SAME_AS_ENGLISH.get(language, frozenset())
    return [
        f"{key} is still English: {source!r}"
        for key, source, text in _common_texts(english, translated)
        if text.strip().casefold() == source.strip().casefold() and source not in allowed
    ]


def check_no_key_references(tree: Any) -> list[str]:
    """No `[%key:...%]` reference: custom integrations get no substitution, the user sees it."""
    return [
        f"{key} uses {KEY_REFERENCE.search(value).group(0)}"  # type: ignore[union-attr]
        for key, value in leaves(tree)
        if isinstance(value, str) and KEY_REFERENCE.search(value)
    ]


def check_icu_quotes(tree: Any) -> list[str]:
    """No apostrophe directly before a placeholder (ICU quoting would show `{name}` raw)."""
    return [
        f"{key} has an apostrophe right before a placeholder"
        for key, value in leaves(tree)
        if isinstance(value, str) and ICU_QUOTE.search(value)
    ]


def check_language(language: str, english: Mapping[str, Any], translated: Any) -> list[str]:
    """Every check of one language file against strings.json (en.json: the copy must be equal)."""
    if language == "en":
        return [] if translated == english else ["en.json differs from strings.json"]
    return [
        *check_keys(english, translated),
        *check_placeholders(english, translated),
        *check_line_breaks(english, translated),
        *check_translated(english, translated, language),
        *check_no_key_references(translated),
        *check_icu_quotes(translated),
    ]


def sync_report(english: Mapping[str, Any], directory: Path = TRANSLATIONS) -> tuple[str, bool]:
    """The developer's report: per language, missing and extra keys and differing placeholders.

    Returns the text and whether anything is missing, extra, unreadable or mismatched.
    """
    lines: list[str] = []
    failed = False
    for language, path in language_files(directory).items():
        if language == "en":
            continue
        tree, problems = read_json(path)
        if problems:
            lines += [f"{language}: {problem}" for problem in problems]
            failed = True
            continue
        if not isinstance(tree, Mapping):
            lines.append(f"{language}: the file is not a JSON object")
            failed = True
            continue
        wanted, found = dict(leaves(english)), dict(leaves(tree))
        missing = [key for key in wanted if key not in found]
        extra = [key for key in found if key not in wanted]
        mismatched = check_placeholders(english, tree)
        if not (missing or extra or mismatched):
            lines.append(f"{language}: complete ({len(found)} strings)")
            continue
        failed = True
        lines.append(
            f"{language}: {len(missing)} missing, {len(extra)} extra, "
            f"{len(mismatched)} with other placeholders"
        )
        lines += [f"  missing {key}: {wanted[key]!r}" for key in missing]
        lines += [f"  extra   {key}" for key in extra]
        lines += [f"  placeholders {problem}" for problem in mismatched]
    for problem in check_languages(set(language_files(directory))):
        lines.append(problem)
        failed = True
    return "\n".join(lines), failed


def main(argv: list[str]) -> int:
    """Print the report; with --check, exit 1 when a language file is not complete."""
    english, problems = read_json(PACKAGE / "strings.json")
    if problems:
        print(*problems, sep="\n")
        return 1
    report, failed = sync_report(english)
    print(report)
    return 1 if failed and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
