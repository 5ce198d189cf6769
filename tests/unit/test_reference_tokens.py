"""The reference Gateway's token authority: asymmetric keys, rotation, refusals."""
import time

import jwt
import pytest

from qmtl_acceptance.clients.tokens import verify
from qmtl_reference.gateway.tokens import TokenAuthority, TokenRejected


def test_tokens_verify_against_the_published_public_keys(tmp_path):
    authority = TokenAuthority(tmp_path, ("k1",), "k1", ttl=60)
    token, claims = authority.issue("w1", "s1", ["activation"])
    assert verify(token, authority.jwks()) == claims
    assert all(key["kty"] == "EC" and "d" not in key for key in authority.jwks()["keys"])


def test_rotation_keeps_old_kids_valid(tmp_path):
    before = TokenAuthority(tmp_path, ("k1",), "k1", ttl=60)
    old_token, _ = before.issue("w1", "s1", [])
    after = TokenAuthority(tmp_path, ("k1", "k2"), "k2", ttl=60)
    new_token, _ = after.issue("w1", "s1", [])
    assert jwt.get_unverified_header(new_token)["kid"] == "k2"
    assert after.verify(old_token)["sub"] == "s1"
    assert verify(old_token, after.jwks())["sub"] == "s1"


def test_ttl_sets_expiry(tmp_path):
    token, claims = TokenAuthority(tmp_path, ("k1",), "k1", ttl=7).issue("w1", "s1", [])
    assert claims["exp"] - claims["iat"] == 7


@pytest.mark.parametrize(
    "mutate, reason",
    [
        (lambda t, other: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"), "invalid token"),
        (lambda t, other: other, "invalid token"),
        (lambda t, other: "not-a-token", "malformed token"),
    ],
    ids=["tampered-signature", "foreign-key", "garbage"],
)
def test_bad_tokens_are_refused(tmp_path, mutate, reason):
    authority = TokenAuthority(tmp_path / "a", ("k1",), "k1", ttl=60)
    stranger = TokenAuthority(tmp_path / "b", ("k1",), "k1", ttl=60)
    token, _ = authority.issue("w1", "s1", [])
    foreign, _ = stranger.issue("w1", "s1", [])
    with pytest.raises(TokenRejected, match=reason):
        authority.verify(mutate(token, foreign))


def test_expired_and_unknown_kid_tokens_are_refused(tmp_path):
    authority = TokenAuthority(tmp_path, ("k1",), "k1", ttl=60)
    now = int(time.time())
    expired = jwt.encode({"aud": "controlbus", "sub": "s", "iat": now - 120, "exp": now - 60}, authority.keys["k1"], algorithm="ES256", headers={"kid": "k1"})
    with pytest.raises(TokenRejected, match="expired"):
        authority.verify(expired)
    unknown = jwt.encode({"aud": "controlbus", "sub": "s", "iat": now, "exp": now + 60}, authority.keys["k1"], algorithm="ES256", headers={"kid": "k9"})
    with pytest.raises(TokenRejected, match="unknown key id"):
        authority.verify(unknown)
