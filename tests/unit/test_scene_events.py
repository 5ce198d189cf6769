"""The event-stream scene's pure parts, without behave or a stack: crafting, matching, decoding, messages."""
from __future__ import annotations

import struct
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from qmtl_acceptance.clients import token_craft
from qmtl_acceptance.clients.events import Frame, close_status
from qmtl_acceptance.clients.gateway import Answer
from qmtl_acceptance.clients.tokens import TokenInvalid, audience_includes, claim_mismatches, verify
from qmtl_acceptance.errors import TargetFailure
from qmtl_acceptance.ids import ScenarioIds
from qmtl_acceptance.scenes import Scenario
from qmtl_acceptance.scenes.events import CHOICES
from qmtl_acceptance.scenes.events_claims import TokenChecks
from qmtl_acceptance.scenes.events_frames import activation_frames, carries, envelope_problems
from qmtl_acceptance.scenes.events_keys import ACCEPTED, REFUSED, Presentation
from qmtl_acceptance.scenes.events_subscriptions import BAD_SUBSCRIPTIONS, MISSING, Holder, Subscriptions
from qmtl_acceptance.vocabulary import choice

KEY = ec.generate_private_key(ec.SECP256R1())
JWKS = {"keys": [{**ECAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "kid": "k1", "use": "sig", "alg": "ES256"}]}


def genuine(**changes: Any) -> str:
    now = int(time.time())
    claims = {"aud": "controlbus", "sub": "s", "world_id": "w", "strategy_id": "s", "topics": ["activation"],
              "jti": "j", "iat": now, "exp": now + 300, **changes}
    return jwt.encode(claims, KEY, algorithm="ES256", headers={"kid": "k1", "typ": "JWT"})


def frame(**payload: Any) -> Frame:
    base = {"specversion": "1.0", "id": "e1", "source": "qmtl.services.gateway", "type": "activation_updated",
            "time": "2026-01-01T00:00:00.000Z", "datacontenttype": "application/json", "correlation_id": "c",
            "data": {"world_id": "w", "strategy_id": "s", "side": "long", "active": True, "weight": 0.5, "etag": "act:w:s:long:1"}}
    return Frame(0.0, {**base, **payload})


@dataclass
class FakeStream:
    received: list[Frame] = field(default_factory=list)

    def frames(self, where=lambda f: True) -> list[Frame]:
        return [f for f in self.received if where(f)]


# -- tokens ---------------------------------------------------------------------

def test_audience_is_a_string_or_an_array_holding_it():
    assert audience_includes("controlbus", "controlbus")
    assert audience_includes(["other", "controlbus"], "controlbus")
    assert not audience_includes(["other"], "controlbus")
    assert not audience_includes(None, "controlbus")
    assert claim_mismatches({"aud": ["controlbus"]}, {"aud": "controlbus"}, "t") == []
    assert claim_mismatches({"aud": "x"}, {"aud": "controlbus"}, "t") == ["t: claim aud is 'x', expected 'controlbus'"]


def test_verify_accepts_an_audience_array_and_refuses_other_audiences():
    assert verify(genuine(aud=["controlbus"]), JWKS)["sub"] == "s"
    with pytest.raises(TokenInvalid, match="audience"):
        verify(genuine(aud=["elsewhere"]), JWKS)


def test_altered_claims_keep_the_signature_and_no_longer_verify():
    token = genuine()
    altered = token_craft.with_altered_claims(token, strategy_id="x")
    assert altered.split(".")[2] == token.split(".")[2]
    assert token_craft.unverified_claims(altered)["strategy_id"] == "x"
    with pytest.raises(TokenInvalid, match="signature"):
        verify(altered, JWKS)


def test_an_unsigned_token_says_alg_none_and_has_no_signature():
    unsigned = token_craft.unsigned(genuine())
    assert token_craft.header_of(unsigned)["alg"] == "none" and unsigned.endswith(".")
    assert token_craft.unverified_claims(unsigned)["world_id"] == "w"


def test_claims_without_drop_one_claim_and_renew_the_token_id():
    claims = token_craft.claims_without(genuine(), "exp")
    assert "exp" not in claims and claims["jti"] != "j" and claims["aud"] == "controlbus"


class NoTrustedKey:
    """Keys for crafts that need none; a craft asking for a trusted key gets None (the scenario is skipped)."""

    def signed(self, genuine_token, claims):
        return None

    @staticmethod
    def foreign(genuine_token, kid=None):
        header = token_craft.header_of(genuine_token)
        return token_craft.foreign_signer(header["alg"], kid or header["kid"])


@pytest.mark.parametrize("phrase", sorted(REFUSED))
def test_every_refused_craft_is_no_genuine_token_in_the_header(phrase):
    token = genuine()
    presented = REFUSED[phrase](NoTrustedKey(), token)
    if presented is None:
        return  # needs a key the Gateway trusts
    assert isinstance(presented, Presentation)
    if presented.header is not None:
        assert presented.header != token
        with pytest.raises(TokenInvalid):
            verify(presented.header, JWKS)


