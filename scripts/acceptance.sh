#!/usr/bin/env bash
# Sets up, then runs the acceptance features against the embedded reference
# stack (or the target given with -D target=...), writing reports/.
# Extra arguments go to the acceptance command (then behave), e.g.:
#   scripts/acceptance.sh features/smoke -D timeout_scale=2
# Exit codes: 0 passed, 1 a scenario failed, 2 not run, 130 interrupted (see --help).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit $?
# The command checks the request before it touches reports/; the previous
# run's reports move to reports/previous/ only once the new run starts.
exec .venv/bin/python -m qmtl_acceptance.cli "$@"
