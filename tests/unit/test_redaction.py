"""Tokens and secrets never reach reports or logs in the clear."""
import jwt

from qmtl_acceptance.clients.gateway import Answer
from qmtl_acceptance.redaction import redact

TOKEN = jwt.encode({"sub": "s1", "aud": "controlbus"}, "secret-of-at-least-32-bytes-long!", algorithm="HS256")


def test_jwts_are_redacted_wherever_they_appear():
    text = redact(f"Authorization: Bearer {TOKEN} and ?token={TOKEN}")
    assert TOKEN not in text
    assert text.count("[redacted token]") == 2


def test_secret_fields_and_dsn_passwords_are_redacted():
    text = redact('{"k": "c2VjcmV0", "token": "abc", "password": "pw"} postgresql://user:hunter2@db:5432/q')
    assert "c2VjcmV0" not in text and '"abc"' not in text and "hunter2" not in text and '"pw"' not in text
    assert "postgresql://user:[redacted]@db:5432/q" in text


def test_answers_describe_themselves_without_tokens():
    answer = Answer(200, {"token": TOKEN, "stream_url": "ws://x/ws/evt"}, {}, 0.01)
    assert TOKEN not in answer.describe()
    assert "ws://x/ws/evt" in answer.describe()
