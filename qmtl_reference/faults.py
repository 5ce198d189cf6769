"""Deliberate defects, switched on by name, that prove the features can fail.

Two sources name the active faults, and a service honours both:

- ``QMTL_REFERENCE_FAULTS``: a comma-separated list of names from KNOWN, fixed
  for the life of the process.
- ``QMTL_REFERENCE_FAULTS_FILE``: the path of a file holding such a list. It is
  re-read whenever it changes (checked by its inode, size and modification
  time on every fault check), so one running stack can serve run after run,
  each with other faults. Only the owner of the machine can write it; nothing
  reaches it over the network. Write it with ``write_faults_file``, which
  replaces it atomically, so a reader never sees half a list.

A name the registry does not know is refused loudly: at start a service exits
with one line naming it, and a file changed to an unknown name later makes
every fault check of that service fail (and says why on stderr), so a typo can
never silently turn a fault test into a passing run.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Iterable, Mapping

ENV_VAR = "QMTL_REFERENCE_FAULTS"
FILE_ENV_VAR = "QMTL_REFERENCE_FAULTS_FILE"

KNOWN: dict[str, str] = {
    # Gateway: tokens
    "wrong_world_claim": "the Gateway puts another world's id in the token's world_id claim",
    "skip_token_signature_check": "the Gateway accepts WebSocket tokens without verifying their signature",
    # Gateway: strategies
    "schema_version_unchecked": "the Gateway accepts a DAG whatever its schema_version says",
    "checksum_unchecked": "the Gateway accepts a submission whose node_ids_crc32 does not match its node ids",
    "checksum_masked": "the Gateway reads node_ids_crc32 as a number cut down to 32 bits, so a checksum off by a multiple of 2**32, or with a fraction, passes",
    "node_fields_unchecked": "the Gateway accepts nodes lacking the fields their id is computed from",
    "node_fields_read_loosely": "the Gateway lets a node's interval or period through when it is a boolean or past 64 bits",
    "node_ids_unchecked": "the Gateway accepts node ids that are not the canonical BLAKE3 ones",
    "skip_world_binding": "the Gateway accepts a strategy but never binds it to its worlds",
    "dedupe_ignores_dag_hash": "the Gateway never recognises a DAG it has already accepted",
    "dedupe_keyed_by_world": "the Gateway dedupes per world, so one DAG is accepted again for another world",
    "dedupe_in_memory": "the Gateway remembers accepted DAGs only in its own memory, so a restart forgets them",
    "bind_first_world_only": "the Gateway binds a strategy submitted to several worlds only to the first",
    "binding_dropped_on_slow_worldservice": "the Gateway accepts a strategy whose binding WorldService did not answer in time, and binds it nowhere",
    "bad_dag_json_500": "the Gateway crashes (500) on a dag_json that is not JSON or is a JSON list, as real QMTL does",
    "strategy_status_never_advances": "the Gateway runs no strategy worker, so every status stays queued, as in real QMTL",
    "strategy_events_not_recorded": "the Gateway's worker changes a strategy's status without recording the event",
    "claimed_strategies_forgotten": "a restarted Gateway never takes back the strategies a stopped one was diffing, so they stay processing",
    "unknown_strategy_reported_queued": "the Gateway answers the status of an unknown strategy id with queued instead of 404",
    "dry_run_without_namespace": "the Gateway's dry run leaves the world and domain prefix off queue names",
    "unknown_match_mode_is_any": "the Gateway's /queues/by_tag reads a match_mode other than any or all as any, as real QMTL does",
    "by_tag_ignores_world": "the Gateway's /queues/by_tag returns other worlds' queues when asked for one world",
    # DAG Manager
    "stopped_dagmanager_health": "the DAG Manager's HealthCheck answers state 'stopped' forever, so the stack never becomes ready",
    "dagmanager_no_ack_resend": "the DAG Manager sends each diff chunk once and never re-sends an unacknowledged one",
    "dagmanager_unnamespaced_queues": "the DAG Manager leaves the world and execution-domain prefix off queue names",
    "dagmanager_namespace_ignores_meta": "the DAG Manager namespaces queues only from the diff request, never from the world and domain the DAG's meta names",
    "dagmanager_cleanup_keeps_queues": "the DAG Manager answers Cleanup but keeps the strategy's queues",
    "dagmanager_bad_dag_unknown": "the DAG Manager answers a Diff of a malformed DAG with UNKNOWN and no reason, as the contract says real QMTL does",
    "dagmanager_redo_diff_fails": "the DAG Manager answers every RedoDiff with UNKNOWN, as real QMTL does",
    "dagmanager_no_standard_health": "the DAG Manager does not serve the standard grpc.health.v1 service",
    "tagquery_ignores_match_mode": "the DAG Manager's tag query treats match_mode all as any",
    "tagquery_forgets_diffed_nodes": "the DAG Manager's tag query never finds the queues of diffed nodes",
    # Gateway: health
    "gateway_dials_default_dagmanager": "the Gateway ignores its configured DAG Manager address and dials 127.0.0.1:50051",
    # Gateway: the /worlds proxy
    "worlds_answers_name_worldservice": "the Gateway's /worlds answers carry a Content-Location naming WorldService's own address",
    # WorldService: worlds
    "world_repost_forgets_name": "WorldService names a world re-POSTed without a name after its id, forgetting the name it had",
    # WorldService: event broker
    "skip_activation_publish": "WorldService stores an activation change but never publishes it to the event broker",
    # Gateway: event tokens and the /ws/evt handshake
    "anonymous_event_stream": "the Gateway opens /ws/evt without any token, for whatever world the caller names",
    "skip_token_expiry_check": "the Gateway accepts expired WebSocket tokens",
    "skip_audience_check": "the Gateway accepts WebSocket tokens issued for another audience",
    "unknown_kid_unverified": "the Gateway accepts, unverified, a WebSocket token whose key id it does not know",
    "token_from_subprotocol": "the Gateway takes a WebSocket token offered only as a Sec-WebSocket-Protocol",
    "jwks_leaks_private_key": "the Gateway's JWKS carries the private part (d) of its signing keys",
    "reused_token_id": "the Gateway gives every token for one world and strategy the same jti",
    "subscribe_accepts_missing_ids": "the Gateway issues an event token without a world_id or strategy_id",
    "unknown_topic_refused": "the Gateway refuses a subscription that names a topic it does not know",
    # Gateway: the /ws/evt stream
    "events_to_every_world": "the Gateway pushes each live event to the sockets of every world",
    "events_ignore_topics": "the Gateway pushes activation events to sockets that did not subscribe to them",
    "skip_activation_snapshot": "the Gateway sends no activation snapshot when a socket connects",
    "skip_queue_snapshot": "the Gateway sends no queue_update snapshot when a socket asks for tagged queues",
    "queue_snapshot_ignores_topics": "the Gateway sends the queue_update snapshot to a socket whose token was not granted the queue topic",
    "frames_without_specversion": "the Gateway's CloudEvents frames lack specversion",
    "ack_without_last_id": "the Gateway answers an ack without echoing its last_id",
    "refresh_never_acked": "the Gateway accepts a token refresh but never answers refresh_ack",
    "refresh_skips_verification": "the Gateway accepts a refresh token without verifying it",
    "refresh_drops_subscription": "a refresh with a valid token unsubscribes the socket, so no live event reaches it after",
    "refresh_switches_world": "a refresh with another world's valid token moves the socket to that world, as real QMTL does",
    "expired_sockets_stay_open": "the Gateway keeps a socket open after its token has expired, as real QMTL does",
    "token_expiry_leeway": "the Gateway still accepts a token up to a minute after it expired",
    "token_expiry_early": "the Gateway refuses a token in the last five seconds before it expires",
    "token_exp_optional": "the Gateway accepts a token that has no exp claim",
    "audience_must_be_string": "the Gateway refuses a token whose aud is an array, even one holding controlbus",
    "old_kids_refused": "the Gateway accepts only tokens of its current key, not those of keys it rotated away from",
    "jwks_only_active_key": "the Gateway's JWKS publishes only its current key, not the older ones still valid",
    "header_token_ignored": "the Gateway reads the token only from ?token=, not from the Authorization header",
    "query_token_ignored": "the Gateway reads the token only from the Authorization header, not from ?token=",
    "query_token_checked_first": "the Gateway takes ?token= over the Authorization header",
    "schema_lacks_sentinel_weight": "the Gateway's /events/schema omits the sentinel_weight schema",
    "queues_alias_ignored": "the Gateway does not take the topic queues as the alias of queue",
    "queue_match_mode_ignored": "the Gateway's queue snapshot always matches any tag, whatever match_mode asks",
    "heartbeat_closes_stream": "the Gateway closes a stream on a frame that is no ack or refresh",
    "refresh_ignores_malformed": "the Gateway ignores a refresh whose token is missing or not a JWT, leaving the stream open",
    "refresh_keeps_old_expiry": "a refreshed stream still closes when its first token expires",
    "sockets_close_early": "the Gateway closes a stream three seconds before its token expires",
    "live_event_to_one_socket": "the Gateway pushes each live event to only the first socket of its world",
    "unsubscribe_drops_world": "a socket that closes unsubscribes every socket of its world",
    "subprotocol_echoes_any_offer": "the Gateway selects the first subprotocol a subscriber offers, whatever it is",
    "token_subprotocol_not_echoed": "the Gateway selects no subprotocol even for a subscriber offering the very token it presents, as real QMTL does",
    # Outages: a store or a service down, then back
    "status_redis_always_ok": "the Gateway's /status and /health report redis ok without asking it, so a Redis outage goes unseen",
    "status_components_swapped": "the Gateway's /status and /health report Postgres's state as worldservice and WorldService's as postgres",
    "postgres_down_500": "the Gateway answers a request that finds Postgres down with a 500 instead of a 503",
    "broker_reader_gives_up": "the Gateway's event reader stops once its retry ladder runs out: after a long Redis outage no live event arrives",
    "dagmanager_health_ignores_redis": "the DAG Manager's HealthCheck answers running while its Redis is down",
    "subscribe_waits_for_dagmanager": "the Gateway asks the DAG Manager's health before issuing an event token, so no token is issued while it is down",
    # Strategy runner: backfill
    "backfill_off_by_one_end": "the runner asks for history one interval past the window end, so the bucket after the window is loaded",
    "backfill_live_during_backfill": "the runner processes live bars as they arrive instead of after the backfill has finished",
    "backfill_drop_bucket": "the runner drops the middle row of each stream's history before caching it",
    "backfill_window_shifted": "the runner asks for the window shifted one interval earlier",
    "runner_gateway_error_type_only": "the runner's line for a Gateway it could not talk to names the error's type, not its text",
    "runner_refusal_without_detail": "the runner's line for a refused strategy gives the HTTP status without the Gateway's detail or error code",
    "runner_refusal_exit_1": "the runner exits 1, not 3, when the Gateway answers but is not ready or refuses the strategy",
    "runner_shows_gateway_password": "the runner names an unreachable Gateway by its address as given, password and all",
    "runner_clock_one_second_behind": "the runner checks a window against a clock a second behind: a window ending exactly now is refused as in the future",
    "history_lines_counted_from_data": "a history file's bad row is named by its place among the data rows, one less than its line in the file",
    # DAG Manager: diff content
    "dagmanager_params_must_be_objects": "the DAG Manager refuses a diff whose node params is not a JSON object",
    "dagmanager_rebuffers_known_queues": "the DAG Manager asks to buffer every node with a period on every diff, even when its queue already exists",
}

# Faults a service reads once, when it starts: the dialled DAG Manager address,
# the registered gRPC services and the worker that is or is not started. Set
# in the faults file of a running stack, they change nothing until a restart.
AT_START: frozenset[str] = frozenset(
    {"gateway_dials_default_dagmanager", "dagmanager_no_standard_health", "strategy_status_never_advances"}
)


class UnknownFault(ValueError):
    pass


def parse_names(raw: str) -> frozenset[str]:
    """The fault names of a comma- or newline-separated list; unknown names are refused."""
    names = frozenset(n.strip() for n in raw.replace("\n", ",").split(",") if n.strip())
    unknown = sorted(names - KNOWN.keys())
    if unknown:
        raise UnknownFault(f"unknown reference fault(s): {', '.join(unknown)}; known: {', '.join(sorted(KNOWN))}")
    return names


class _FaultsFile:
    """The names in one faults file, read again only when the file has changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._path = ""
        self._signature: tuple[int, int, int] | None = None
        self._names: frozenset[str] = frozenset()
        self._complained: tuple[int, int, int] | None = None

    def names(self, path: str) -> frozenset[str]:
        try:
            stat = os.stat(path)
        except OSError as exc:
            raise UnknownFault(f"the faults file {path} named by {FILE_ENV_VAR} cannot be read: {exc.strerror}") from None
        signature = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        with self._lock:
            if path == self._path and signature == self._signature:
                return self._names
            try:
                names = parse_names(Path(path).read_text())
            except UnknownFault as exc:
                if self._complained != signature:
                    self._complained = signature
                    print(f"faults file {path}: {exc}", file=sys.stderr, flush=True)
                raise
            except OSError as exc:
                raise UnknownFault(f"the faults file {path} named by {FILE_ENV_VAR} cannot be read: {exc.strerror}") from None
            self._path, self._signature, self._names = path, signature, names
            return names


