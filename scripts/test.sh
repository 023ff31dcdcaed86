#!/usr/bin/env bash
# Every check, in the order CI runs them: set-up, ruff, mypy, tests, notebooks, browser tests.
#
# Usage: bash scripts/test.sh
# Stops at the first failing step and exits with its status. Extra pytest
# arguments can be given through PYTEST_ADDOPTS (e.g. PYTEST_ADDOPTS=-x).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh
export PATH="$ROOT/.venv/bin:$PATH"

summary=()

# step NAME COMMAND...: run it, time it, stop everything if it fails.
# pytest's status 5 ("no tests collected") is allowed only where ALLOW_EMPTY=1.
step() {
    local name="$1"
    shift
    printf '\n=== %s: %s\n' "$name" "$*"
    local start=$SECONDS status=0
    "$@" || status=$?
    local took=$((SECONDS - start))
    if [ "$status" -eq 5 ] && [ "${ALLOW_EMPTY:-0}" -eq 1 ]; then
        printf '=== %s: no tests collected (allowed for now)\n' "$name"
        summary+=("$(printf '%-22s empty  %4ss' "$name" "$took")")
    elif [ "$status" -ne 0 ]; then
        printf '\n=== FAILED: %s (exit status %s after %ss)\n' "$name" "$status" "$took" >&2
        printf '=== command: %s\n' "$*" >&2
        exit "$status"
    else
        summary+=("$(printf '%-22s ok     %4ss' "$name" "$took")")
    fi
}

step "ruff" ruff check .
step "mypy" mypy

# Unit and IPython tests: everything under tests/ except the browser tests (and the
# long nightly property runs: `python -m pytest tests -m nightly`).
ALLOW_EMPTY=1 step "tests" python -m pytest tests -m "not browser and not nightly"

# The notebooks run top to bottom in a kernel and must reproduce their saved
# outputs. They run in a copy, so files they write (%%writefile, caches) never
# land in the working tree and cannot change the next run's output.
shopt -s nullglob
notebooks=(notebooks/*.ipynb)
shopt -u nullglob
if [ "${#notebooks[@]}" -gt 0 ]; then
    nb_copy="$(mktemp -d "${TMPDIR:-/tmp}/sideflow-nbval.XXXXXX")"
    trap 'rm -rf "$nb_copy"' EXIT
    cp -R notebooks "$nb_copy/"
    rm -rf "$nb_copy/notebooks/.ipynb_checkpoints" "$nb_copy/notebooks/__pycache__"
    nbval_args=(--nbval --nbval-current-env -c "$ROOT/pyproject.toml" --rootdir .)
    if [ -f notebooks/sanitize.cfg ]; then
        nbval_args+=(--nbval-sanitize-with "$ROOT/notebooks/sanitize.cfg")
    fi
    pytest_in_copy() { (cd "$nb_copy" && python -m pytest "$@"); }
    step "notebooks (nbval)" pytest_in_copy "${nbval_args[@]}" notebooks
else
    printf '\n=== notebooks (nbval): no notebooks/*.ipynb yet, skipped\n'
    summary+=("$(printf '%-22s none' "notebooks (nbval)")")
fi

# Real JupyterLab 4 and Notebook 7 in headless Chromium. These fail (never skip)
# when Chromium is missing, unless SIDEFLOW_ALLOW_SKIP_BROWSER=1.
step "browser tests" python -m pytest tests -m browser

printf '\n=== all checks passed\n'
printf '    %s\n' "${summary[@]}"
