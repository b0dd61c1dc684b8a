"""Catalogue of Milesight devices: how each model's decoded keys should look in Home Assistant.

Data, not code: one JSON file per family next to this module (schema in README.md), built from
Milesight's own decoders (``Milesight-IoT/SensorDecoders``; every row names its decoder file).
Pure Python and ``json``: no Home Assistant import, so it is testable on its own and usable by
the simulator.

Where it sits in the lookup order: a device's thing model (TSL) when the API gives one, then this
catalogue by ``deviceProfile.model``, then the generic key rules, then a plain sensor.

Loading reads about a megabyte of JSON once per process: call :func:`load` from an executor
(e.g. at entry set-up) before the first :func:`lookup` from the event loop.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
import functools
import json
from pathlib import Path
import re
from typing import Any, Final

_DIRECTORY: Final = Path(__file__).parent

KINDS: Final = frozenset({"sensor", "binary_sensor", "event", "diagnostic", "ignore"})
_ROW_FIELDS: Final = (
    "unit",
    "device_class",
    "state_class",
    "entity_category",
    "values",
    "codes",
    "writable",
    "name",
    "unconfirmed",
)
# Names Milesight's thing models (MDP) use for settings the decoders spell differently
# (reference §5.3). MDP gives reporting_interval in seconds (its EM320-TH properties page).
MDP_ALIASES: Final[Mapping[str, str]] = {
    "reporting_interval": "report_interval",
    "collecting_interval": "collection_interval",
    "retransmission_enable": "retransmit_enable",
    "retransmission_interval": "retransmit_interval",
}
_MDP_SECONDS: Final = frozenset({"reporting_interval", "collecting_interval"})
_INDEX = re.compile(r"\[(\d+)\]|\.(\d+)(?=\.|$)")
_SEPARATORS: Final = ("-", " ", "/", "(", "_")


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """What the catalogue says about one key of one model.

    ``values`` maps a decoded label (``"alarm"``) to what Home Assistant shows: ``True``/``False``
    for binary sensors, an option for enum sensors, an event type (or ``None``: no event) for
    events. ``codes`` maps the raw number an older decoder or a thing model may send (``"1"``)
    to that label. ``ambiguous`` is set when firmware generations of the model disagree about
    the key and the firmware given could not choose: units may then be wrong.
    """

    model: str
    key: str
    kind: str
    source: str
    enabled_default: bool = True
    generation: str | None = None
    unit: str | None = None
    device_class: str | None = None
    state_class: str | None = None
    entity_category: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    codes: Mapping[str, str] = field(default_factory=dict)
    writable: bool = False
    name: str | None = None
    unconfirmed: str | None = None
    index: str | None = None
    ambiguous: bool = False

    @property
    def options(self) -> tuple[str, ...]:
        """Options of an enum sensor (or event types of an event), in catalogue order."""
        if self.device_class != "enum" and self.kind != "event":
            return ()
        return tuple(dict.fromkeys(str(v) for v in self.values.values() if v is not None))

    @property
    def event_types(self) -> tuple[str, ...]:
        """Event types an event key can fire."""
        return self.options if self.kind == "event" else ()

    def label(self, raw: Any) -> str | None:
        """The decoder's label of a raw value (numbers through ``codes``)."""
        if raw is None:
            return None
        if isinstance(raw, bool) or (isinstance(raw, float) and raw.is_integer()):
            text = str(int(raw))
        else:
            text = str(raw)
        if text in self.values:
            return text
        if text in self.codes:
            return self.codes[text]
        lowered = {label.lower(): label for label in self.values}
        return lowered.get(text.strip().lower())

    def map_value(self, raw: Any) -> Any:
        """What Home Assistant shows for a raw value; the raw value when no map applies."""
        if not self.values:
            return raw
        label = self.label(raw)
        return self.values[label] if label is not None else None


@dataclass(frozen=True, slots=True)
class _Row:
    key: str
    pattern: re.Pattern[str] | None
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ModelEntry:
    """One decoder of a model (a firmware generation, or a regional build)."""

    model: str
    family: str
    decoder: str
    generation: str | None
    aliases: tuple[str, ...]
    firmware_major_at_least: int | None
    commands: frozenset[str]
    rows: tuple[_Row, ...]
    file: str

    def row_for(self, key: str) -> tuple[_Row, str | None] | None:
        """The row of a normalised key and the number a pattern matched."""
        for row in self.rows:
            if row.pattern is None:
                if row.key == key:
                    return row, None
            elif match := row.pattern.fullmatch(key):
                return row, next((group for group in match.groups() if group), None)
        if key in self.commands:
            return _Row(key, None, {"kind": "ignore", "source": self.decoder}), None
        return None


