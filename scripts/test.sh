#!/usr/bin/env bash
# Sets up, then runs the project's tests: unit tests, and behave runs of every
# feature against the reference stack, healthy and with deliberate faults.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit $?
exec .venv/bin/python -m pytest "$@"
