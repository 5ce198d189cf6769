#!/usr/bin/env bash
# A private Docker engine for the compose target, on a machine that cannot
# pull images: no registry is needed at any step.
#
#   scripts/docker-engine.sh up       install docker.io + debootstrap if missing (root), start dockerd
#   scripts/docker-engine.sh images   base image from Debian packages (debootstrap + docker import),
#                                     Redis and Postgres images on it, then the project's image
#   scripts/docker-engine.sh run [ARGS]  up + images + `acceptance.sh -D target=compose ARGS` + down
#   scripts/docker-engine.sh down     stop dockerd and its containerd; no process or mount left
#   scripts/docker-engine.sh env      print the DOCKER_HOST and image variables, for eval
#   scripts/docker-engine.sh status   exit 0 when the private engine answers
#
# The engine runs with --bridge=none --iptables=false (containers use the host's
# network), from a data root kept between runs so built images are a cache:
# QMTL_E2E_DOCKER_ROOT (default /var/lib/qmtl-e2e-docker). Its socket, pid files
# and log live in QMTL_E2E_DOCKER_RUN (default /run/qmtl-e2e-docker). Each step
# prints its wall time.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA_ROOT=${QMTL_E2E_DOCKER_ROOT:-/var/lib/qmtl-e2e-docker}
RUN_DIR=${QMTL_E2E_DOCKER_RUN:-/run/qmtl-e2e-docker}
SOCKET="$RUN_DIR/docker.sock"
SUITE=${QMTL_E2E_DEBIAN_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")}
BASE_IMAGE="qmtl-e2e-debian:$SUITE"
REDIS_IMAGE="qmtl-e2e-redis:$SUITE"
POSTGRES_IMAGE="qmtl-e2e-postgres:$SUITE"
PROJECT_IMAGE="qmtl-acceptance-reference:local"

export DOCKER_HOST="unix://$SOCKET"
# The engine's own state, not the user's: no credentials or contexts are read.
export DOCKER_CONFIG="$RUN_DIR/client-config"

say() { echo "docker-engine: $*" >&2; }
die() { say "$*"; exit 2; }
timed() {  # timed LABEL COMMAND...: runs it and prints its wall time
  local label=$1 started=$SECONDS
  shift
  "$@"
  say "$label took $((SECONDS - started)) s"
}

engine_answers() { [ -S "$SOCKET" ] && docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
image_present() { docker image inspect "$1" >/dev/null 2>&1; }

install_missing() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
    || die "${missing[*]} missing: install them (Debian: apt-get install ${missing[*]}) or run this as root"
  say "installing ${missing[*]} with apt-get"
  # The package would start the system's own dockerd; this script wants only its private one.
  local blocked_services=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    blocked_services=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ $blocked_services = 1 ] && rm -f /usr/sbin/policy-rc.d
  return 0
}

start_engine() {
  if engine_answers; then
    say "engine already up at $DOCKER_HOST"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "starting dockerd needs root"
  mkdir -p "$RUN_DIR/exec" "$DATA_ROOT" "$DOCKER_CONFIG"
  # Its own config file, not the system's; its identity key in the data root, not /etc/docker.
  printf '{"deprecated-key-path": "%s/key.json"}\n' "$DATA_ROOT" >"$RUN_DIR/daemon.json"
  # setsid: the engine outlives this script until `down`, but not as part of its process group.
  setsid dockerd \
    --config-file "$RUN_DIR/daemon.json" \
    --data-root "$DATA_ROOT" \
    --exec-root "$RUN_DIR/exec" \
    --pidfile "$RUN_DIR/dockerd.pid" \
    --host "$DOCKER_HOST" \
    --bridge=none --iptables=false --ip-masq=false \
    >"$RUN_DIR/dockerd.log" 2>&1 </dev/null &
  local waited=0
  until engine_answers; do
    if ! kill -0 $! 2>/dev/null; then
      tail -n 15 "$RUN_DIR/dockerd.log" >&2
      die "dockerd exited before it answered (log above)"
    fi
    [ $waited -ge 600 ] && { stop_engine; die "dockerd did not answer within 60 s"; }
    sleep 0.1
    waited=$((waited + 1))
  done
  say "engine $(docker version --format '{{.Server.Version}}') up at $DOCKER_HOST (data root $DATA_ROOT)"
}

apt_mirror() {  # the first Debian mirror this machine's apt uses for $SUITE, if any
  [ -n "${DEBIAN_MIRROR:-}" ] && { echo "$DEBIAN_MIRROR"; return; }
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null | awk -v suite="$SUITE" '
    /^deb / { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { if ($(i + 1) == suite) { print $i; exit } break } }
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite && uri != "") { print uri; exit } }
    /^$/ { uri = "" }'
}

unmount_under() {  # unmount everything below $1, deepest first
  local target
  findmnt -rn -o TARGET 2>/dev/null | awk -v root="$1" 'index($0, root "/") == 1' | sort -r | while read -r target; do
    umount -l "$target" 2>/dev/null || true
  done
}

