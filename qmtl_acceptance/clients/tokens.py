"""Verifies event-stream tokens against the Gateway's published JWK set.

The algorithm and key type come from the JWKS entry the token's kid names,
never from the token alone, so a token cannot choose how it is checked. This
verifies real QMTL's HS256 tokens (an `oct` key) as well as asymmetric ones.
"""
from __future__ import annotations

from typing import Any

import jwt

from ..errors import TargetFailure

AUDIENCE = "controlbus"
# The algorithm a key type implies when its JWKS entry names none.
DEFAULT_ALGORITHMS = {"oct": "HS256", "EC": "ES256", "OKP": "EdDSA", "RSA": "RS256"}


class TokenInvalid(TargetFailure):
    """The token does not verify; the message says why, without the token."""


def key_for(jwks: dict[str, Any], kid: str | None) -> dict[str, Any]:
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list) or not keys:
        raise TokenInvalid("the JWKS publishes no keys")
    for key in keys:
        if isinstance(key, dict) and key.get("kid") == kid:
            return key
    published = ", ".join(repr(k.get("kid")) for k in keys if isinstance(k, dict))
    raise TokenInvalid(f"the token's kid {kid!r} is not in the JWKS (published: {published})")


def verify(token: str, jwks: dict[str, Any], audience: str = AUDIENCE) -> dict[str, Any]:
    """Return the verified claims, or raise TokenInvalid naming the reason."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise TokenInvalid(f"the token is not a compact JWS: {exc}") from None
    entry = key_for(jwks, header.get("kid"))
    kty = entry.get("kty")
    algorithm = entry.get("alg") or DEFAULT_ALGORITHMS.get(str(kty))
    if algorithm is None:
        raise TokenInvalid(f"the JWKS entry {entry.get('kid')!r} has key type {kty!r}, which names no algorithm")
    if header.get("alg") != algorithm:
        raise TokenInvalid(f"the token says alg {header.get('alg')!r} but its JWKS key is for {algorithm!r}")
    try:
        key = jwt.PyJWK(entry, algorithm=algorithm).key
    except jwt.PyJWTError as exc:
        raise TokenInvalid(f"the JWKS entry {entry.get('kid')!r} is not a usable key: {exc}") from None
    try:
        return jwt.decode(token, key, algorithms=[algorithm], audience=audience, options={"require": ["exp", "iat", "aud"]})
    except jwt.ExpiredSignatureError:
        raise TokenInvalid("the token has expired") from None
    except jwt.InvalidAudienceError:
        raise TokenInvalid(f"the token's audience is not {audience!r}") from None
    except jwt.InvalidSignatureError:
        raise TokenInvalid("the token's signature does not verify against the published key") from None
    except jwt.PyJWTError as exc:
        raise TokenInvalid(f"the token does not verify: {exc}") from None


def unverified_claims(token: str) -> dict[str, Any]:
    """Claims read without checking; only for describing a token that failed to verify."""
    return jwt.decode(token, options={"verify_signature": False, "verify_aud": False, "verify_exp": False})


def audience_includes(aud: Any, audience: str) -> bool:
    """RFC 7519 §4.1.3: ``aud`` is one string or an array of them; either form may name the audience."""
    if isinstance(aud, str):
        return aud == audience
    return isinstance(aud, list) and audience in aud


def claim_mismatches(claims: dict[str, Any], expected: dict[str, Any], label: str) -> list[str]:
    """One line per claim that differs from what was expected, prefixed by which token it is.

    An expected ``aud`` is met by the string or by an array holding it.
    """
    return [
        f"{label}: claim {name} is {claims.get(name)!r}, expected {value!r}"
        for name, value in expected.items()
        if not (audience_includes(claims.get(name), value) if name == "aud" else claims.get(name) == value)
    ]
