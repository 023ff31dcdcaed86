"""An exception as the panel shows it: the message once, the user's own frames first
(file:line and the source line), library frames folded below; sideflow's frames dropped."""

from __future__ import annotations

import html
import os
import sys
import sysconfig
import traceback
from pathlib import Path

from .preview_text import clip, clip_middle

__all__ = ["preview_error"]


def preview_error(exc: BaseException, *, max_bytes: int = 20_000) -> dict[str, str]:
    """Describe `exc` by its first line (for a sideflow ``NodeError``: node, function,
    file:line and what it raised), the frames of the exception it wraps, and the rest of
    its message (inputs, how to fix) as a note."""
    from sideflow.errors import NodeError

    root = exc.original if isinstance(exc, NodeError) else exc
    lines_of = str(exc).splitlines() or [""]
    summary = clip(f"{type(exc).__name__}: {lines_of[0]}".rstrip(": "), 300)
    notes = "\n".join(line.strip() for line in lines_of[1:])
    frames = _frames(root)
    mine = [f for f in frames if not _is_library(f.filename)]
    theirs = [f for f in frames if _is_library(f.filename)]
    parts, lines = [], [summary]
    if notes:
        parts.append(f'<div class="sf-note">{html.escape(clip(notes, 2000))}</div>')
        lines.append(notes)
    if mine:
        items = "".join(
            f'<li><span class="sf-frame-loc">{html.escape(_short(f.filename))}:{f.lineno}</span> '
            f'in <code>{html.escape(f.name)}</code><pre>{html.escape((f.line or "").strip())}</pre></li>'
            for f in reversed(mine)  # the line that raised first
        )
        parts.append(f'<ol class="sf-user-frames">{items}</ol>')
        lines += [f"{_short(f.filename)}:{f.lineno} in {f.name}\n    {(f.line or '').strip()}"
                  for f in reversed(mine)]
    else:
        parts.append('<div class="sf-note">no frame of your code in this traceback</div>')
    if theirs:
        listing = clip_middle("".join(traceback.format_list(theirs)), max_bytes // 2)
        packages = sorted({_package(f.filename) for f in theirs})
        parts.append(
            f'<details class="sf-library-frames"><summary>{len(theirs)} library frame'
            f'{"s" * (len(theirs) != 1)} ({html.escape(", ".join(packages))})</summary>'
            f'<pre class="sf-traceback">{html.escape(listing)}</pre></details>'
        )
        lines.append(f"library frames:\n{listing}")
    text = clip_middle("\n".join(lines), max_bytes)
    body = f'<div class="sf-pv sf-pv-error">{"".join(parts)}</div>'
    return {"kind": "error", "summary": summary, "html": body, "text": text}


def _frames(exc: BaseException) -> list[traceback.FrameSummary]:
    """The frames of `exc`, outermost first, without sideflow's own."""
    internal = _internal_dirs()
    stack = traceback.extract_tb(exc.__traceback__)
    return [f for f in stack if not os.path.realpath(f.filename).startswith(internal)]


def _library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    dirs = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths}
    dirs |= {p for p in sys.path if p.endswith(("site-packages", "dist-packages"))}
    real = {os.path.realpath(d) + os.sep for d in dirs}
    return tuple(sorted(real, key=len, reverse=True))  # site-packages before the lib dir holding it


def _is_library(filename: str) -> bool:
    if filename.startswith("<frozen") or not filename.endswith(".py"):
        return not filename.startswith(("<dataflow", "<ipython-input", "<cell"))  # .pyx, .pxi, <frozen>
    real = os.path.realpath(filename)
    return real.startswith(_library_dirs()) or f"{os.sep}site-packages{os.sep}" in real


def _package(filename: str) -> str:
    real = os.path.realpath(filename)
    for directory in _library_dirs():
        if real.startswith(directory):
            return Path(real[len(directory):]).parts[0].removesuffix(".py")
    return Path(filename).name


def _short(filename: str) -> str:
    """A user's file relative to the working directory when under it, else its name."""
    try:
        return os.path.relpath(filename) if not os.path.relpath(filename).startswith("..") else filename
    except ValueError:  # another drive on Windows
        return filename


def _internal_dirs() -> tuple[str, ...]:
    """The directories of the sideflow packages as installed (editable or wheel)."""
    dirs = {str(Path(__file__).resolve().parent)}
    for name in ("sideflow", "sideflow.extension"):
        module = sys.modules.get(name)
        for path in getattr(module, "__path__", None) or ():
            dirs.add(str(Path(path).resolve()))
    return tuple(d + os.sep for d in dirs)
