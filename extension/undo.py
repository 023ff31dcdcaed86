"""A rejected call changes nothing: copy an object's plain state, put it back on refusal."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from sideflow.errors import DataflowError, NodeError

_CONTAINERS = (dict, set, list)


class Snapshot:
    """The object's attributes as they are now: containers copied (shallow), records of
    plain data (dataclass instances, such as the staleness tracker) snapshotted in turn,
    the rest kept as is.

    `restore()` refills the same container objects in place, so a reference the user holds
    (`inputs = flow.inputs`) keeps seeing the session's own dict."""

    def __init__(self, owner: Any, skip: Collection[str] = ()) -> None:
        self.owner = owner
        self.saved = {key: _saved(value) for key, value in vars(owner).items() if key not in skip}

    def restore(self) -> None:
        current = vars(self.owner)
        for key, value in self.saved.items():
            now = current.get(key)
            if isinstance(value, Snapshot):
                value.restore()
                current[key] = value.owner
            elif type(value) in _CONTAINERS and type(now) is type(value) and now is not value:
                now.clear()
                (now.extend if isinstance(now, list) else now.update)(value)
            else:
                current[key] = value


def _saved(value: Any) -> Any:
    if type(value) in _CONTAINERS:
        return value.copy()
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and hasattr(value, "__dict__"):
        return Snapshot(value)
    return value


@contextmanager
def undone_if_refused(owner: Any, enabled: bool = True) -> Iterator[None]:
    """Put `owner` back as it was when the block raises a refusal (a DataflowError raised
    before anything ran: unknown names, missing or mistyped inputs). A node's own error
    (NodeError) is a real run: its results and inputs are kept."""
    snapshot = Snapshot(owner, skip=("_widget",)) if enabled else None
    try:
        yield
    except DataflowError as exc:
        if snapshot is not None and not isinstance(exc, NodeError):
            snapshot.restore()
        raise
