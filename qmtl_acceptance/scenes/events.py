"""The event stream (contract §3–4, and §6's activations as far as events need them), as one scene.

Every scenario has one strategy (the same id in every world it names) and
creates its worlds through the one world model. The parts:
``subscriptions`` (asking for tokens), ``claims`` (what tokens, keys and
schemas say), ``activations`` (set and read through the Gateway),
``streams`` (the handshake, snapshots, live events), ``control`` (acks,
refreshes, heartbeats, expiry), ``queues`` (the tagged-queue snapshot) and
``subprotocols`` (what the handshake answer selects).
"""
from __future__ import annotations

from .events_activation import STATES, Activations
from .events_claims import TokenChecks
from .events_control import HEARTBEATS, Control
from .events_keys import ACCEPTED, REFRESH_REFUSED, REFUSED
from .events_queues import MATCH_MODES, TaggedQueues
from .events_streams import Streams
from .events_subprotocols import OFFERS, PRESENTED, SELECTED, Subprotocols
from .events_subscriptions import BAD_SUBSCRIPTIONS, Subscriptions
from .scenario import Scenario
from .target import Target
from .worlds import Worlds

CHOICES = {
    "RefusedToken": tuple(REFUSED),
    "AcceptedToken": tuple(ACCEPTED),
    "RefreshRefused": tuple(REFRESH_REFUSED),
    "BadSubscription": tuple(BAD_SUBSCRIPTIONS),
    "Heartbeat": tuple(HEARTBEATS),
    "Side": ("long", "short"),
    "ActivationState": tuple(STATES),
    "MatchMode": MATCH_MODES,
    "PresentedToken": tuple(PRESENTED),
    "SubprotocolOffer": tuple(OFFERS),
    "SelectedSubprotocol": tuple(SELECTED),
}


class EventsScene:
    def __init__(self, target: Target, scenario: Scenario, worlds: Worlds) -> None:
        self.target = target
        self.scenario = scenario
        self.worlds = worlds
        self.subscriptions = Subscriptions(target, scenario, worlds)
        self.activations = Activations(target, scenario, worlds, self.subscriptions)
        self.streams = Streams(target, scenario, worlds, self.subscriptions, self.activations)
        self.claims = TokenChecks(self.subscriptions, self.streams.keys, target.config.token_ttl_seconds)
        self.control = Control(self.streams)
        self.queues = TaggedQueues(self.streams)
        self.subprotocols = Subprotocols(self.streams)

    def frames_match_published_schemas(self) -> None:
        self.queues.frames_match_published_schemas(self.claims.schemas())
