"""Byte-bounded text clipping shared by the value and error previews."""

from __future__ import annotations


def clip(text: str, max_bytes: int) -> str:
    """At most `max_bytes` of UTF-8 (plus an ellipsis); slicing first keeps giant strings cheap."""
    head = text[: max_bytes + 1]
    encoded = head.encode("utf-8", "replace")
    if len(encoded) <= max_bytes and len(head) == len(text):
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore") + "…"


def clip_middle(text: str, max_bytes: int) -> str:
    """Keep the start and the (more telling) end of a long traceback."""
    if len(text.encode("utf-8", "replace")) <= max_bytes:
        return text
    head, tail = text[: max_bytes // 4], text[-(max_bytes // 2) :]
    return clip(f"{head}\n… (traceback shortened) …\n{tail}", max_bytes)
