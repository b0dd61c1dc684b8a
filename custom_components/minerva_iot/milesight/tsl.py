"""Arrays in thing models and payloads, expanded as Milesight's own MDP client does (HA-free).

Milesight's receiver (`Milesight-IoT/beaver-iot-integrations`, msc-integration `MscTslUtils`)
gives an `ARRAY` property `x` no entity of its own: its element `x._item` and the element's
children `x._item.y` become `x[0]` … `x[n-1]` and `x[i].y`, n the array's `maxSize` (4 when
it has none). Payload arrays are flattened the same way (`{"x": [{"y": 1}, 5]}` → `x[0].y`,
`x[1]`), so each value lands on the key its entity has. An `x._item.y` key itself never gets a
value: it is a template, not a property.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from custom_components.minerva_iot.clients.milesight.models import MAX_PAYLOAD_DEPTH

from .models import PropertyHint

DEFAULT_ARRAY_SIZE: Final = 4
_ITEM: Final = "_item"


def flatten_values(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as `a.b`, array elements as `a[0]` (`a[0].b`, `a[0][1]`).

    Empty objects and arrays are kept as values (they hold no reading and are skipped later).
    Keys that are already flat (`a.b` from the history API) are kept as they are. Levels below
    the client's MAX_PAYLOAD_DEPTH are dropped, as `flatten_payload` drops them.
    """
    flat: dict[str, Any] = {}
    for key, value in data.items():
        _flatten_into(flat, f"{prefix}{key}", value, 0)
    return flat


def _flatten_into(flat: dict[str, Any], key: str, value: Any, depth: int) -> None:
    if isinstance(value, Mapping | list) and value and depth >= MAX_PAYLOAD_DEPTH:
        return
    if isinstance(value, Mapping) and value:
        for sub_key, sub_value in value.items():
            _flatten_into(flat, f"{key}.{sub_key}", sub_value, depth + 1)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            _flatten_into(flat, f"{key}[{index}]", item, depth + 1)
    else:
        flat[key] = value


def is_template_key(key: str) -> bool:
    """`x._item` and `x._item.y`: thing-model array templates, never a payload key."""
    return any(part == _ITEM for part in key.split("."))


def array_positions(key: str) -> list[int]:
    """The array indices in a flattened key (`x[2].y[0]` → [2, 0])."""
    positions: list[int] = []
    for part in key.split("[")[1:]:
        number = part.split("]", 1)[0]
        if number.isdigit():
            positions.append(int(number))
    return positions


def expand_arrays(hints: Mapping[str, PropertyHint]) -> dict[str, PropertyHint]:
    """Thing-model properties with every array template replaced by its `x[i]` elements.

    Outer arrays first, so an array inside an array element is expanded per element. A
    template whose array is missing from the thing model is dropped (it can hold no value).
    """
    result = dict(hints)
    while arrays := sorted(
        (
            key
            for key, hint in result.items()
            if (hint.data_type or "").upper() == "ARRAY"
            and any(other.startswith(f"{key}.{_ITEM}") for other in result)
        ),
        key=len,
    ):
        array = arrays[0]
        template = f"{array}.{_ITEM}"
        members = {
            key: hint
            for key, hint in result.items()
            if key == template or key.startswith(f"{template}.")
        }
        for key in members:
            del result[key]
        size = result[array].max_size or DEFAULT_ARRAY_SIZE
        for index in range(size):
            for key, hint in members.items():
                element = f"{array}[{index}]{key[len(template) :]}"
                result[element] = replace(
                    hint, name=_element_name(result[array].name, index, hint, key == template)
                )
    return {key: hint for key, hint in result.items() if not is_template_key(key)}


def _element_name(
    array_name: str | None, index: int, hint: PropertyHint, is_element: bool
) -> str | None:
    """ "History 2" for an element, "History 2 Temperature" for a member of it."""
    if not array_name:
        return hint.name
    base = f"{array_name} {index + 1}"
    return base if is_element or not hint.name else f"{base} {hint.name}"
