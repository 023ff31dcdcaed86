"""The preview sanitizer (ammonia via nh3) against markup that tries to run script."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from sideflow.extension.sanitize import _ALLOWED, _ATTRS, sanitize_html
from tests.resources.xss_payloads import PAYLOADS


class Inspect(HTMLParser):
    """Every tag and attribute the sanitized output would create in a browser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"payload-{i}" for i in range(len(PAYLOADS))])
def test_no_payload_keeps_a_way_to_run_script(payload: str) -> None:
    out = sanitize_html(payload)
    parser = Inspect()
    parser.feed(out)
    for tag, attrs in parser.found:
        assert tag in _ALLOWED, (tag, out)
        for name, value in attrs:
            assert name in _ATTRS | {"href", "src", "rel"}, (name, out)
            url = "".join(ch for ch in value or "" if ch > " ").lower()
            if name == "src":
                assert url.startswith(("data:image/png", "data:image/jpeg", "data:image/gif")), out
            if name == "href":
                assert url.startswith(("http:", "https:", "mailto:", "#")), out


def test_all_payloads_at_once_stay_inert() -> None:
    out = sanitize_html("".join(PAYLOADS), max_bytes=200_000)
    for needle in ("<script", "onerror", "onload", "javascript:", "<svg", "<iframe", "style="):
        assert needle not in out.lower()
