@events
Feature: Asking for an event-stream token
  As a strategy author
  I want a subscription to need exactly a world and a strategy, and to tolerate topics it does not know
  So that a malformed request fails plainly and a newer client still works with an older Gateway

  Background:
    Given the QMTL stack is running

  Scenario Outline: A subscription without <missing> is refused
    When a strategy asks for an event token without <missing>
    Then the Gateway refuses the subscription with HTTP 422

    Examples:
      | missing       |
      | a world id    |
      | a strategy id |

  Scenario: Topics the Gateway does not know are echoed back and ignored
    Given a strategy in world "alpha" is active on the long side with weight 0.5
    When the strategy in world "alpha" subscribes to its "activation" and "weather" events
    Then the Gateway grants the subscription, listing the topics "activation" and "weather"
    When a subscriber opens the event stream with the strategy's token
    Then within 2 seconds the subscriber receives the long-side activation snapshot, as WorldService holds it
