@events
Feature: Asking for an event-stream token
  As a strategy author
  I want a subscription to need exactly a world and a strategy, and to tolerate topics it does not know
  So that a malformed request fails plainly and a newer client still works with an older Gateway

  Background:
    Given the QMTL stack is running

  @clause.events.subscribe.requires_ids @clause.events.subscribe.error_names_field
  Scenario Outline: A subscription <bad> is refused
    When a strategy asks for an event token <bad>
    Then the Gateway refuses the subscription with HTTP 422, naming the field it lacks

    Examples:
      | bad                                 |
      | without a world id                  |
      | without a strategy id               |
      | without a world id or a strategy id |
      | with a number as its world id       |
      | with null as its strategy id        |

  @clause.events.subscribe.answer @clause.events.subscribe.unknown_topics_echoed @clause.events.subscribe.unknown_topics_ignored
  Scenario: Topics the Gateway does not know are echoed back and ignored
    Given a strategy in world "alpha" is active on the long side with weight 0.5
    When the strategy in world "alpha" subscribes to its "activation" and "weather" events
    Then the Gateway grants the subscription, listing the topics "activation" and "weather"
    And the Gateway's answer names the event stream and its fallback
    When a subscriber opens the event stream with the strategy's token
    Then within 2 seconds the subscriber receives the long-side activation snapshot, as WorldService holds it
    And for 1 second the subscriber receives no activation snapshot beyond the long side

  @clause.events.subscribe.unknown_topics_echoed
  Scenario: A topic the Gateway does not know is echoed back whole, its name 64 characters long
    When the strategy in world "alpha" subscribes to its "activation" and "a-topic-name-of-exactly-sixty-four-characters-at-the-boundary-xy" events
    Then the Gateway grants the subscription, listing the topics "activation" and "a-topic-name-of-exactly-sixty-four-characters-at-the-boundary-xy"
