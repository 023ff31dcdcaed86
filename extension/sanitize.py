"""Allow-list sanitizer for third-party `_repr_html_` shown in previews: no scripts, no handlers."""

from __future__ import annotations

import html
from html.parser import HTMLParser

__all__ = ["sanitize_html"]

_ALLOWED = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "blockquote",
        "br",
        "caption",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
        "var",
    }
)
_DROPPED = frozenset(
    {  # removed together with their content
        "script",
        "style",
        "iframe",
        "object",
        "template",
        "noscript",
        "textarea",
        "select",
        "svg",
        "math",
        "title",
        "head",
        "frameset",
        "applet",
    }
)
_VOID = frozenset({"br", "col", "hr", "img"})
_ATTRS = frozenset(
    {
        "alt",
        "title",
        "colspan",
        "rowspan",
        "align",
        "valign",
        "width",
        "height",
        "class",
        "href",
        "src",
    }
)


def sanitize_html(markup: str, max_bytes: int = 20_000) -> str:
    """Keep an allow-list of tags and attributes; drop scripts, handlers and script URLs."""
    sanitizer = _Sanitizer(max_bytes)
    for start in range(0, len(markup), 8192):  # stop parsing once the budget is spent
        sanitizer.feed(markup[start : start + 8192])
        if sanitizer.full:
            break
    else:
        sanitizer.close()
    return sanitizer.result()


def _safe_url(tag: str, name: str, value: str) -> bool:
    url = "".join(ch for ch in value if ch > " ").lower()
    if tag == "img" and name == "src":
        return url.startswith(("data:image/png", "data:image/jpeg", "data:image/gif"))
    return tag == "a" and url.startswith(("http:", "https:", "mailto:", "#"))


class _Sanitizer(HTMLParser):
    """Rebuilds markup from parse events, so nothing unparsed reaches the output."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skipping: list[str] = []
        self.size, self.max_bytes, self.full = 0, max_bytes, False

    def _emit(self, piece: str, closer: str = "") -> None:
        """Add `piece` if it fits, with room kept for `closer` and every tag still open."""
        if self.size + len(piece) + len(closer) > self.max_bytes:
            self.full = True
            return
        self.out.append(piece)
        self.size += len(piece) + len(closer)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self.skipping.append(tag)
        if self.skipping or self.full or tag not in _ALLOWED:
            return
        kept = "".join(
            f' {name}="{html.escape(value or "", quote=True)}"'
            for name, value in attrs
            if name in _ATTRS and (name not in ("href", "src") or _safe_url(tag, name, value or ""))
        )
        if tag == "img" and " src=" not in kept:
            return  # an image from anywhere but a data: URI would fetch a URL
        closer = "" if tag in _VOID else f"</{tag}>"
        self._emit(f"<{tag}{kept}>", closer)
        if closer and not self.full:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in self.open and not self.full:
            while self.open:  # close anything left open inside it; room was kept for it
                inner = self.open.pop()
                self.out.append(f"</{inner}>")
                if inner == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.skipping and not self.full:
            self._emit(html.escape(data))

    def result(self) -> str:
        tail = "…" if self.full else ""
        return "".join(self.out) + "".join(f"</{t}>" for t in reversed(self.open)) + tail
