@events
Feature: Event-stream tokens and the handshake
  As a QMTL operator
  I want the event stream to let in only subscribers holding a genuine, current token
  So that nobody reads a world's control events without having been given access

  Background:
    Given the QMTL stack is running
    And a strategy in world "alpha" holds a token for its "activation" events
    And that genuine token opens the event stream

  Scenario Outline: A subscriber presenting <presented> is refused at the handshake
    When a subscriber opens the event stream presenting <presented>
    Then the Gateway refuses the handshake with HTTP 403 within 2 seconds

    Examples:
      | presented                                               |
      | no token                                                |
      | a token whose signature was tampered with               |
      | a token naming a key id the Gateway never published     |
      | a token signed by a key the Gateway does not publish    |
      | a genuine token offered only as a WebSocket subprotocol |

    # Wrong in one way only, and otherwise signed as the Gateway signs: the
    # suite needs a key the Gateway trusts, known (or not) when the run starts.
    @use.with_signing=available
    Examples: Signed as the Gateway signs
      | presented                                               |
      | a token that has expired                                |
      | a token issued for another audience                     |

  @deviation.unauthenticated_fallback_stream
  Scenario: The fallback stream refuses a subscriber without a token
    When a subscriber opens the fallback stream the Gateway named, without a token
    Then the Gateway refuses the handshake with HTTP 403 within 2 seconds

  @deviation.jwks_symmetric_key
  Scenario: The Gateway publishes only public keys for verifying event tokens
    When I read the key set the Gateway publishes for event tokens
    Then the key set holds at least one key
    And no published key is a shared secret
    And no published key carries private key material
    And the strategy's token verifies against the published key set

  Scenario: A token carries the claims of its subscription
    When the strategy in world "alpha" asks for a second token for its "activation" and "queue" events
    Then both tokens are for the "controlbus" audience with the strategy as their subject
    And both tokens name world "alpha", the strategy, and the topics each asked for
    And the two tokens have different token ids
    And each token expires the configured token lifetime after it was issued
    And the expiry the Gateway stated for each token is that token's own expiry
