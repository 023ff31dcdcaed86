#!/usr/bin/env bash
# Open JupyterLab on notebooks/ (the quickstart first), with the project's venv and settings.
#
# Usage: bash scripts/lab.sh [extra `jupyter lab` arguments, e.g. --port 8899 --no-browser]
#
# Jupyter's config, data and runtime dirs live in .jupyter-local/ (gitignored),
# so nothing from ~/.jupyter leaks in and nothing leaks out. Its user settings
# start the notebook's kernel without the "Select Kernel" dialog and turn off
# the news toast; change them in Settings, they are kept.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.jupyter-local"
NOTEBOOKS="$ROOT/notebooks"
QUICKSTART="01-quickstart.ipynb"

bash "$ROOT/scripts/setup.sh" --no-browser

export JUPYTER_CONFIG_DIR="$LOCAL/config"
export JUPYTER_DATA_DIR="$LOCAL/data"
export JUPYTER_RUNTIME_DIR="$LOCAL/runtime"
export JUPYTERLAB_SETTINGS_DIR="$JUPYTER_CONFIG_DIR/lab/user-settings"
export JUPYTERLAB_WORKSPACES_DIR="$JUPYTER_CONFIG_DIR/lab/workspaces"

# Write a settings file only when it is missing: later edits made in the
# Settings editor go to the same file and must survive the next start.
settings() {
    local file="$JUPYTERLAB_SETTINGS_DIR/$1"
    if [ ! -f "$file" ]; then
        mkdir -p "$(dirname "$file")"
        printf '%s\n' "$2" >"$file"
    fi
}
settings @jupyterlab/notebook-extension/tracker.jupyterlab-settings \
    '{ "autoStartDefaultKernel": true }'
settings @jupyterlab/apputils-extension/notification.jupyterlab-settings \
    '{ "fetchNews": "false", "checkForUpdates": false }'

[ -d "$NOTEBOOKS" ] || { echo "lab.sh: $NOTEBOOKS is missing" >&2; exit 1; }
args=("--ServerApp.root_dir=$NOTEBOOKS")
if [ -f "$NOTEBOOKS/$QUICKSTART" ]; then
    args+=("--LabApp.default_url=/lab/tree/$QUICKSTART")
fi
if [ "$(id -u)" -eq 0 ]; then
    args+=(--allow-root) # Jupyter refuses to start as root otherwise.
fi

# `python -m jupyterlab` from the venv: the kernel then runs the venv's Python.
exec "$ROOT/.venv/bin/python" -m jupyterlab "${args[@]}" "$@"
