#!/usr/bin/env bash
# Starts a stack by hand (the reference stack unless -D target=... says otherwise),
# prints its URLs and the commands that use them, and stops it on Ctrl-C.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit $?
exec .venv/bin/python -m qmtl_acceptance.cli stack "$@"
