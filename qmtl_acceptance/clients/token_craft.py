"""Tokens a Gateway must refuse, each wrong in exactly one way.

Some are made from a genuine token (a flipped signature byte), some are
signed by a key of our own (unpublished, or under a kid nobody published),
and some need a key the Gateway trusts: an expired token or one for another
audience proves the expiry or audience check only if its signature is good.
Such a key comes from the JWKS when it publishes a shared secret (real QMTL
does) or from the operator's copy of the Gateway's signing key.
"""
from __future__ import annotations

import base64
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from .tokens import unverified_claims


@dataclass(frozen=True)
class Signer:
    kid: str | None  # a genuine token without a kid gets a foreign signer without one
    algorithm: str
    key: Any  # a private key object, or the HMAC secret

    def sign(self, claims: dict[str, Any], kid: str | None = None) -> str:
        return jwt.encode(claims, self.key, algorithm=self.algorithm, headers={"kid": kid or self.kid, "typ": "JWT"})


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _algorithm_for(private_key: Any) -> str:
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}[private_key.curve.name]
    if isinstance(private_key, rsa.RSAPrivateKey):
        return "RS256"
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return "EdDSA"
    raise ValueError(f"unsupported signing key type {type(private_key).__name__}")


def trusted_signer(jwks: dict[str, Any], operator_keys: dict[str, bytes], kid: str) -> Signer | None:
    """A signer whose tokens the Gateway's own key check accepts, for the given kid; None if there is none."""
    for entry in jwks.get("keys", []) if isinstance(jwks, dict) else []:
        if isinstance(entry, dict) and entry.get("kid") == kid and entry.get("kty") == "oct" and entry.get("k"):
            return Signer(kid, entry.get("alg") or "HS256", _b64url_decode(entry["k"]))
    pem = operator_keys.get(kid)
    if pem is None:
        return None
    private_key = serialization.load_pem_private_key(pem, password=None)
    return Signer(kid, _algorithm_for(private_key), private_key)


def foreign_signer(algorithm: str, kid: str | None) -> Signer:
    """A fresh key of the same kind the Gateway uses, which it has never seen."""
    if algorithm.startswith("HS"):
        return Signer(kid, algorithm, secrets.token_bytes(32))
    if algorithm.startswith("ES"):
        curve = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}[algorithm]
        return Signer(kid, algorithm, ec.generate_private_key(curve))
    if algorithm.startswith(("RS", "PS")):
        return Signer(kid, algorithm, rsa.generate_private_key(public_exponent=65537, key_size=2048))
    if algorithm == "EdDSA":
        return Signer(kid, algorithm, ed25519.Ed25519PrivateKey.generate())
    raise ValueError(f"cannot make a key for algorithm {algorithm!r}")


def header_of(token: str) -> dict[str, Any]:
    return jwt.get_unverified_header(token)


def with_flipped_signature(token: str) -> str:
    """The same header and claims, one signature bit changed."""
    head, body, signature = token.split(".")
    raw = bytearray(_b64url_decode(signature))
    raw[len(raw) // 2] ^= 0x01
    return ".".join([head, body, base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()])


def claims_like(token: str, **changes: Any) -> dict[str, Any]:
    """A genuine token's claims with a fresh jti and the given changes."""
    claims = unverified_claims(token)
    claims["jti"] = uuid.uuid4().hex
    claims.update(changes)
    return claims


def expired_claims(token: str, ago: int = 300) -> dict[str, Any]:
    now = int(time.time())
    return claims_like(token, iat=now - ago - 60, exp=now - ago)


def short_lived_claims(token: str, seconds: int) -> dict[str, Any]:
    now = int(time.time())
    return claims_like(token, iat=now, exp=now + seconds)


def unpublished_kid() -> str:
    return f"never-published-{uuid.uuid4().hex[:8]}"


def _b64url_json(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).rstrip(b"=").decode()


def with_altered_claims(token: str, **changes: Any) -> str:
    """The genuine header and signature over claims changed after signing."""
    head, _body, signature = token.split(".")
    claims = unverified_claims(token)
    claims.update(changes)
    return ".".join([head, _b64url_json(claims), signature])


def unsigned(token: str) -> str:
    """The genuine claims under ``alg: none`` and an empty signature (RFC 7519 §6)."""
    header = {**header_of(token), "alg": "none"}
    return ".".join([_b64url_json(header), _b64url_json(unverified_claims(token)), ""])


def claims_without(token: str, name: str) -> dict[str, Any]:
    claims = claims_like(token)
    claims.pop(name, None)
    return claims
