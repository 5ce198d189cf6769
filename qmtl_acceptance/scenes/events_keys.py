"""Tokens made to be refused or let in, each differing from a genuine one in exactly one way.

Some are made from a genuine token (a flipped signature bit, claims changed
after signing), some are signed by a key of our own, and some need a key the
Gateway trusts: an expired token proves the expiry check only if its signature
is good. Such a key comes from the JWKS when it publishes a shared secret
(real QMTL does) or from the operator's copy of the Gateway's signing keys.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

from ..clients import token_craft
from ..clients.token_craft import Signer
from ..errors import TargetFailure
from .scenario import Scenario
from .target import Target


@dataclass(frozen=True)
class Presentation:
    """How a token is offered at the handshake; None where nothing is offered that way."""

    header: str | None = None
    query: str | None = None
    subprotocol: str | None = None
    offered: str | None = None  # a raw Sec-WebSocket-Protocol the client does not hold the answer to


class Keys:
    """The signers a crafted token needs; ``trusted`` proves first that the Gateway takes its unchanged tokens."""

    def __init__(self, target: Target, scenario: Scenario, opens: Callable[[str], bool]) -> None:
        self.target = target
        self.scenario = scenario
        self.opens = opens
        self._proven: dict[str, Signer] = {}

    def jwks(self) -> dict[str, Any]:
        answer = self.target.gateway.jwks()
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise TargetFailure("reading the JWKS", expected="HTTP 200 with a JSON object", observed=answer.describe())
        return answer.body

    def signer(self, kid: str) -> Signer | None:
        return token_craft.trusted_signer(self.jwks(), self.target.token_signing_keys(), kid)

    def trusted(self, genuine: str) -> Signer | None:
        kid = token_craft.header_of(genuine).get("kid")
        if kid in self._proven:
            return self._proven[kid]
        # A token that names no key is signed by none the suite can look up.
        signer = self.signer(kid) if isinstance(kid, str) else None
        if signer is None or not isinstance(kid, str):
            self.scenario.skip(f"the {self.target.name} target gives the suite no key the Gateway trusts, so it cannot "
                               "present a correctly signed token that is wrong in one other way")
            return None
        if not self.opens(signer.sign(token_craft.claims_like(genuine))):
            raise TargetFailure(f"a token re-signed with the suite's copy of key {kid!r} was refused, "
                                "so a refusal of a crafted token would prove nothing")
        self._proven[kid] = signer
        return signer

    def signed(self, genuine: str, claims: dict[str, Any]) -> Presentation | None:
        signer = self.trusted(genuine)
        return None if signer is None else Presentation(header=signer.sign(claims))

    @staticmethod
    def foreign(genuine: str, kid: str | None = None) -> Signer:
        header = token_craft.header_of(genuine)
        return token_craft.foreign_signer(header.get("alg", "ES256"), kid or header.get("kid"))


def _now() -> int:
    return int(time.time())


Craft = Callable[[Keys, str], "Presentation | None"]

# Phrase → how to make it from the genuine token. Each must be refused with HTTP 403.
REFUSED: dict[str, Craft] = {
    "no token": lambda keys, genuine: Presentation(),
    "a token whose signature was tampered with": lambda keys, genuine: Presentation(
        header=token_craft.with_flipped_signature(genuine)),
    "a token whose claims were altered after signing": lambda keys, genuine: Presentation(
        header=token_craft.with_altered_claims(genuine, strategy_id="someone-else", sub="someone-else")),
    "an unsigned token": lambda keys, genuine: Presentation(header=token_craft.unsigned(genuine)),
    "a token that has expired": lambda keys, genuine: keys.signed(genuine, token_craft.expired_claims(genuine)),
    "a token that expired 2 seconds ago": lambda keys, genuine: keys.signed(
        genuine, token_craft.claims_like(genuine, iat=_now() - 60, exp=_now() - 2)),
    "a token without an expiry": lambda keys, genuine: keys.signed(genuine, token_craft.claims_without(genuine, "exp")),
    "a token issued for another audience": lambda keys, genuine: keys.signed(
        genuine, token_craft.claims_like(genuine, aud="not-the-controlbus")),
    "a token whose audience list leaves out the controlbus": lambda keys, genuine: keys.signed(
        genuine, token_craft.claims_like(genuine, aud=["not-the-controlbus", "controlbus-2"])),
    "a token naming a key id the Gateway never published": lambda keys, genuine: Presentation(
        header=keys.foreign(genuine, token_craft.unpublished_kid()).sign(token_craft.claims_like(genuine))),
    "a token signed by a key the Gateway does not publish": lambda keys, genuine: Presentation(
        header=keys.foreign(genuine).sign(token_craft.claims_like(genuine))),
    "a genuine token offered only as a WebSocket subprotocol": lambda keys, genuine: Presentation(subprotocol=genuine),
    "a tampered token in the header and the genuine one in the query": lambda keys, genuine: Presentation(
        header=token_craft.with_flipped_signature(genuine), query=genuine),
}

# Phrase → how to make it. Each must open the stream.
ACCEPTED: dict[str, Craft] = {
    "the genuine token in the header": lambda keys, genuine: Presentation(header=genuine),
    "the genuine token in the query": lambda keys, genuine: Presentation(query=genuine),
    "the genuine token in the header and a tampered one in the query": lambda keys, genuine: Presentation(
        header=genuine, query=token_craft.with_flipped_signature(genuine)),
    "a token that expires in 3 seconds": lambda keys, genuine: keys.signed(
        genuine, token_craft.short_lived_claims(genuine, 3)),
    "a token whose audience is a list holding the controlbus": lambda keys, genuine: keys.signed(
        genuine, token_craft.claims_like(genuine, aud=["controlbus"])),
}

# Phrase → the token a refresh carries (None: the refresh frame has no token). Each must close the stream (1008).
REFRESH_REFUSED: dict[str, Callable[[Keys, str, str], "str | None | bool"]] = {
    "a token whose signature was tampered with": lambda keys, genuine, other: token_craft.with_flipped_signature(genuine),
    "a token that has expired": lambda keys, genuine, other: _signed_text(keys, genuine, token_craft.expired_claims(genuine)),
    "a token issued for another audience": lambda keys, genuine, other: _signed_text(
        keys, genuine, token_craft.claims_like(genuine, aud="not-the-controlbus")),
    "text that is not a token": lambda keys, genuine, other: "not-a-token",
    "no token at all": lambda keys, genuine, other: None,
    "the token of another strategy in the same world": lambda keys, genuine, other: other,
}


def _signed_text(keys: Keys, genuine: str, claims: dict[str, Any]) -> str | bool:
    signer = keys.trusted(genuine)
    return False if signer is None else signer.sign(claims)
