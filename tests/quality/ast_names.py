"""Names in the syntax tree: callee names, keywords, platforms of Home Assistant classes."""

from __future__ import annotations

import ast
import re

from homeassistant import const as ha_const
from homeassistant.const import Platform

PLATFORMS = frozenset(platform.value for platform in Platform)


# `CONF_*`/`ATTR_*` names imported from homeassistant.const, so `vol.Required(CONF_CLIENT_ID)`
# resolves to "client_id".
HA_CONSTANTS = {
    name: value
    for name, value in vars(ha_const).items()
    if name.isupper() and isinstance(value, str)
}


# Home Assistant entity bases that do not end in "Entity".
_EXTRA_ENTITY_BASES = {"RestoreSensor": "sensor", "RestoreNumber": "number"}


# Absolute imports of the package's own modules.
PACKAGE_IMPORT = "custom_components.minerva_iot"


COLLECTION_CALLS = {"frozenset", "tuple", "list", "set"}


def snake_case(name: str) -> str:
    """`BinarySensorEntity` -> `binary_sensor_entity`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def platform_of_external_base(name: str) -> str | None:
    """The platform of a Home Assistant entity or description class name, e.g. `LockEntity` -> lock."""
    if name in _EXTRA_ENTITY_BASES:
        return _EXTRA_ENTITY_BASES[name]
    for suffix in ("EntityDescription", "Entity"):
        if name.endswith(suffix) and name != suffix:
            candidate = snake_case(name.removesuffix(suffix))
            return candidate if candidate in PLATFORMS else None
    return None


def is_external_entity_base(name: str) -> bool:
    """True for Home Assistant entity classes (`Entity`, `SensorEntity`, `CoordinatorEntity`...)."""
    return name in _EXTRA_ENTITY_BASES or (
        name.endswith("Entity") and not name.endswith("EntityDescription")
    )


def call_name(call: ast.Call) -> str:
    """Last dotted part of the callee: `ir.async_create_issue(...)` -> `async_create_issue`."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value node of keyword argument `name`, if given."""
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Subscript):  # CoordinatorEntity[MyCoordinator]
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""
