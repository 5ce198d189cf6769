"""The suite's verifier accepts only tokens that verify against the published JWKS."""
import base64
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from qmtl_acceptance.clients.tokens import TokenInvalid, verify

CLAIMS = {"aud": "controlbus", "sub": "s1", "world_id": "w1", "strategy_id": "s1", "topics": ["activation"], "jti": "j1"}


def _claims(**overrides):
    now = int(time.time())
    return {**CLAIMS, "iat": now, "exp": now + 300, **overrides}


@pytest.fixture(scope="module")
def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def _ec_jwks(key, kid="k1"):
    jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {"keys": [{**jwk, "kid": kid, "use": "sig", "alg": "ES256"}]}


def test_es256_token_verifies(ec_key):
    token = jwt.encode(_claims(), ec_key, algorithm="ES256", headers={"kid": "k1"})
    assert verify(token, _ec_jwks(ec_key))["world_id"] == "w1"


def test_qmtl_style_hs256_token_verifies_against_an_oct_key():
    secret = b"qmtl-shared-secret-of-32-bytes!!"
    jwks = {"keys": [{"kty": "oct", "use": "sig", "alg": "HS256", "kid": "default", "k": base64.urlsafe_b64encode(secret).rstrip(b"=").decode()}]}
    token = jwt.encode(_claims(), secret, algorithm="HS256", headers={"kid": "default"})
    assert verify(token, jwks)["sub"] == "s1"


def test_tampered_payload_is_rejected(ec_key):
    token = jwt.encode(_claims(), ec_key, algorithm="ES256", headers={"kid": "k1"})
    header, _, signature = token.split(".")
    forged = jwt.encode(_claims(world_id="w2"), ec_key, algorithm="ES256", headers={"kid": "k1"}).split(".")[1]
    with pytest.raises(TokenInvalid, match="signature"):
        verify(f"{header}.{forged}.{signature}", _ec_jwks(ec_key))


def test_token_signed_by_an_unpublished_key_is_rejected(ec_key):
    other = ec.generate_private_key(ec.SECP256R1())
    token = jwt.encode(_claims(), other, algorithm="ES256", headers={"kid": "k1"})
    with pytest.raises(TokenInvalid, match="signature"):
        verify(token, _ec_jwks(ec_key))


def test_expired_token_is_rejected(ec_key):
    token = jwt.encode(_claims(iat=int(time.time()) - 600, exp=int(time.time()) - 300), ec_key, algorithm="ES256", headers={"kid": "k1"})
    with pytest.raises(TokenInvalid, match="expired"):
        verify(token, _ec_jwks(ec_key))


def test_wrong_audience_is_rejected(ec_key):
    token = jwt.encode(_claims(aud="someone-else"), ec_key, algorithm="ES256", headers={"kid": "k1"})
    with pytest.raises(TokenInvalid, match="audience"):
        verify(token, _ec_jwks(ec_key))


def test_unknown_kid_is_rejected(ec_key):
    token = jwt.encode(_claims(), ec_key, algorithm="ES256", headers={"kid": "k9"})
    with pytest.raises(TokenInvalid, match="not in the JWKS"):
        verify(token, _ec_jwks(ec_key))


def test_token_cannot_choose_its_algorithm(ec_key):
    # An HS256 token keyed with the public key's bytes is the classic confusion attack.
    token = jwt.encode(_claims(), "not-the-key-but-long-enough-for-hs256", algorithm="HS256", headers={"kid": "k1"})
    with pytest.raises(TokenInvalid, match="alg"):
        verify(token, _ec_jwks(ec_key))


def test_empty_jwks_is_rejected(ec_key):
    token = jwt.encode(_claims(), ec_key, algorithm="ES256", headers={"kid": "k1"})
    with pytest.raises(TokenInvalid, match="no keys"):
        verify(token, {"keys": []})
