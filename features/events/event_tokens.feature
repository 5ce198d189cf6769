@events
Feature: Event-stream tokens and the handshake
  As a QMTL operator
  I want the event stream to let in only subscribers holding a genuine, current token
  So that nobody reads a world's control events without having been given access

  Background:
    Given the QMTL stack is running
    And a strategy in world "alpha" holds a token for its "activation" events
    And that genuine token opens the event stream

  @clause.events.handshake.refused_403 @clause.events.handshake.token_required
  @clause.events.handshake.signature_checked @clause.events.handshake.expiry_checked
  @clause.events.handshake.audience_checked @clause.events.handshake.kid_checked
  @clause.events.handshake.no_subprotocol_token @clause.events.handshake.header_first
  @clause.events.handshake.unsigned_refused @clause.events.handshake.expiry_required
  Scenario Outline: A subscriber presenting <presented> is refused at the handshake
    When a subscriber opens the event stream presenting <presented>
    Then the Gateway refuses the handshake with HTTP 403 within 2 seconds

    Examples:
      | presented                                                       |
      | no token                                                        |
      | a token whose signature was tampered with                       |
      | a token whose claims were altered after signing                 |
      | an unsigned token                                               |
      | a token naming a key id the Gateway never published             |
      | a token signed by a key the Gateway does not publish            |
      | a genuine token offered only as a WebSocket subprotocol         |
      | a tampered token in the header and the genuine one in the query |

    # Wrong in one way only, and otherwise signed as the Gateway signs: the suite needs
    # a key the Gateway trusts, known (or not) when the run starts.
    @use.with_signing=available
    Examples: Signed as the Gateway signs
      | presented                                             |
      | a token that has expired                              |
      | a token that expired 2 seconds ago                    |
      | a token issued for another audience                   |
      | a token whose audience list leaves out the controlbus |

    @use.with_signing=available @deviation.token_without_expiry_accepted
    Examples: Signed as the Gateway signs, with no expiry
      | presented                                             |
      | a token without an expiry                             |

  @clause.events.handshake.header_token @clause.events.handshake.query_token @clause.events.handshake.header_first
  @clause.events.handshake.valid_until_exp @clause.events.tokens.aud_string_or_array
  Scenario Outline: A subscriber presenting <presented> is let in
    When a subscriber opens the event stream presenting <presented>
    Then the Gateway accepts the handshake within 2 seconds

    Examples:
      | presented                                                       |
      | the genuine token in the header                                 |
      | the genuine token in the query                                  |
      | the genuine token in the header and a tampered one in the query |

    # Tokens the Gateway never issued, signed as it signs: the suite needs a key it trusts.
    @use.with_signing=available
    Examples: Signed as the Gateway signs
      | presented                                               |
      | a token that expires in 3 seconds                       |

    @use.with_signing=available @deviation.audience_list_refused
    Examples: Signed as the Gateway signs, for a list of audiences
      | presented                                               |
      | a token whose audience is a list holding the controlbus |

  # The Gateway speaks no named subprotocol: a subscriber offering some is let in with none selected,
  # unless the one it offers is the very token it presents (what a browser client, which cannot set
  # the header and fails a handshake that selects nothing it offered, has to do).
  @clause.events.handshake.no_foreign_subprotocol
  Scenario Outline: A subscriber presenting <presented> and offering <offer> is let in with no subprotocol selected
    When a subscriber opens the event stream presenting <presented> and offering <offer>
    Then the Gateway accepts the handshake within 2 seconds
    And the handshake answer selects no subprotocol

    Examples:
      | presented               | offer                            |
      | its token in the header | the subprotocol "chat"           |
      | its token in the query  | the subprotocol "chat"           |
      | its token in the header | the subprotocols "chat" and "v2" |
      | its token in the header | a tampered copy of its token     |
      | its token in the query  | a tampered copy of its token     |

  @deviation.no_subprotocol_echo @clause.events.handshake.token_subprotocol_echoed
  Scenario Outline: A subscriber presenting <presented> and offering that same token as its subprotocol gets it selected
    When a subscriber opens the event stream presenting <presented> and offering that same token
    Then the Gateway accepts the handshake within 2 seconds
    And the handshake answer selects that token

    Examples:
      | presented               |
      | its token in the header |
      | its token in the query  |

  @deviation.unauthenticated_fallback_stream @clause.events.subscribe.fallback_guarded
  Scenario: The fallback stream refuses a subscriber without a token
    When a subscriber opens the fallback stream the Gateway named, without a token
    Then the Gateway refuses the handshake with HTTP 403 within 2 seconds

  @deviation.jwks_symmetric_key @clause.events.jwks.public_only @clause.events.jwks.no_private_material
  Scenario: The Gateway publishes only public keys for verifying event tokens
    When I read the key set the Gateway publishes for event tokens
    Then the key set holds at least one key
    And no published key is a shared secret
    And no published key carries private key material
    And the strategy's token verifies against the published key set

  @clause.events.jwks.published @clause.events.jwks.entries_describe_keys @clause.events.jwks.every_key_published
  @clause.events.tokens.old_kids_valid @clause.events.tokens.verify_against_jwks
  Scenario: Every key the Gateway has signed with stays valid after a key rotation
    When I read the key set the Gateway publishes for event tokens
    Then the key set holds at least one key
    And every published key names its own key id, its type, its algorithm and its use for signatures
    And the strategy's token verifies against the published key set
    And the key set publishes every signing key the Gateway holds
    And a token signed with each published key opens the event stream

  @clause.events.tokens.aud @clause.events.tokens.sub @clause.events.tokens.scope_claims
  @clause.events.tokens.jti_unique @clause.events.tokens.ttl @clause.events.tokens.iat_now
  @clause.events.tokens.expires_at @clause.events.tokens.header
  Scenario: A token carries the claims of its subscription
    When the strategy in world "alpha" asks for a second token for its "activation" and "queue" events
    Then both tokens are for the "controlbus" audience with the strategy as their subject
    And both tokens name their world, the strategy, and the topics each asked for
    And the two tokens have different token ids
    And each token's header names its algorithm, a published key id and the JWT type
    And each token was issued when it was asked for and expires the configured token lifetime later
    And the expiry the Gateway stated for each token is that token's own expiry, in UTC

  @clause.events.tokens.scope_claims @clause.events.tokens.jti_unique
  Scenario: Tokens for two worlds each name their own world
    When the strategy in world "beta" asks for a token for its "activation" events
    Then both tokens name their world, the strategy, and the topics each asked for
    And the two tokens have different token ids

  @clause.events.schema.types
  Scenario: The Gateway publishes a schema for each kind of event
    Then the Gateway publishes a JSON Schema for each of "activation_updated", "policy_updated", "queue_update", "sentinel_weight" and "tagquery.upsert"
