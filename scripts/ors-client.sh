#!/usr/bin/env bash
# Installs what trainers drive an environment with into the project's Python environment
# (scripts/python-env.sh, which has Hugging Face datasets): the official Open Reward Standard client
# (openreward, pinned) and TRL's OpenReward adapter (trl, pinned, without its dependencies: the
# adapter needs only openreward, datasets and packaging, not torch). Prints the interpreter.
# Idempotent, so CI and repeated runs cost one import check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OPENREWARD=0.1.167
TRL=1.16.0
python="$(bash scripts/python-env.sh)"
if "$python" -c "import sys; from importlib.metadata import version as v; sys.exit(0 if (v('openreward'), v('trl')) == ('$OPENREWARD', '$TRL') else 1)" 2>/dev/null; then
  echo "$python"
  exit 0
fi
pip=("$python" -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" "openreward==$OPENREWARD" packaging >&2
"${pip[@]}" --no-deps "trl==$TRL" >&2
echo "$python"
