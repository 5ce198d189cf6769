"""What the Gateway's tokens, key set and schemas say (contract §3), checked against what was asked."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for

from ..clients import token_craft
from ..clients.tokens import claim_mismatches, verify
from ..errors import TargetFailure
from .events_keys import Keys
from .events_subscriptions import Holder, Subscriptions

PRIVATE_JWK_FIELDS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
# The Gateway and the suite share one clock (loopback), but a request takes time.
CLOCK_SLACK_SECONDS = 5


def _fail_on(problems: list[str]) -> None:
    if problems:
        raise TargetFailure("; ".join(problems))


class TokenChecks:
    def __init__(self, subscriptions: Subscriptions, keys: Keys, token_ttl: int) -> None:
        self.subscriptions = subscriptions
        self.keys = keys
        self.token_ttl = token_ttl
        self.published: dict[str, Any] | None = None

    def _verified(self, least: int = 2) -> list[tuple[Holder, dict[str, Any]]]:
        held = self.subscriptions.held
        if len(held) < least:
            raise AssertionError(f"expected {least} tokens, the scenario holds {len(held)}")
        jwks = self.keys.jwks()
        return [(h, verify(h.token, jwks)) for h in held]

    def audience_and_subject(self, audience: str) -> None:
        _fail_on([p for h, c in self._verified()
                  for p in claim_mismatches(c, {"aud": audience, "sub": h.strategy_id}, f"token for {h.topics}")])

    def name_their_subscription(self) -> None:
        _fail_on([p for h, c in self._verified() for p in claim_mismatches(
            c, {"world_id": h.world_id, "strategy_id": h.strategy_id, "topics": h.topics},
            f"token for world {h.world_role} and {h.topics}")])

    def distinct_ids(self) -> None:
        ids = [c.get("jti") for _, c in self._verified()]
        if not all(isinstance(i, str) and i for i in ids):
            raise TargetFailure(f"a token has no jti: {ids}")
        if len(set(ids)) != len(ids):
            raise TargetFailure(f"two tokens share the token id {ids[0]!r}")

    def headers_name_published_keys(self) -> None:
        kids = {k.get("kid") for k in self._keys(self.keys.jwks())}
        problems = []
        for holder in self.subscriptions.held:
            header = token_craft.header_of(holder.token)
            if header.get("typ") != "JWT" or not header.get("alg") or header.get("kid") not in kids:
                problems.append(f"token for {holder.topics}: header {header} is not {{alg, kid of a published key "
                                f"{sorted(map(str, kids))}, typ: JWT}}")
        _fail_on(problems)

    def issued_now_for_the_lifetime(self) -> None:
        problems = []
        for h, c in self._verified():
            iat, exp = c.get("iat"), c.get("exp")
            if not (isinstance(iat, int) and h.asked_at - CLOCK_SLACK_SECONDS <= iat <= h.answered_at + CLOCK_SLACK_SECONDS):
                problems.append(f"token for {h.topics}: iat {iat!r} is not when it was issued ({h.asked_at:.0f})")
            if not isinstance(exp, int) or not isinstance(iat, int) or exp - iat != self.token_ttl:
                problems.append(f"token for {h.topics}: exp - iat is {exp!r} - {iat!r}, expected {self.token_ttl} s")
        _fail_on(problems)

    def expiry_stated(self) -> None:
        problems = []
        for holder, claims in self._verified():
            stated = holder.body.get("expires_at")
            try:
                moment = datetime.fromisoformat(str(stated).replace("Z", "+00:00"))
            except ValueError:
                problems.append(f"token for {holder.topics}: expires_at {stated!r} is not an ISO-8601 time")
                continue
            # exp is whole seconds; an expires_at that also states the sub-second part names the same second.
            if moment.utcoffset() != timedelta(0) or int(moment.timestamp()) != claims.get("exp"):
                problems.append(f"token for {holder.topics}: expires_at is {stated!r}, the token's exp is "
                                f"{claims.get('exp')} (expected that second, in UTC)")
        _fail_on(problems)

    # -- the key set
    @staticmethod
    def _keys(jwks: dict[str, Any]) -> list[dict[str, Any]]:
        keys = jwks.get("keys") if isinstance(jwks, dict) else None
        if not isinstance(keys, list):
            raise TargetFailure(f"the key set has no 'keys' list: {sorted(jwks) if isinstance(jwks, dict) else jwks!r}")
        return [k for k in keys if isinstance(k, dict)]

    def read_key_set(self) -> None:
        self.published = self.keys.jwks()
        self.subscriptions.scenario.observe("published key set (kids and types)", str(
            [(k.get("kid"), k.get("kty"), k.get("alg")) for k in self._keys(self.published)]))

    def _published(self) -> list[dict[str, Any]]:
        if self.published is None:
            raise AssertionError("the key set has not been read")
        return self._keys(self.published)

    def not_empty(self) -> None:
        if not self._published():
            raise TargetFailure("the Gateway publishes an empty key set")

    def no_shared_secret(self) -> None:
        _fail_on([f"the JWKS publishes a symmetric key {k.get('kid')!r}: whoever reads it can mint tokens"
                  for k in self._published() if k.get("kty") == "oct" or str(k.get("alg", "")).startswith("HS")])

    def no_private_material(self) -> None:
        leaks = [f"key {k.get('kid')!r} carries {', '.join(f for f in PRIVATE_JWK_FIELDS if f in k)}"
                 for k in self._published() if any(f in k for f in PRIVATE_JWK_FIELDS)]
        if leaks:
            raise TargetFailure("the JWKS publishes private key material: " + "; ".join(leaks))

    def token_verifies(self) -> None:
        verify(self.subscriptions.latest().token, self.published or self.keys.jwks())

    def keys_describe_themselves(self) -> None:
        problems, kids = [], [k.get("kid") for k in self._published()]
        for key in self._published():
            if not (isinstance(key.get("kid"), str) and key["kid"]) or key.get("use") != "sig" or not key.get("alg") or not key.get("kty"):
                problems.append(f"key {key.get('kid')!r} does not state kid, kty, alg and use 'sig': "
                                f"{ {n: key.get(n) for n in ('kid', 'kty', 'alg', 'use')} }")
        if len(set(kids)) != len(kids):
            problems.append(f"two published keys share a kid: {kids}")
        _fail_on(problems)

    def publishes_every_held_key(self) -> None:
        held = sorted(self.keys.target.token_signing_keys())
        if len(held) < 2:
            # Not a skip (a step cannot skip): whatever keys the operator can see are still checked below.
            self.subscriptions.scenario.observe("signing keys held", f"the {self.keys.target.name} target holds "
                                                f"{len(held)} signing key(s) the suite can read: no rotation to look at")
        published = sorted(str(k.get("kid")) for k in self._published())
        if any(kid not in published for kid in held):
            raise TargetFailure("the key set", expected=f"every signing key the Gateway holds, {held}",
                                observed=f"kids {published}")

    # -- schemas
    def schemas(self) -> dict[str, Any]:
        answer = self.keys.target.gateway.event_schemas()
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise TargetFailure("GET /events/schema", expected="HTTP 200 with a JSON object", observed=answer.describe())
        return answer.body

    def schema_per_event_type(self, kinds: list[str]) -> None:
        if not kinds:
            raise AssertionError("no event type named to look for")
        published = self.schemas()
        problems = [f"no schema for {kind!r} (published: {sorted(published)})" for kind in kinds if kind not in published]
        for kind in kinds:
            if kind in published:
                try:
                    validator_for(published[kind]).check_schema(published[kind])
                except SchemaError as exc:
                    problems.append(f"the schema for {kind!r} is not a JSON Schema: {exc.message}")
        _fail_on(problems)
