"""What the handshake answer selects as its subprotocol (contract §4, RFC 6455 §4.2.2).

The Gateway speaks no named subprotocol, so it selects none, with one
exception: a client that must offer a subprotocol (a browser cannot set the
Authorization header, and fails a connection whose answer selects none of
the protocols it offered) offers the very token it presents, and gets that
token back. The token still has to ride in the header or the query: alone
in Sec-WebSocket-Protocol it is refused.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ..clients import token_craft
from ..errors import TargetFailure
from ..redaction import fingerprint
from .events_keys import Presentation
from .events_streams import Streams

# Phrase → how the genuine token is presented.
PRESENTED: dict[str, Callable[[str], Presentation]] = {
    "its token in the header": lambda genuine: Presentation(header=genuine),
    "its token in the query": lambda genuine: Presentation(query=genuine),
}

# Phrase → the Sec-WebSocket-Protocol header the client sends, made from the genuine token.
OFFERS: dict[str, Callable[[str], str]] = {
    'the subprotocol "chat"': lambda genuine: "chat",
    'the subprotocols "chat" and "v2"': lambda genuine: "chat, v2",
    "a tampered copy of its token": lambda genuine: token_craft.with_flipped_signature(genuine),
    "that same token": lambda genuine: genuine,
}

# Phrase → the subprotocol the answer must select, from the genuine token (None: no Sec-WebSocket-Protocol).
SELECTED: dict[str, Callable[[str], "str | None"]] = {
    "no subprotocol": lambda genuine: None,
    "that token": lambda genuine: genuine,
}


def _shown(value: str | None, genuine: str) -> str:
    if value is None:
        return "no subprotocol"
    if value == genuine:
        return f"the genuine token ({fingerprint(value)})"
    # Anything long enough to be a token is named by its fingerprint only.
    return repr(value) if len(value) < 20 else f"another token-like value ({fingerprint(value)})"


class Subprotocols:
    def __init__(self, streams: Streams) -> None:
        self.streams = streams

    def present(self, presented: str, offer: str) -> None:
        genuine = self.streams.subscriptions.latest().token
        presentation = replace(PRESENTED[presented](genuine), offered=OFFERS[offer](genuine))
        self.streams.attempt = self.streams.attempt_with(presentation)

    def selected(self, phrase: str) -> None:
        genuine = self.streams.subscriptions.latest().token
        attempt = self.streams.attempt
        if attempt is None or attempt.stream is None:
            raise TargetFailure("the handshake answer's subprotocol", expected="an accepted handshake",
                                observed=f"refused: {attempt.refused if attempt else 'no handshake attempted'}")
        expected, seen = SELECTED[phrase](genuine), attempt.stream.subprotocol
        if seen != expected:
            raise TargetFailure("the subprotocol the handshake answer selects",
                                expected=_shown(expected, genuine), observed=_shown(seen, genuine))
