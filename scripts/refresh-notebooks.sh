#!/usr/bin/env bash
# Re-execute the example notebooks in place, storing outputs (no widget state, no timings),
# so nbval compares against what the current code prints. Usage: bash scripts/refresh-notebooks.sh [NB...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/notebooks"
PY="$ROOT/.venv/bin/python"
if [ "$#" -gt 0 ]; then notebooks=("$@"); else notebooks=(*.ipynb); fi
for nb in "${notebooks[@]}"; do
    nb="$(basename "$nb")"
    echo "executing $nb"
    rm -rf .sideflow  # a cold result cache, as CI's nbval run has: outputs must not depend on it
    "$PY" -m jupyter nbconvert --to notebook --execute --inplace \
        --ExecutePreprocessor.store_widget_state=False "$nb" 2>&1 | grep -v '^\[NbConvertApp\]' || true
    "$PY" - "$nb" <<'PYEOF'
import json, sys
path = sys.argv[1]
book = json.load(open(path, encoding="utf-8"))
for cell in book["cells"]:
    cell.get("metadata", {}).pop("execution", None)
book.get("metadata", {}).pop("widgets", None)
with open(path, "w", encoding="utf-8") as out:
    json.dump(book, out, indent=1, ensure_ascii=False)
    out.write("\n")
PYEOF
done
