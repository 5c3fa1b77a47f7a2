#!/usr/bin/env bash
# A Python virtual environment with what trainers load datasets with (Hugging Face `datasets`,
# pyarrow), pinned, under .tools/pyenv. Idempotent: prints the interpreter's path, installing only
# when the pins are not there yet. Tests that read datasets as a trainer would run it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.tools/pyenv"
PINS=(datasets==5.2.0 pyarrow==26.0.1)
STAMP="$VENV/.pins"
if [[ ! -x "$VENV/bin/python" || "$(cat "$STAMP" 2>/dev/null)" != "${PINS[*]}" ]]; then
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PINS[@]}" >&2
  echo "${PINS[*]}" > "$STAMP"
fi
echo "$VENV/bin/python"