def _compile(key: str) -> re.Pattern[str] | None:
    if "{n}" not in key and not key.endswith(".*"):
        return None
    text = re.escape(key).replace(r"\{n\}", r"(\d+)")
    if text.endswith(r"\.\*"):
        text = text[: -len(r"\.\*")] + r"\..+"
    return re.compile(text)


def normalise_model(model: str) -> str:
    """Upper case, separators unified: ``"ws523 868m"`` → ``"WS523-868M"``."""
    return re.sub(r"[\s_]+", "-", model.strip()).upper()


def normalise_key(key: str) -> str:
    """Array positions as the thing model writes them: ``history[0].temperature`` and
    ``history.0.temperature`` → ``history._item.temperature``."""
    return _INDEX.sub("._item", key)


def _firmware_major(firmware: str | None) -> int | None:
    if not firmware:
        return None
    match = re.search(r"(\d+)", firmware)
    return int(match.group(1)) if match else None


@dataclass(slots=True)
class Catalogue:
    """Every catalogued decoder, indexed by model name, alias and family."""

    entries: list[ModelEntry] = field(default_factory=list)
    by_name: dict[str, list[ModelEntry]] = field(default_factory=dict)
    by_family: dict[str, list[ModelEntry]] = field(default_factory=dict)

    def add(self, entry: ModelEntry) -> None:
        """Index one decoder."""
        self.entries.append(entry)
        self.by_name.setdefault(normalise_model(entry.model), []).append(entry)
        for alias in entry.aliases:
            self.by_name.setdefault(normalise_model(alias), []).insert(0, entry)
        self.by_family.setdefault(entry.family.upper(), []).append(entry)

    def resolve(self, model: str) -> tuple[str, list[ModelEntry]] | None:
        """How a reported model string matches (``exact``, ``prefix`` or ``family``), and
        the decoders it matches: see README.md "Model matching"."""
        name = normalise_model(model)
        if not name:
            return None
        if name in self.by_name:
            return "exact", self.by_name[name]
        prefixes = [
            known
            for known in self.by_name
            if name.startswith(known) and name[len(known)] in _SEPARATORS
        ]
        if prefixes:
            return "prefix", self.by_name[max(prefixes, key=len)]
        for family, members in self.by_family.items():
            if _family_matches(family, name):
                return "family", members
        return None


def _family_matches(family: str, name: str) -> bool:
    """``WS52X`` matches ``WS526`` and ``WS526-868M``; ``AM319`` matches ``AM319`` and
    ``AM319-X``: ``x`` stands for one letter or digit."""
    pattern = "".join("[0-9A-Z]" if char == "X" else re.escape(char) for char in family)
    return re.fullmatch(pattern + r"(?:[-\s/(_].*)?", name) is not None


def _read_file(path: Path) -> list[ModelEntry]:
    document = json.loads(path.read_text(encoding="utf-8"))
    entries = []
    for model in document["models"]:
        select = model.get("select") or {}
        rows = tuple(_Row(row["key"], _compile(row["key"]), row) for row in model["keys"])
        entries.append(
            ModelEntry(
                model=model["model"],
                family=model["family"],
                decoder=model["decoder"],
                generation=model.get("generation"),
                aliases=tuple(model.get("aliases", ())),
                firmware_major_at_least=select.get("firmware_major_at_least"),
                commands=frozenset(model.get("commands", ())),
                rows=rows,
                file=path.name,
            )
        )
    return entries


@functools.cache
def load() -> Catalogue:
    """Read every family file once (blocking file I/O: call it from an executor first)."""
    catalogue = Catalogue()
    for path in sorted(_DIRECTORY.glob("*.json")):
        for entry in _read_file(path):
            catalogue.add(entry)
    return catalogue


def _preferred(members: list[ModelEntry], firmware: str | None) -> list[ModelEntry]:
    """Members in the order a lookup should try them for this firmware.

    A generation with ``firmware_major_at_least`` is preferred when the firmware's major
    version reaches it (the newest such first); the other members keep file order.
    """
    major = _firmware_major(firmware)
    chosen = sorted(
        (
            member
            for member in members
            if member.firmware_major_at_least is not None
            and major is not None
            and major >= member.firmware_major_at_least
        ),
        key=lambda member: member.firmware_major_at_least or 0,
        reverse=True,
    )
    base = [member for member in members if member.firmware_major_at_least is None]
    rest = [member for member in members if member not in chosen and member not in base]
    return chosen + base + rest


