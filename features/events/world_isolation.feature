@events
Feature: World isolation on the event stream
  As the operator of several worlds
  I want each world's subscribers to see their own world's events and nothing of any other world
  So that one world's decisions never steer a strategy trading in another

  Background:
    Given the QMTL stack is running

  @deviation.live_events_need_controlbus @deviation.activation_changes_typed_as_policy @clause.events.isolation.live
  Scenario: Each world's subscriber sees its own activation changes and never the other world's
    Given one strategy runs in worlds "alpha" and "beta"
    And a subscriber has the event stream open for the strategy's "activation" events in each world
    When the strategy's long-side activation in world "alpha" changes to active with weight 0.7
    Then within 2 seconds the subscriber of world "alpha" receives that activation change
    And for 1 second the subscriber of world "beta" receives no event of world "alpha"
    When the strategy's long-side activation in world "beta" changes to active with weight 0.3
    Then within 2 seconds the subscriber of world "beta" receives that activation change
    And for 1 second the subscriber of world "alpha" receives no event of world "beta"

  @clause.events.isolation.snapshot @deviation.activation_snapshot_stops_at_missing_side
  Scenario: Each world's subscriber receives its own world's snapshot and never the other world's
    Given one strategy runs in worlds "alpha" and "beta"
    And a strategy in world "alpha" is active on the long side with weight 0.7
    And a strategy in world "beta" is inactive on the short side with weight 0
    And a subscriber has the event stream open for the strategy's "activation" events in each world
    Then within 2 seconds the subscriber of world "beta" receives the short-side activation snapshot, as WorldService holds it
    And for 1 second the subscriber of world "beta" receives no event of world "alpha"
    And within 2 seconds the subscriber of world "alpha" receives the long-side activation snapshot, as WorldService holds it
    And for 1 second the subscriber of world "alpha" receives no event of world "beta"