build_base_image() {
  image_present "$BASE_IMAGE" && { say "$BASE_IMAGE is cached"; return 0; }
  local root
  root=$(mktemp -d "${TMPDIR:-/tmp}/qmtl-e2e-rootfs.XXXXXX")
  say "debootstrap $SUITE into $root"
  # minbase plus what the images need; python3-venv brings pip (ensurepip), so
  # Python dependencies come from PyPI inside the build.
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    "$SUITE" "$root" $(apt_mirror) >"$RUN_DIR/debootstrap.log" 2>&1 \
    || { tail -n 15 "$RUN_DIR/debootstrap.log" >&2; unmount_under "$root"; rm -rf "$root"; die "debootstrap failed (log above)"; }
  unmount_under "$root"
  # The image trusts what this machine trusts: a network that re-signs TLS
  # (an egress proxy, a company CA) must not break pip inside the builds.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    chroot "$root" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the root filesystem"
  fi
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/tmp/*
  local imported=0
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null || imported=$?
  rm -rf "$root"
  [ $imported = 0 ] || die "docker import of the root filesystem failed"
  say "$BASE_IMAGE imported ($(docker image inspect --format '{{.Size}}' "$BASE_IMAGE" | awk '{printf "%.0f MB", $1 / 1e6}'))"
}

build_store_images() {
  local context
  context=$(mktemp -d)
  if ! image_present "$REDIS_IMAGE"; then
    cat >"$context/Dockerfile" <<EOF
FROM $BASE_IMAGE
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server \\
    && rm -rf /var/lib/apt/lists/*
USER redis
CMD ["redis-server", "--save", "", "--appendonly", "no"]
EOF
    docker build -q --force-rm --network host -t "$REDIS_IMAGE" "$context" >/dev/null
  fi
  if ! image_present "$POSTGRES_IMAGE"; then
    # What the official image's entrypoint does for this suite: a trust-auth
    # cluster owned by POSTGRES_USER with POSTGRES_DB, then the given command.
    cat >"$context/entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
export PGDATA=${PGDATA:-/var/lib/postgresql/data}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb -D "$PGDATA" -U "${POSTGRES_USER:-postgres}" --auth=trust >/dev/null
  database=${POSTGRES_DB:-${POSTGRES_USER:-postgres}}
  if [ "$database" != "${POSTGRES_USER:-postgres}" ]; then
    echo "CREATE DATABASE \"$database\";" | postgres --single -D "$PGDATA" "${POSTGRES_USER:-postgres}" >/dev/null
  fi
fi
[ "${1#-}" != "$1" ] && set -- postgres "$@"
exec "$@"
EOF
    cat >"$context/Dockerfile" <<EOF
FROM $BASE_IMAGE
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 \\
    && rm -rf /var/lib/apt/lists/* /var/lib/postgresql/15/main \\
    && mkdir -p /var/run/postgresql /var/lib/postgresql/data && chown postgres /var/run/postgresql /var/lib/postgresql/data
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 755 /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER postgres
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
EOF
    docker build -q --force-rm --network host -t "$POSTGRES_IMAGE" "$context" >/dev/null
  fi
  rm -rf "$context"
  say "$REDIS_IMAGE and $POSTGRES_IMAGE ready"
}

build_project_image() {
  docker build -q --force-rm --network host --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$PROJECT_IMAGE" . >/dev/null
  say "$PROJECT_IMAGE built on $BASE_IMAGE"
}

build_images() {
  engine_answers || die "the private engine is not up: run scripts/docker-engine.sh up"
  timed "base image" build_base_image
  timed "store images" build_store_images
  timed "project image" build_project_image
}

stop_engine() {
  local pid containerd_pid waited
  if [ -f "$RUN_DIR/dockerd.pid" ]; then
    pid=$(cat "$RUN_DIR/dockerd.pid")
    containerd_pid=$(cat "$RUN_DIR/exec/containerd/containerd.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      # Leftover containers of an interrupted run stop with the engine.
      docker ps -q 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true
      kill -TERM "$pid"
      waited=0
      while kill -0 "$pid" 2>/dev/null && [ $waited -lt 300 ]; do sleep 0.1; waited=$((waited + 1)); done
      kill -0 "$pid" 2>/dev/null && { say "dockerd did not stop within 30 s; killing it"; kill -KILL "$pid" 2>/dev/null || true; }
    fi
    # dockerd stops the containerd it started; one left behind by a killed dockerd is stopped here.
    if [ -n "$containerd_pid" ] && kill -0 "$containerd_pid" 2>/dev/null; then
      kill -TERM "$containerd_pid" 2>/dev/null || true
      waited=0
      while kill -0 "$containerd_pid" 2>/dev/null && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
      kill -KILL "$containerd_pid" 2>/dev/null || true
    fi
  fi
  unmount_under "$RUN_DIR"
  unmount_under "$DATA_ROOT"
  rm -rf "$RUN_DIR"
  say "engine stopped"
}

print_env() {
  cat <<EOF
export DOCKER_HOST=$DOCKER_HOST
export QMTL_E2E_BASE_IMAGE=$BASE_IMAGE
export QMTL_E2E_REDIS_IMAGE=$REDIS_IMAGE
export QMTL_E2E_POSTGRES_IMAGE=$POSTGRES_IMAGE
EOF
}

run_acceptance() {
  trap stop_engine EXIT
  timed "install" install_missing
  timed "engine up" start_engine
  build_images
  eval "$(print_env)"
  local started=$SECONDS status=0
  bash scripts/acceptance.sh -D target=compose "$@" || status=$?
  say "acceptance run took $((SECONDS - started)) s"
  return $status
}

case "${1:-}" in
  up) timed "install" install_missing; timed "engine up" start_engine ;;
  images) build_images ;;
  run) shift; run_acceptance "$@" ;;
  down) timed "engine down" stop_engine ;;
  env) print_env ;;
  status) engine_answers ;;
  *) die "usage: scripts/docker-engine.sh up | images | run [behave args] | down | env | status" ;;
esac
