"""The per-device update dispatcher shared by both vendors (HA-free)."""

from __future__ import annotations

from collections.abc import Collection

from custom_components.minerva_iot.device_updates import DeviceUpdates


def test_notify_runs_only_the_listeners_of_the_named_devices() -> None:
    """Listeners of other devices are not called; each listener once per notification."""
    updates: DeviceUpdates[str] = DeviceUpdates()
    calls: list[str] = []
    updates.listen("a", lambda: calls.append("a1"))
    updates.listen("a", lambda: calls.append("a2"))
    updates.listen("b", lambda: calls.append("b"))
    updates.notify({"a"})
    assert calls == ["a1", "a2"]
    calls.clear()
    updates.notify(["b", "unknown"])
    assert calls == ["b"]


def test_new_devices_are_announced_before_their_listeners_run() -> None:
    """`listen_new` listeners get the new keys first (so entities exist), then the per-key ones."""
    updates: DeviceUpdates[tuple[str, int]] = DeviceUpdates()
    order: list[object] = []
    lock = ("lock", 7)

    def on_new(keys: Collection[tuple[str, int]]) -> None:
        order.append(sorted(keys))
        updates.listen(lock, lambda: order.append("entity of the new lock"))

    updates.listen_new(on_new)
    updates.notify({lock}, new={lock})
    assert order == [[lock], "entity of the new lock"]
    order.clear()
    updates.notify({lock})  # nothing new: no listen_new call
    assert order == ["entity of the new lock"]


def test_unsubscribe_stops_the_calls_and_forgets_empty_keys() -> None:
    """An unsubscribed listener is not called; a key without listeners is forgotten."""
    updates: DeviceUpdates[int] = DeviceUpdates()
    calls: list[int] = []
    first = updates.listen(1, lambda: calls.append(1))
    second = updates.listen(1, lambda: calls.append(2))
    stop_new = updates.listen_new(lambda keys: calls.extend(keys))
    assert updates.listening(1) == 2
    first()
    updates.notify({1}, new={9})
    assert calls == [9, 2]
    second()
    stop_new()
    assert updates.listening(1) == 0
    assert updates._by_key == {}
    calls.clear()
    updates.notify({1}, new={9})
    assert calls == []


def test_a_listener_may_unsubscribe_while_being_called() -> None:
    """Entities removed during a notification (device deleted) do not break the loop."""
    updates: DeviceUpdates[str] = DeviceUpdates()
    calls: list[str] = []
    unsubscribe = updates.listen("a", lambda: (calls.append("first"), unsubscribe()))
    updates.listen("a", lambda: calls.append("second"))
    updates.notify({"a"})
    updates.notify({"a"})
    assert calls == ["first", "second", "second"]


def test_the_dispatcher_imports_nothing_from_home_assistant() -> None:
    """Vendor-neutral and HA-free: usable from HA-free fleet models too."""
    import ast
    import inspect

    from custom_components.minerva_iot import device_updates

    tree = ast.parse(inspect.getsource(device_updates))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.startswith("homeassistant")}
