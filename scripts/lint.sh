#!/usr/bin/env bash
# The project's static checks: ruff on all of its code, mypy on the support package.
# Exits non-zero on any finding of either; both run, so one run shows every finding.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit $?
status=0
.venv/bin/ruff check qmtl_acceptance qmtl_reference qmtl_sdk_adapter qmtl_wire features tests benchmarks || status=1
.venv/bin/mypy qmtl_acceptance || status=1
exit $status