def _comparable(data: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(
        json.dumps(data.get(name), sort_keys=True)
        for name in ("kind", "unit", "device_class", "state_class", "values")
    )


def _entry(member: ModelEntry, row: _Row, index: str | None, *, ambiguous: bool) -> CatalogueEntry:
    data = row.data
    extra = {name: data[name] for name in _ROW_FIELDS if name in data and data[name] is not None}
    return CatalogueEntry(
        model=member.model,
        key=row.key,
        kind=data["kind"],
        source=data["source"],
        enabled_default=bool(data.get("enabled_default", data["kind"] != "ignore")),
        generation=member.generation,
        index=index,
        ambiguous=ambiguous,
        **extra,
    )


def lookup(model: str | None, key: str, firmware: str | None = None) -> CatalogueEntry | None:
    """The catalogue row of ``key`` (a flattened payload key) for a device of ``model``.

    ``firmware`` (the firmwareVersion MDP reports) chooses between firmware generations of a
    model where their decoders disagree. Family matches (a model not catalogued by name) only
    answer for keys on which every catalogued member of the family agrees. None: not
    catalogued (fall back to the generic key rules).
    """
    if not model:
        return None
    resolved = load().resolve(model)
    if resolved is None:
        return None
    how, members = resolved
    flat = normalise_key(key)
    found = _find(members, flat, firmware, family=how == "family")
    if found is None and flat in MDP_ALIASES:
        aliased = _find(members, MDP_ALIASES[flat], firmware, family=how == "family")
        if aliased is not None:
            note = "MDP spells the decoder's key differently; its thing models give seconds"
            unit = "s" if flat in _MDP_SECONDS else aliased.unit
            return _replace(aliased, key=flat, unit=unit, unconfirmed=note)
    return found


def _replace(entry: CatalogueEntry, **changes: Any) -> CatalogueEntry:
    fields = {name: getattr(entry, name) for name in entry.__dataclass_fields__}
    fields.update(changes)
    return CatalogueEntry(**fields)


def _find(
    members: list[ModelEntry], key: str, firmware: str | None, *, family: bool
) -> CatalogueEntry | None:
    hits = [
        (member, found)
        for member in _preferred(members, firmware)
        if (found := member.row_for(key)) is not None
    ]
    if not hits:
        return None
    # A generation the firmware is too old for is out of the question: it cannot disagree.
    major = _firmware_major(firmware)
    eligible = [
        (member, found)
        for member, found in hits
        if major is None
        or member.firmware_major_at_least is None
        or member.firmware_major_at_least <= major
    ]
    disagree = len({_comparable(found[0].data) for _, found in eligible or hits}) > 1
    if family and disagree:
        return None
    member, (row, index) = hits[0]
    chosen_by_firmware = (
        _firmware_major(firmware) is not None and member.firmware_major_at_least is not None
    )
    return _entry(member, row, index, ambiguous=disagree and not chosen_by_firmware)


def lookup_container(
    model: str | None, key: str, firmware: str | None = None
) -> CatalogueEntry | None:
    """The ``ignore`` row of a container that holds ``key`` (``event[0].temperature`` in a
    decoder's ``event`` list, ``raw[3]``): its members are not readings either.

    Only ``ignore`` rows cover their members: a reading's parts are catalogued one by one.
    """
    if not model or (resolved := load().resolve(model)) is None:
        return None
    how, members = resolved
    parts = normalise_key(key).split(".")
    for end in range(len(parts) - 1, 0, -1):
        found = _find(members, ".".join(parts[:end]), firmware, family=how == "family")
        if found is not None and found.kind == "ignore":
            return _replace(found, key=key)
    return None


def model_entries(model: str, firmware: str | None = None) -> list[ModelEntry]:
    """The decoders a reported model string matches, in the order a lookup tries them."""
    resolved = load().resolve(model)
    return _preferred(resolved[1], firmware) if resolved else []


def is_loaded() -> bool:
    """Whether the family files were read (so a lookup does no file I/O)."""
    return load.cache_info().currsize > 0


def models() -> Iterator[ModelEntry]:
    """Every catalogued decoder, in file order."""
    yield from load().entries


def resolve_model(model: str) -> str | None:
    """The catalogued model name a reported model string matches (None: unknown)."""
    resolved = load().resolve(model)
    return resolved[1][0].model if resolved else None
