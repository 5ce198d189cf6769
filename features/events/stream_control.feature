@events
Feature: Keeping an event stream open
  As a strategy holding an event stream
  I want acknowledgements echoed, refreshed tokens accepted, and bad or stale credentials ending the stream
  So that a long-running strategy stays connected exactly as long as it is entitled to

  Background:
    Given the QMTL stack is running
    And a strategy in world "alpha" holds a token for its "activation" events
    And a subscriber has the event stream open with the strategy's token

  @clause.events.frames.ack
  Scenario: The Gateway echoes an acknowledgement
    When the subscriber acknowledges the events up to 2 event ids in turn
    Then within 2 seconds the Gateway answers each with an acknowledgement echoing its event id and the time

  @clause.events.frames.heartbeat
  Scenario Outline: The Gateway takes <sent> as a heartbeat
    When the subscriber sends <sent>
    Then the stream stays open for 1 second
    When the subscriber acknowledges the events up to 1 event id in turn
    Then within 2 seconds the Gateway answers each with an acknowledgement echoing its event id and the time

    Examples:
      | sent                                        |
      | a frame of a type the Gateway does not know |
      | text that is not JSON                       |
      | a JSON list                                 |

  @clause.events.frames.refresh_ack
  Scenario: A refresh with a new valid token is acknowledged and the stream stays open
    When the subscriber refreshes its stream with a new token for the same world and strategy
    Then within 2 seconds the Gateway answers with a refresh acknowledgement
    And the stream stays open for 1 second

  @deviation.live_events_need_controlbus @deviation.activation_changes_typed_as_policy @clause.events.frames.refresh_keeps_subscription
  Scenario: After each of two refreshes the stream still carries its world's live events
    When the subscriber refreshes its stream with a new token for the same world and strategy
    Then within 2 seconds the Gateway answers with a refresh acknowledgement
    When the strategy's long-side activation in world "alpha" changes to inactive with weight 0
    Then within 2 seconds the subscriber of world "alpha" receives that activation change
    When the subscriber refreshes its stream with a new token for the same world and strategy
    Then within 2 seconds the Gateway answers with a refresh acknowledgement
    When the strategy's long-side activation in world "alpha" changes to active with weight 0.5
    Then within 2 seconds the subscriber of world "alpha" receives that activation change

  @clause.events.frames.refresh_invalid_1008
  Scenario Outline: A refresh with <token> closes the stream as a policy violation
    When the subscriber refreshes its stream with <token>
    Then within 2 seconds the Gateway closes the stream with code 1008
    And the Gateway sent no refresh acknowledgement before closing it

    Examples:
      | token                                           |
      | a token whose signature was tampered with       |
      | text that is not a token                        |

    @deviation.refresh_without_token_ignored
    Examples: A refresh carrying no token
      | token                                           |
      | no token at all                                 |

    @use.with_signing=available
    Examples: Signed as the Gateway signs
      | token                                           |
      | a token that has expired                        |
      | a token issued for another audience             |

    @deviation.refresh_switches_world
    Examples: another strategy's valid token
      | token                                           |
      | the token of another strategy in the same world |

  @deviation.refresh_switches_world @clause.events.frames.refresh_keeps_world
  Scenario: A refresh with another world's token does not move the stream to that world
    Given the strategy in world "beta" holds a token for its "activation" events
    When the subscriber refreshes its stream with the token for world "beta"
    Then within 2 seconds the Gateway closes the stream with code 1008

  @clause.events.expiry.open_while_valid @clause.events.expiry.closes_1008
  @deviation.expired_socket_stays_open @use.with_signing=available
  Scenario: A stream is closed when its token expires
    Given a subscriber has the event stream open with a token for the strategy that expires in 4 seconds
    Then the stream stays open until 1 second before that token expires
    And within 2 seconds after that token expires the Gateway closes its stream with code 1008

  @clause.events.expiry.refresh_extends @use.with_signing=available
  Scenario: A refreshed stream outlives its first token
    Given a subscriber has the event stream open with a token for the strategy that expires in 2 seconds
    When the subscriber refreshes its stream with a new token for the same world and strategy
    Then within 2 seconds the Gateway answers with a refresh acknowledgement
    And the stream is still open 2 seconds after its first token expired
