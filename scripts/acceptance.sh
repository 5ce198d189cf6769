#!/usr/bin/env bash
# Sets up, then runs the acceptance features against the embedded reference
# stack (or the target given with -D target=...), writing reports/.
# Extra arguments go to behave, e.g.: scripts/acceptance.sh features/smoke -D timeout_scale=2
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit $?

# Fresh results per run: Allure and JUnit folders would otherwise mix runs.
rm -rf reports/allure-results reports/junit reports/html reports/artifacts
mkdir -p reports/allure-results reports/junit reports/html

.venv/bin/python -m qmtl_acceptance.cli "$@"
