#!/usr/bin/env bash
# Sets up, then runs the project's tests in their three rooms: tests/unit (no
# processes), tests/reference (reference services, stores and commands started
# by the tests), tests/behave (behave runs against healthy and faulted reference
# stacks). pytest-xdist spreads them over the machine's cores; each worker keeps
# one shared reference stack for the behave runs that can share it.
# Arguments go to pytest: `bash scripts/test.sh tests/unit` runs the unit room alone.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit $?
# The slowest tests are named at the end: where the command's minutes go.
exec .venv/bin/python -m pytest -n auto --dist worksteal --durations=25 "$@"
