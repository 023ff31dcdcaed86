#!/usr/bin/env bash
# Idempotent machine set-up: .venv with sideflow (editable) and its extras, plus Debian chromium.
#
# Usage: bash scripts/setup.sh [--no-browser]
#   --no-browser   skip the chromium check/install (JupyterLab itself does not need it)
#
# Environment:
#   PYTHON   interpreter used to create .venv (default: python3; must be >= 3.10)
#
# Fast when everything is there: pip runs only when pyproject.toml (or the venv's
# Python) changed since the last successful install, as recorded in a stamp file.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.sideflow-setup-stamp"
CHROMIUM=/usr/bin/chromium
PYTHON="${PYTHON:-python3}"

want_browser=1
for arg in "$@"; do
    case "$arg" in
        --no-browser) want_browser=0 ;;
        -h | --help) sed -n '2,11p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "setup.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through non-interactive
# sudo when that works; otherwise fail (the caller prints what to do).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo "$@"
    else
        return 1
    fi
}

can_be_root() {
    [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

apt_install() {
    command -v apt-get >/dev/null 2>&1 || return 1
    can_be_root || return 1
    log "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# --- 1. the virtual environment ------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found; install Python >= 3.10 or set PYTHON=/path/to/python3"
    "$PYTHON" -c 'import sys; raise SystemExit(sys.version_info < (3, 10))' ||
        die "$("$PYTHON" -V 2>&1) is too old: sideflow needs Python >= 3.10 (set PYTHON=...)"
    log "creating $VENV with $("$PYTHON" -V 2>&1)"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        # Debian's python3 ships venv without ensurepip until python3-venv is installed.
        rm -rf "$VENV"
        pyver="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        apt_install "python${pyver}-venv" || apt_install python3-venv ||
            die "'$PYTHON -m venv' failed; on Debian/Ubuntu run: sudo apt-get install python3-venv"
        "$PYTHON" -m venv "$VENV" || die "'$PYTHON -m venv $VENV' failed"
    fi
fi

# --- 2. sideflow and its extras ------------------------------------------------
# The stamp holds the hash of pyproject.toml and the venv's Python version: when
# both match, the editable install is current (code edits need no reinstall).
want_stamp="$(
    cd "$ROOT" && "$VENV/bin/python" - <<'EOF'
import hashlib, sys
digest = hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest()
print(f"{digest} py{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}")
EOF
)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_stamp" ]; then
    log "python packages up to date (pyproject.toml unchanged)"
else
    log "pip install -e '.[test,lab,bench]' (takes about a minute on a fresh venv)"
    rm -f "$STAMP"
    (cd "$ROOT" && "$VENV/bin/python" -m pip install --disable-pip-version-check \
        --progress-bar off -q -e ".[test,lab,bench]") || die "pip install failed (see above)"
    printf '%s\n' "$want_stamp" >"$STAMP"
fi

# --- 3. the browser for tests/browser -----------------------------------------
# Playwright drives Debian's chromium; it must never download its own browser
# (the CI machines have no internet beyond the package registries).
if [ "$want_browser" -eq 1 ]; then
    if [ -x "$CHROMIUM" ]; then
        log "chromium present ($CHROMIUM)"
    elif apt_install chromium fonts-dejavu-core fonts-liberation; then
        [ -x "$CHROMIUM" ] || die "apt-get installed chromium but $CHROMIUM is missing"
        log "chromium installed ($CHROMIUM)"
    else
        log "WARNING: $CHROMIUM is missing and could not be installed here"
        log "         (needs apt-get and root or passwordless sudo)."
        log "         Install it with: sudo apt-get install chromium fonts-dejavu-core"
        log "         The browser tests fail without it unless SIDEFLOW_ALLOW_SKIP_BROWSER=1."
    fi
fi

log "ready: $VENV"
