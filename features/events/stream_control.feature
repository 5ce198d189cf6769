@events
Feature: Keeping an event stream open
  As a strategy holding an event stream
  I want acknowledgements echoed, refreshed tokens accepted, and bad or stale credentials ending the stream
  So that a long-running strategy stays connected exactly as long as it is entitled to

  Background:
    Given the QMTL stack is running
    And a strategy in world "alpha" holds a token for its "activation" events
    And a subscriber has the event stream open with the strategy's token

  Scenario: The Gateway echoes an acknowledgement
    When the subscriber acknowledges the events up to a given event id
    Then within 2 seconds the Gateway answers with an acknowledgement echoing that event id

  Scenario: A refresh with a new valid token is acknowledged and the stream stays open
    When the subscriber refreshes its stream with a new token for the same world and strategy
    Then within 2 seconds the Gateway answers with a refresh acknowledgement
    And the stream stays open for 1 second

  Scenario: A refresh with a tampered token closes the stream as a policy violation
    When the subscriber refreshes its stream with a token whose signature was tampered with
    Then within 2 seconds the Gateway closes the stream with code 1008

  @deviation.refresh_switches_world
  Scenario: A refresh with another world's token does not move the stream to that world
    Given the strategy in world "beta" holds a token for its "activation" events
    When the subscriber refreshes its stream with the token for world "beta"
    Then within 2 seconds the Gateway closes the stream with code 1008

  @deviation.expired_socket_stays_open @use.with_signing=available
  Scenario: A stream is closed when its token expires
    Given a subscriber has the event stream open with a token for the strategy that expires in 2 seconds
    Then within 2 seconds after that token expires the Gateway closes its stream with code 1008
