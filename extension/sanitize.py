"""Sanitize third-party `_repr_html_` for previews with ammonia (the `nh3` binding):
an allow-list of tags and attributes; no scripts, handlers, styles or fetched URLs."""

from __future__ import annotations

__all__ = ["sanitize_html"]

_ALLOWED = frozenset({
    "a", "abbr", "b", "bdi", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul", "var",
})
# removed together with their content
_DROPPED = frozenset({
    "script", "style", "iframe", "object", "template", "noscript", "textarea", "select", "svg",
    "math", "title", "head", "frameset", "applet", "noembed", "noframes", "xmp", "plaintext",
})
_ATTRS = frozenset({"alt", "title", "colspan", "rowspan", "align", "valign", "width", "height", "class"})
_IMAGE_URIS = ("data:image/png", "data:image/jpeg", "data:image/gif")
_LINK_URIS = ("http:", "https:", "mailto:", "#")


def sanitize_html(markup: str, max_bytes: int = 20_000) -> str:
    """Well-formed, allow-listed markup of at most about `max_bytes` ("…" when cut)."""
    out = _clean(markup)
    if len(out) <= max_bytes:
        return out
    keep = min(len(markup), max_bytes)
    while keep > 0:  # cut the input, not the output, so every tag stays closed
        out = _clean(markup[:keep])
        if len(out) <= max_bytes:
            return out + "…"
        keep = keep * 3 // 4
    return "…"


def _clean(markup: str) -> str:
    import nh3

    return str(nh3.clean(
        markup,
        tags=set(_ALLOWED),
        clean_content_tags=set(_DROPPED),
        attributes={"*": set(_ATTRS), "a": {"href"}, "img": {"src"}},
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_url_filter,
        strip_comments=True,
        link_rel="noopener noreferrer",
    ))


def _url_filter(tag: str, name: str, value: str) -> str | None:
    """Images only from data: URIs (never fetched); links only to web pages, mail or anchors."""
    if name not in ("href", "src"):
        return value
    url = "".join(ch for ch in value if ch > " ").lower()
    if tag == "img":
        return value if url.startswith(_IMAGE_URIS) else None
    return value if tag == "a" and url.startswith(_LINK_URIS) else None
