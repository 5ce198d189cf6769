@perf @serial
Feature: The event stream under load
  As an operator running many strategies in many worlds
  I want tokens, connections and live changes to stay fast when there are a hundred of each
  So that a busy deployment trades on current activations, not on a backlog

  Budgets are tighter than strategies need, so a slowdown shows long before users feel it.
  Every budget is stretched by the suite's timeout_scale on slow machines.

  Background:
    Given the QMTL stack is running

  @clause.perf.tokens.issued_promptly
  Scenario: Event tokens for 200 strategies across 20 worlds are issued promptly
    When 200 strategies across 20 worlds each ask for an event token, 4 at a time
    Then every token was issued with a 95th-percentile latency under 60 ms

  @clause.perf.stream.connects_promptly
  Scenario: 100 subscribers across 10 worlds connect to the event stream promptly
    Given 100 strategies across 10 worlds each hold an event token
    When every one of them opens the event stream, 10 at a time
    Then all of them are connected within 3 seconds
    And the handshakes took a 95th-percentile time under 500 ms

  @deviation.live_events_need_controlbus @deviation.activation_changes_typed_as_policy @clause.perf.stream.fans_out_promptly
  Scenario: One activation change reaches all 100 subscribers of a world promptly
    Given 100 subscribers of one strategy in world "alpha" have the event stream open, each holding its activation snapshot
    When the strategy's activation changes once
    Then every one of the subscribers receives the change within 2 seconds
    And the change was delivered with a 99th-percentile latency under 250 ms
