#!/usr/bin/env bash
# The mutation campaign (not part of CI): a seeded random sample of Cosmic Ray
# mutants of the reference stack, each judged by the features that exercise
# its file on a stack of its own. Settings: mutation/settings.toml.
# Examples: scripts/mutation.sh --sample 20 --seed 3 ; scripts/mutation.sh --list
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit $?
exec .venv/bin/python -m mutation "$@"
