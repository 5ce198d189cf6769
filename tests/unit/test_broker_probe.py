"""The ControlBus broker's readiness, asked in Kafka's own protocol: an ApiVersions answer for this request, without error."""
from __future__ import annotations

import struct

from qmtl_acceptance.stack.broker import answers_api_versions, api_versions_request


def _answer(correlation: int, error: int, body: bytes = b"") -> bytes:
    payload = struct.pack(">ih", correlation, error) + body
    return struct.pack(">i", len(payload)) + payload


def test_the_request_is_apiversions_v0_with_a_length_prefix():
    request = api_versions_request()
    (length,) = struct.unpack(">i", request[:4])
    assert length == len(request) - 4
    key, version, _correlation = struct.unpack(">hhi", request[4:12])
    assert (key, version) == (18, 0)


def test_only_this_requests_answer_without_error_counts_as_ready():
    (correlation,) = struct.unpack(">i", api_versions_request()[8:12])
    assert answers_api_versions(_answer(correlation, 0, b"\x00\x00\x00\x00"))
    assert not answers_api_versions(_answer(correlation, 35)), "an error code (35: unsupported version) is not ready"
    assert not answers_api_versions(_answer(correlation + 1, 0)), "another request's answer is not this one's"
    assert not answers_api_versions(_answer(correlation, 0)[:-1]), "a cut-off answer is not an answer"
    assert not answers_api_versions(b""), "nothing is not an answer"
