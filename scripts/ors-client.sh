#!/usr/bin/env bash
# Installs the official Open Reward Standard Python client (openreward, pinned) into a project-local
# virtual environment, once, and prints its python. Used by the tests that drive `firefly serve-env`
# with a client nobody here wrote; idempotent, so CI and repeated runs cost one import check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VERSION=0.1.167
VENV=.tools/ors-venv
if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c "import sys; from importlib.metadata import version; sys.exit(0 if version('openreward') == '$VERSION' else 1)" 2>/dev/null; then
  echo "$PWD/$VENV/bin/python"
  exit 0
fi
python3 -m venv "$VENV" >&2
"$VENV/bin/pip" install --quiet --disable-pip-version-check "openreward==$VERSION" >&2
echo "$PWD/$VENV/bin/python"
