"""What differed between two run records: config, code of which nodes, inputs, versions, Git."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

Differences = dict[str, list[str]]  # section -> one line per difference


def diff_records(a: Mapping[str, Any], b: Mapping[str, Any]) -> Differences:
    """Sections with differences only, in a fixed order; empty when the runs agree."""
    found: Differences = {
        "outputs": _values({"requested": a["outputs"]}, {"requested": b["outputs"]}),
        "config": _values(a["config"], b["config"]),
        "code": _code(a["nodes"], b["nodes"]),
        "sources": _sources(a["sources"], b["sources"]),
        "inputs": _inputs(a["inputs"], b["inputs"]) + _inputs(a["overrides"], b["overrides"], "override "),
        "packages": _values(a["packages"], b["packages"]),
        "versions": _values({"python": a["python"], "sideflow": a["sideflow"],
                             "platform": a["host"]["platform"]},
                            {"python": b["python"], "sideflow": b["sideflow"],
                             "platform": b["host"]["platform"]}),
        "git": _git(a["git"], b["git"]),
        "results": _values({"status": a["status"]}, {"status": b["status"]})
        + _inputs(a.get("results", {}), b.get("results", {}),
                  only=("computed only in the first run", "computed only in the second run")),
    }
    return {section: lines for section, lines in found.items() if lines}


def format_differences(found: Differences) -> str:
    if not found:
        return "no differences: same config, code, inputs, package versions and Git state\n"
    return "".join(f"{section}:\n" + "".join(f"  {line}\n" for line in lines)
                   for section, lines in found.items())


def _show(value: Any) -> str:
    return json.dumps(value, sort_keys=True) if not isinstance(value, str) else value


def _values(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    lines = []
    for key in dict.fromkeys([*a, *b]):
        if key not in b:
            lines.append(f"{key}: {_show(a[key])} -> (absent)")
        elif key not in a:
            lines.append(f"{key}: (absent) -> {_show(b[key])}")
        elif a[key] != b[key]:
            lines.append(f"{key}: {_show(a[key])} -> {_show(b[key])}")
    return lines


def _code(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    lines = []
    for name in dict.fromkeys([*a, *b]):
        if name not in b:
            lines.append(f"{name}: removed (was {a[name]['location']})")
        elif name not in a:
            lines.append(f"{name}: added ({b[name]['location']})")
        elif a[name]["code"] != b[name]["code"]:
            parts = _changed_parts(a[name].get("code_parts"), b[name].get("code_parts"))
            lines.append(f"{name} ({b[name]['location']}): code changed" + (f": {parts}" if parts else ""))
    return lines


def _changed_parts(a: list[list[str]] | None, b: list[list[str]] | None) -> str:
    """Which components of a node's code fingerprint differ (its function, a helper, a value)."""
    if not a or not b:
        return ""
    old = {what: digest for what, _, digest in a}
    new = {what: digest for what, _, digest in b}
    changed = [w for w in dict.fromkeys([*old, *new]) if old.get(w) != new.get(w)]
    return ", ".join(changed)


def _sources(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[str]:
    """Compared by path, shown by label (the file's name) unless two labels collide."""
    old = {s["file"] or s["label"]: s for s in a}
    new = {s["file"] or s["label"]: s for s in b}
    paths: dict[str, set[str]] = {}
    for key, source in (*old.items(), *new.items()):
        paths.setdefault(source["label"], set()).add(key)
    lines = []
    for key in dict.fromkeys([*old, *new]):
        label = (new.get(key) or old[key])["label"]
        shown = label if len(paths[label]) == 1 else key
        if key not in new:
            lines.append(f"{shown}: not a source any more")
        elif key not in old:
            lines.append(f"{shown}: a new source")
        elif old[key]["sha256"] != new[key]["sha256"]:
            lines.append(f"{shown}: file content changed")
    return lines


def _inputs(
    a: Mapping[str, Any], b: Mapping[str, Any], prefix: str = "", only: tuple[str, str] | None = None
) -> list[str]:
    """Values compared by type and fingerprint (inputs, overrides, results)."""
    lines = []
    first, second = only or ("given only in the first run", "given only in the second run")
    for name in dict.fromkeys([*a, *b]):
        if name not in b:
            lines.append(f"{prefix}{name}: {first}")
        elif name not in a:
            lines.append(f"{prefix}{name}: {second}")
        elif a[name]["type"] != b[name]["type"]:
            lines.append(f"{prefix}{name}: type {a[name]['type']} -> {b[name]['type']}")
        elif a[name]["fingerprint"] is None or b[name]["fingerprint"] is None:
            why = a[name].get("unfingerprintable") or b[name].get("unfingerprintable") or "no fingerprint"
            lines.append(f"{prefix}{name}: cannot tell whether it changed ({why})")
        elif a[name]["fingerprint"] != b[name]["fingerprint"]:
            lines.append(f"{prefix}{name}: content changed")
    return lines


def _git(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[str]:
    old = {g["root"]: g for g in a}
    new = {g["root"]: g for g in b}
    lines = []
    for root in dict.fromkeys([*old, *new]):
        first, second = old.get(root), new.get(root)
        if first is None or second is None:
            lines.append(f"{root}: a repository only in the {'second' if first is None else 'first'} run")
            continue
        if first.get("commit") != second.get("commit"):
            lines.append(f"{root}: commit {_short(first.get('commit'))} -> {_short(second.get('commit'))}")
        dirty_a, dirty_b = first.get("dirty_files", {}), second.get("dirty_files", {})
        if first.get("dirty") != second.get("dirty"):
            lines.append(f"{root}: {'dirty' if first.get('dirty') else 'clean'} -> "
                         f"{'dirty' if second.get('dirty') else 'clean'}")
        for path in dict.fromkeys([*dirty_a, *dirty_b]):
            one, two = dirty_a.get(path) or {}, dirty_b.get(path) or {}
            if one.get("sha256") != two.get("sha256") or one.get("note") != two.get("note"):
                lines.append(f"{root}: uncommitted {path} differs")
            elif one.get("sha256") is None and str(one.get("note", "")).startswith("not hashed"):
                lines.append(f"{root}: uncommitted {path}: cannot tell whether it differs ({one['note']})")
    return lines


def _short(commit: str | None) -> str:
    return commit[:10] if commit else "(none)"