def test_accepted_crafts_offer_the_genuine_token_where_the_phrase_says():
    token = genuine()
    assert ACCEPTED["the genuine token in the query"](NoTrustedKey(), token) == Presentation(query=token)
    both = ACCEPTED["the genuine token in the header and a tampered one in the query"](NoTrustedKey(), token)
    assert both.header == token and both.query != token


# -- frames ---------------------------------------------------------------------

def test_a_complete_cloudevent_has_no_envelope_problem():
    assert envelope_problems([frame(), frame(id="e2")]) == []


@pytest.mark.parametrize("change, fragment", [
    ({"specversion": None}, "not a CloudEvents 1.0 event"),
    ({"source": "elsewhere"}, "source is 'elsewhere'"),
    ({"datacontenttype": "text/plain"}, "datacontenttype"),
    ({"time": "2026-01-01T00:00:00"}, "not an ISO-8601 time with a zone"),
    ({"correlation_id": ""}, "correlation_id"),
    ({"data": []}, "data is []"),
])
def test_each_envelope_fault_is_named(change, fragment):
    problems = envelope_problems([frame(**change)])
    assert any(fragment in p for p in problems), problems


def test_a_repeated_event_id_is_named():
    assert envelope_problems([frame(), frame()]) == ["frame 1 (activation_updated) repeats the id 'e1' of frame 0"]


def test_activation_frames_are_picked_by_world_and_strategy():
    other = frame(data={**frame().payload["data"], "world_id": "w2"})
    stream = FakeStream([frame(), other, Frame(0.0, {"type": "ack", "last_id": "x"})])
    assert len(activation_frames(stream)) == 2
    assert activation_frames(stream, "w2") == [other]
    assert activation_frames(stream, strategy_id="nobody") == []


def test_a_frame_carries_a_record_only_when_every_field_matches():
    record = dict(frame().payload["data"])
    assert carries(frame(), record)
    assert not carries(frame(), {**record, "weight": 0.6})
    assert not carries(frame(), {**record, "etag": "act:w:s:long:2"})


def test_close_frames_decode_to_code_and_reason():
    assert close_status(struct.pack("!H", 1008) + b"token expired") == (1008, "token expired")
    assert close_status(b"") == (1005, "")


# -- subscriptions and claims ------------------------------------------------------

class FakeGateway:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.bodies: list[Any] = []

    def subscribe_raw(self, body):
        self.bodies.append(body)
        return self.answer


class FakeWorlds:
    roles = ["alpha"]

    def __getitem__(self, role):
        return f"world-{role}"


@dataclass
class FakeTarget:
    gateway: Any


def scenario() -> Scenario:
    return Scenario(ScenarioIds("unit"), add_cleanup=lambda f: None)


def unprocessable(field_name: str) -> Answer:
    return Answer(422, {"detail": [{"loc": ["body", field_name], "msg": "Field required"}]}, {}, 0.01)


@pytest.mark.parametrize("bad", sorted(BAD_SUBSCRIPTIONS))
def test_bad_subscriptions_send_the_body_they_name(bad):
    gateway = FakeGateway(unprocessable(BAD_SUBSCRIPTIONS[bad][2]))
    subscriptions = Subscriptions(FakeTarget(gateway), scenario(), FakeWorlds())
    subscriptions.ask_badly(bad)
    body = gateway.bodies[0]
    world, strategy, named = BAD_SUBSCRIPTIONS[bad]
    assert ("world_id" in body) is (world is not MISSING) and ("strategy_id" in body) is (strategy is not MISSING)
    assert body.get(named) != "" and named in ("world_id", "strategy_id")
    subscriptions.refused(422)


def test_a_refusal_that_names_no_field_fails():
    subscriptions = Subscriptions(FakeTarget(FakeGateway(Answer(422, {"detail": "bad"}, {}, 0.01))), scenario(), FakeWorlds())
    subscriptions.ask_badly("without a strategy id")
    with pytest.raises(TargetFailure, match="naming the field 'strategy_id'"):
        subscriptions.refused(422)


def test_an_expiry_stated_in_another_zone_is_a_failure():
    token = genuine()
    exp = token_craft.unverified_claims(token)["exp"]
    local = time.strftime("%Y-%m-%dT%H:%M:%S+02:00", time.gmtime(exp + 7200))
    holder = Holder("alpha", "w", "s", ["activation"], Answer(200, {"token": token, "expires_at": local}, {}, 0.01), 0, 0)

    class Keys:
        def jwks(self):
            return JWKS

    subscriptions = Subscriptions(FakeTarget(None), scenario(), FakeWorlds())
    subscriptions.held = [holder, holder]
    with pytest.raises(TargetFailure, match="in UTC"):
        TokenChecks(subscriptions, Keys(), 300).expiry_stated()


# -- vocabulary ------------------------------------------------------------------

def test_every_choice_phrase_parses_and_a_misspelling_does_not():
    for phrases in CHOICES.values():
        parse = choice(phrases)
        for phrase in phrases:
            assert parse(phrase) == phrase
    import parse as parse_lib

    pattern = parse_lib.compile("presenting {p:RefusedToken}", extra_types={"RefusedToken": choice(CHOICES["RefusedToken"])})
    assert pattern.parse("presenting no token") is not None
    assert pattern.parse("presenting a token that has expird") is None
