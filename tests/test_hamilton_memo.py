"""Hamilton's resolution is reused only for the very same question; any doubt asks again."""

from __future__ import annotations

from typing import Any

import pytest

import sideflow
from sideflow import hamilton_memo

fm = pytest.importorskip("hamilton.function_modifiers")


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from hamilton.function_modifiers import base

    calls: list[str] = []
    real = base.resolve_nodes

    def counted(fn: Any, config: dict[str, Any]) -> Any:
        calls.append(fn.__name__)
        return real(fn, config)

    monkeypatch.setattr(base, "resolve_nodes", counted)
    hamilton_memo.forget()
    return calls


def test_an_unchanged_function_and_config_are_resolved_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)

    @fm.resolve(when=fm.ResolveAt.CONFIG_AVAILABLE,
                decorate_with=lambda fields: fm.extract_fields({f: int for f in fields}))
    def numbers(fields: list) -> dict:
        return {f: i for i, f in enumerate(fields)}

    fields = ["a", "b"]
    config = {"fields": fields, "hamilton.enable_power_user_mode": True}
    assert set(sideflow.Dataflow([numbers], config=config).nodes) == {"numbers", "a", "b"}
    sideflow.Dataflow([numbers], config=config)
    assert calls == ["numbers"]
    fields.append("c")  # the same list, changed in place: a different question
    assert set(sideflow.Dataflow([numbers], config=config).nodes) == {"numbers", "a", "b", "c"}
    assert calls == ["numbers", "numbers"]


def test_new_decorators_or_a_custom_modifier_are_never_served_from_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting(monkeypatch)

    @fm.extract_fields({"a": int})
    def pair() -> dict:
        return {"a": 1, "b": 2}

    sideflow.Dataflow([pair])
    fm.tag(owner="x")(pair)  # another decorator attached later
    assert sideflow.Dataflow([pair]).nodes["a"].tags["owner"] == "x"
    assert calls == ["pair", "pair"]

    class mine(fm.base.NodeDecorator):
        def decorate_node(self, node_: Any) -> Any:
            return node_

    @mine(target=...)
    def plain() -> int:
        return 1

    sideflow.Dataflow([plain])
    sideflow.Dataflow([plain])
    assert calls.count("plain") == 2
