@strategies
Feature: Dry runs
  As a strategy author
  I want to see the queues my strategy would get before I submit it
  So that I can check its wiring without running anything

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy

  @deviation.dry_run_slow_for_several_worlds
  Scenario: A dry run names every node's queues by world and execution domain and records nothing
    When the strategy author dry-runs it for worlds "alpha" and "beta" in the "backtest" domain
    Then the Gateway answers the dry run with HTTP 200
    And every node has one queue per world, each named after its world and that domain
    And the same strategy can still be submitted afterwards
