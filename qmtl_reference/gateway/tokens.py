"""Event-stream tokens: ES256 JWTs whose public keys alone are published as a JWK set."""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from .. import faults

AUDIENCE = "controlbus"
ALGORITHM = "ES256"


class TokenRejected(Exception):
    """Why a token is not accepted; never includes the token itself."""


def _load_or_create_key(path: Path) -> ec.EllipticCurvePrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{path.name} is not an EC private key")
        return key
    key = ec.generate_private_key(ec.SECP256R1())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    path.chmod(0o600)
    return key


class TokenAuthority:
    def __init__(self, key_dir: Path, kids: tuple[str, ...], active_kid: str, ttl: int) -> None:
        self.keys = {kid: _load_or_create_key(key_dir / f"{kid}.pem") for kid in kids}
        self.active_kid = active_kid
        self.ttl = ttl

    def issue(self, world_id: str, strategy_id: str, topics: list[str]) -> tuple[str, dict[str, Any]]:
        now = int(time.time())
        claim_world = world_id + "-elsewhere" if faults.is_active("wrong_world_claim") else world_id
        claims = {
            "aud": AUDIENCE,
            "sub": strategy_id,
            "world_id": claim_world,
            "strategy_id": strategy_id,
            "topics": topics,
            "jti": f"{world_id}:{strategy_id}" if faults.is_active("reused_token_id") else uuid.uuid4().hex,
            "iat": now,
            "exp": now + self.ttl,
        }
        token = jwt.encode(claims, self.keys[self.active_kid], algorithm=ALGORITHM, headers={"kid": self.active_kid, "typ": "JWT"})
        return token, claims

    def verify(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenRejected("malformed token") from None
        kid = header.get("kid")
        key = self.keys.get(kid) if isinstance(kid, str) else None
        options: dict[str, Any] = {"require": ["iat", "aud", "sub"] if faults.is_active("token_exp_optional") else ["exp", "iat", "aud", "sub"]}
        if faults.is_active("old_kids_refused") and kid != self.active_kid:
            key = None
        if key is None:
            if not faults.is_active("unknown_kid_unverified"):
                raise TokenRejected("unknown key id")
            options["verify_signature"] = False
            key = next(iter(self.keys.values()))
        if faults.is_active("skip_token_signature_check"):
            options["verify_signature"] = False
        if faults.is_active("skip_audience_check"):
            options["verify_aud"] = False
        if faults.is_active("skip_token_expiry_check"):
            options["verify_exp"] = False
        leeway = 60 if faults.is_active("token_expiry_leeway") else 0
        try:
            claims = jwt.decode(token, key.public_key(), algorithms=[ALGORITHM], audience=AUDIENCE, options=options, leeway=leeway)
            if faults.is_active("audience_must_be_string") and not isinstance(claims.get("aud"), str):
                raise TokenRejected("wrong audience")
            if faults.is_active("token_expiry_early") and claims["exp"] - time.time() < 5:
                raise TokenRejected("token expired")
            return claims
        except jwt.ExpiredSignatureError:
            raise TokenRejected("token expired") from None
        except jwt.InvalidAudienceError:
            raise TokenRejected("wrong audience") from None
        except jwt.PyJWTError as exc:
            raise TokenRejected(f"invalid token ({type(exc).__name__})") from None

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, key in self.keys.items():
            if faults.is_active("jwks_only_active_key") and kid != self.active_kid:
                continue
            jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
            jwk.update({"kid": kid, "use": "sig", "alg": ALGORITHM})
            keys.append(jwk)
        return {"keys": keys}


def expires_at(exp: int) -> str:
    return datetime.fromtimestamp(exp, tz=timezone.utc).isoformat().replace("+00:00", "Z")