_FILE = _FaultsFile()


def active_faults(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    environ = os.environ if environ is None else environ
    names = parse_names(environ.get(ENV_VAR, ""))
    path = environ.get(FILE_ENV_VAR, "")
    return names | _FILE.names(path) if path else names


def is_active(name: str) -> bool:
    if name not in KNOWN:
        raise UnknownFault(f"fault {name!r} is not registered in qmtl_reference.faults.KNOWN")
    return name in active_faults()


def write_faults_file(path: Path, names: Iterable[str]) -> frozenset[str]:
    """Switch a running stack's faults: check every name, then replace the file in one step."""
    chosen = parse_names(",".join(names))
    path = Path(path)
    staging = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    staging.write_text("".join(f"{name}\n" for name in sorted(chosen)))
    # Readers notice a change by the file's signature; a strictly later mtime
    # keeps it new even when a reused inode and an equal size coincide within
    # one tick of the file system's clock.
    try:
        previous = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        previous = 0
    stamp = max(time.time_ns(), previous + 1)
    os.utime(staging, ns=(stamp, stamp))
    os.replace(staging, path)
    return chosen


if __name__ == "__main__":
    # `python -m qmtl_reference.faults`: the registry, one "name<TAB>what it breaks" per line.
    for fault_name, what in sorted(KNOWN.items()):
        print(f"{fault_name}\t{what}")
