"""The stored notebooks carry the graph's picture: nbconvert (no kernel, no execution) shows it."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01-quickstart.ipynb"


def test_nbconvert_html_of_a_stored_notebook_shows_the_graph(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(NOTEBOOK),
                    "--output-dir", str(tmp_path)], check=True, capture_output=True, timeout=120)
    text = (tmp_path / "01-quickstart.html").read_text(encoding="utf-8")
    img = re.search(r'<img[^>]*class="sf-picture"[^>]*>', text)
    assert img, "the %dataflow output has no picture"
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', img.group(0))
    assert found
    svg = base64.b64decode(found.group(1)).decode("utf-8")
    for name in ("spend", "signups", "avg_3wk_spend", "blended_cost_per_signup"):
        assert f">{name}</text>" in svg
    assert 'data-state="input"' in svg  # states are drawn, legend included
    assert '<g class="sf-legend">' in svg
