"""Deliberate defects, switched on by name, that prove the features can fail.

``QMTL_REFERENCE_FAULTS`` holds a comma-separated list of names from KNOWN.
A service refuses to start with a name it does not know, so a typo cannot
silently turn a fault test into a passing run.
"""
from __future__ import annotations

import os

ENV_VAR = "QMTL_REFERENCE_FAULTS"

KNOWN: dict[str, str] = {
    # Gateway: tokens
    "wrong_world_claim": "the Gateway puts another world's id in the token's world_id claim",
    "skip_token_signature_check": "the Gateway accepts WebSocket tokens without verifying their signature",
    # Gateway: strategies
    "schema_version_unchecked": "the Gateway accepts a DAG whatever its schema_version says",
    "checksum_unchecked": "the Gateway accepts a submission whose node_ids_crc32 does not match its node ids",
    "node_fields_unchecked": "the Gateway accepts nodes lacking the fields their id is computed from",
    "node_ids_unchecked": "the Gateway accepts node ids that are not the canonical BLAKE3 ones",
    "skip_world_binding": "the Gateway accepts a strategy but never binds it to its worlds",
    "dedupe_ignores_dag_hash": "the Gateway never recognises a DAG it has already accepted",
    "dedupe_keyed_by_world": "the Gateway dedupes per world, so one DAG is accepted again for another world",
    "dedupe_in_memory": "the Gateway remembers accepted DAGs only in its own memory, so a restart forgets them",
    "bind_first_world_only": "the Gateway binds a strategy submitted to several worlds only to the first",
    "bad_dag_json_500": "the Gateway crashes (500) on a dag_json that is not JSON or is a JSON list, as real QMTL does",
    "strategy_status_never_advances": "the Gateway runs no strategy worker, so every status stays queued, as in real QMTL",
    "strategy_events_not_recorded": "the Gateway's worker changes a strategy's status without recording the event",
    "unknown_strategy_reported_queued": "the Gateway answers the status of an unknown strategy id with queued instead of 404",
    "dry_run_without_namespace": "the Gateway's dry run leaves the world and domain prefix off queue names",
    "by_tag_ignores_world": "the Gateway's /queues/by_tag returns other worlds' queues when asked for one world",
    # DAG Manager
    "dagmanager_no_ack_resend": "the DAG Manager sends each diff chunk once and never re-sends an unacknowledged one",
    "dagmanager_unnamespaced_queues": "the DAG Manager leaves the world and execution-domain prefix off queue names",
    "dagmanager_cleanup_keeps_queues": "the DAG Manager answers Cleanup but keeps the strategy's queues",
    "dagmanager_bad_dag_unknown": "the DAG Manager answers a Diff of a malformed DAG with UNKNOWN and no reason, as the contract says real QMTL does",
    "dagmanager_redo_diff_fails": "the DAG Manager answers every RedoDiff with UNKNOWN, as real QMTL does",
    "dagmanager_no_standard_health": "the DAG Manager does not serve the standard grpc.health.v1 service",
    "tagquery_ignores_match_mode": "the DAG Manager's tag query treats match_mode all as any",
    "tagquery_forgets_diffed_nodes": "the DAG Manager's tag query never finds the queues of diffed nodes",
    # Gateway: health
    "gateway_dials_default_dagmanager": "the Gateway ignores its configured DAG Manager address and dials 127.0.0.1:50051",
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
    "refresh_switches_world": "a refresh with another world's valid token moves the socket to that world, as real QMTL does",
    "expired_sockets_stay_open": "the Gateway keeps a socket open after its token has expired, as real QMTL does",
    # Strategy runner: backfill
    "backfill_off_by_one_end": "the runner asks for history one interval past the window end, so the bucket after the window is loaded",
    "backfill_live_during_backfill": "the runner processes live bars as they arrive instead of after the backfill has finished",
    "backfill_drop_bucket": "the runner drops the middle row of each stream's history before caching it",
    "backfill_window_shifted": "the runner asks for the window shifted one interval earlier",
}


class UnknownFault(ValueError):
    pass


def active_faults(environ: os._Environ | dict | None = None) -> frozenset[str]:
    raw = (environ if environ is not None else os.environ).get(ENV_VAR, "")
    names = frozenset(n.strip() for n in raw.split(",") if n.strip())
    unknown = sorted(names - KNOWN.keys())
    if unknown:
        raise UnknownFault(f"unknown reference fault(s): {', '.join(unknown)}; known: {', '.join(sorted(KNOWN))}")
    return names


def is_active(name: str) -> bool:
    if name not in KNOWN:
        raise UnknownFault(f"fault {name!r} is not registered in qmtl_reference.faults.KNOWN")
    return name in active_faults()
