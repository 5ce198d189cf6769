#!/usr/bin/env bash
# Builds the Allure report of the last run: reports/allure-report/ and a single-file copy.
#   bash scripts/report.sh            generate, print the paths
#   bash scripts/report.sh --serve    generate, then serve it on 127.0.0.1 until Ctrl-C
# The Allure command line comes from the npm registry into .tools/ on first use.
# It needs Java 11 or later (Debian: apt-get install openjdk-17-jre-headless;
# elsewhere any JDK from adoptium.net; point JAVA_HOME at it).
set -uo pipefail
cd "$(dirname "$0")/.."
REPORTS="${QMTL_E2E_REPORTS_DIR:-reports}"
ALLURE_VERSION=2.46.1
ALLURE=.tools/node_modules/.bin/allure
PORT="${ALLURE_PORT:-0}"
serve=0
for arg in "$@"; do
  case "$arg" in
    --serve) serve=1 ;;
    -h|--help) sed -n 2,7p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "report: unknown argument '$arg' (accepted: --serve)" >&2; exit 2 ;;
  esac
done
if ! command -v java >/dev/null 2>&1; then
  echo "report: Allure needs Java 11 or later and none is on PATH (Debian: apt-get install openjdk-17-jre-headless)" >&2
  exit 2
fi
if [ ! -d "$REPORTS/allure-results" ] || [ -z "$(ls -A "$REPORTS/allure-results" 2>/dev/null)" ]; then
  echo "report: no results in $REPORTS/allure-results; run bash scripts/acceptance.sh first" >&2
  exit 2
fi
if [ ! -x "$ALLURE" ]; then
  command -v npm >/dev/null 2>&1 || { echo "report: npm is needed once to fetch the Allure command line (Debian: apt-get install npm)" >&2; exit 2; }
  echo "report: installing the Allure command line $ALLURE_VERSION into .tools/ (first use)" >&2
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools "allure-commandline@$ALLURE_VERSION" >&2 || { echo "report: npm could not install allure-commandline" >&2; exit 2; }
fi
# The trend charts read the previous report's history from the results.
if [ -d "$REPORTS/allure-report/history" ]; then
  rm -rf "$REPORTS/allure-results/history"
  cp -r "$REPORTS/allure-report/history" "$REPORTS/allure-results/history"
fi
"$ALLURE" generate --clean "$REPORTS/allure-results" -o "$REPORTS/allure-report" >/dev/null || exit 1
"$ALLURE" generate --clean --single-file "$REPORTS/allure-results" -o "$REPORTS/allure-single" >/dev/null || exit 1
echo "Allure report: $REPORTS/allure-report/index.html"
echo "Allure report, one file: $REPORTS/allure-single/index.html"
if [ "$serve" = 1 ]; then
  exec "$ALLURE" open --host 127.0.0.1 --port "$PORT" "$REPORTS/allure-report"
fi
