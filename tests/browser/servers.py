"""Start and stop a private Jupyter server (JupyterLab 4 or Notebook 7) for one browser test.

Responsibilities:
- a free port, a token, private config/data/runtime dirs holding the settings
  that keep the "Select Kernel" dialog and the news toast away;
- the REST API view of kernels (`wait_kernel_idle`);
- the notebooks folder it serves (`copy_tree`, `write_notebook`).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

App = Literal["lab", "notebook"]
APPS: tuple[App, ...] = ("lab", "notebook")

# Generous: a cold kernel plus a widget's ESM on a busy 2-core CI machine.
TIMEOUT_S = 60.0

# JupyterLab 4.6 asks "Select Kernel" unless autoStartDefaultKernel is set, and
# shows a news toast unless fetchNews is "false". windowingMode "none" keeps
# every cell in the DOM, so cell N is always `.jp-Cell` number N.
USER_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "autoStartDefaultKernel": True,
        "windowingMode": "none",
    },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

# Server-side configuration written to the private JUPYTER_CONFIG_DIR.
# JupyterLab's "is the build stale?" check spends ~4 s of CPU on every page
# load; the tests never build.
CONFIG_FILES: dict[str, dict[str, Any]] = {
    "labconfig/page_config.json": {"buildCheck": False, "buildAvailable": False},
}


class HarnessError(RuntimeError):
    """The Jupyter server or the browser did not do what a test needed."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_json_files(folder: Path, files: dict[str, dict[str, Any]]) -> None:
    """Write each `{relative path: JSON value}` under `folder`, creating directories."""
    for rel, values in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2) + "\n", encoding="utf-8")


@dataclass
class JupyterServer:
    """A running `jupyter lab` / `jupyter notebook` owned by one test."""

    app: App
    root_dir: Path
    port: int
    token: str
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, name: str) -> str:
        prefix = "lab/tree" if self.app == "lab" else "notebooks"
        return f"{self.base_url}/{prefix}/{name}?token={self.token}"

    def api(self, path: str, method: str = "GET", timeout_s: float = 10.0) -> Any:
        """Call the REST API (`/api/...`) and return the decoded JSON (None if empty)."""
        request = urllib.request.Request(
            f"{self.base_url}/api/{path.lstrip('/')}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read()
        return json.loads(body) if body else None

    def sessions(self) -> list[dict[str, Any]]:
        sessions: list[dict[str, Any]] = self.api("sessions")
        return sessions

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout_s: float = 15.0) -> None:
        """Shut down kernels and server: REST shutdown, then SIGTERM, then SIGKILL."""
        if self.process.poll() is not None:
            return
        try:
            self.api("shutdown", method="POST", timeout_s=5.0)
            self.process.wait(timeout=timeout_s)
        except (OSError, subprocess.TimeoutExpired):
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout_s)


# The `start_jupyter` fixture: `start_jupyter("lab", notebooks_dir) -> JupyterServer`.
StartJupyter = Callable[[App, Path], JupyterServer]


def _server_env(work_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Outside configuration must not leak in (extra config paths, a user's
    # kernels pointing at another Python, IPython startup files, old workspaces).
    for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_PREFER_ENV_PATH"):
        env.pop(name, None)
    config_dir = work_dir / "config"
    env.update(
        JUPYTER_CONFIG_DIR=str(config_dir),
        JUPYTER_DATA_DIR=str(work_dir / "data"),
        JUPYTER_RUNTIME_DIR=str(work_dir / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(config_dir / "lab" / "user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(config_dir / "lab" / "workspaces"),
        IPYTHONDIR=str(work_dir / "ipython"),
        PYTHONUNBUFFERED="1",
        # ipykernel's debugger warns about frozen modules on stderr otherwise.
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    return env


def _server_command(app: App, port: int, token: str, root_dir: Path) -> list[str]:
    # `python -m` with this interpreter: the kernel then runs this same Python
    # (jupyter_client substitutes sys.executable for the native kernel).
    module, app_class = {"lab": ("jupyterlab", "LabApp"), "notebook": ("notebook", "JupyterNotebookApp")}[app]
    command = [
        sys.executable,
        "-m",
        module,
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        # Fail on a taken port instead of silently moving to the next one.
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.terminals_enabled=False",
        f"--{app_class}.expose_app_in_browser=True",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses to start as root otherwise.
    return command


def start_server(app: App, root_dir: Path, work_dir: Path, timeout_s: float = TIMEOUT_S) -> JupyterServer:
    """Start `app` serving `root_dir`; private dirs and the log live in `work_dir`."""
    if app not in APPS:
        msg = f"app must be one of {APPS}, got {app!r}"
        raise ValueError(msg)
    env = _server_env(work_dir)
    write_json_files(Path(env["JUPYTER_CONFIG_DIR"]), CONFIG_FILES)
    write_json_files(Path(env["JUPYTERLAB_SETTINGS_DIR"]), USER_SETTINGS)
    last_error = ""
    for attempt in range(3):  # the free port can be taken between probe and bind
        port, token = free_port(), secrets.token_hex(16)
        log_path = work_dir / f"server-{app}-{attempt}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                _server_command(app, port, token, root_dir),
                cwd=root_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = JupyterServer(app, root_dir, port, token, process, log_path, env)
        if _wait_ready(server, timeout_s):
            return server
        server.stop()
        last_error = server.log_text()
        if "address already in use" not in last_error.lower():
            break
    tail = "\n".join(last_error.splitlines()[-40:])
    msg = f"jupyter {app} did not start within {timeout_s:.0f}s; its log ends with:\n{tail}"
    raise HarnessError(msg)


def _wait_ready(server: JupyterServer, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            server.api("status", timeout_s=2.0)
            return True
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    return False


def wait_kernel_idle(
    server: JupyterServer, path: str | None = None, timeout_s: float = TIMEOUT_S
) -> dict[str, Any]:
    """Wait until the notebook's kernel exists, is idle and has a browser connected.

    The status bar says "Idle" before any kernel exists, so it cannot be trusted;
    `/api/sessions` can. `path` is the notebook path relative to the root dir
    (any session when None). Returns the session model.
    """
    deadline = time.monotonic() + timeout_s
    seen: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        seen = server.sessions()
        for session in seen:
            kernel = session.get("kernel") or {}
            if (
                (path is None or session.get("path") == path)
                and kernel.get("execution_state") == "idle"
                and kernel.get("connections", 0) > 0
            ):
                return session
        time.sleep(0.25)
    msg = (
        f"no idle, connected kernel for {path or 'any notebook'!r} after {timeout_s:.0f}s; sessions: {seen!r}"
    )
    raise HarnessError(msg)


def write_notebook(path: Path, sources: Sequence[str]) -> Path:
    """Write a notebook of code cells (no outputs) for the python3 kernel."""
    cells: list[dict[str, Any]] = [
        {
            "cell_type": "code",
            "id": f"cell-{number}",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": source,
        }
        for number, source in enumerate(sources)
    ]
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": kernelspec, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")
    return path


def copy_tree(source: Path, destination: Path) -> Path:
    """Copy a notebooks folder, leaving out checkpoints and caches."""
    shutil.copytree(
        source,
        destination,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc"),
    )
    return destination
