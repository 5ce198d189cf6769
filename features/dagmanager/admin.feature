@dagmanager
Feature: DAG Manager administration
  As an operator of QMTL
  I want to see the DAG Manager's queues, clean up a strategy's queues and redo a strategy's diff
  So that I can keep the queue landscape in step with the strategies that exist

  Background:
    Given the QMTL stack is running
    And a gRPC connection to the DAG Manager
    And a freshly built two-node strategy

  @deviation.cleanup_ignores_strategy
  Scenario: Queue statistics list a diffed strategy's queues, and cleanup removes them
    Given the DAG Manager has diffed it for world "alpha" in the "live" domain
    When the DAG Manager's queue statistics are read
    Then they list each of the strategy's queues
    When the DAG Manager cleans up the strategy
    Then within 2 seconds the queue statistics no longer list any of the strategy's queues

  @deviation.redo_diff_fails
  Scenario: Redoing a diff with a changed DAG rebuilds the strategy's queues in every world
    Given the DAG Manager has diffed it for worlds "alpha" and "beta" in the "live" domain
    When the DAG Manager redoes the diff from the strategy's sentinel with the "signal" node replaced by "momentum"
    Then the redo answers with the strategy's sentinel and a version above the earlier diffs'
    And the redone queue map holds the new node's queue in every world diffed before
    And the replaced node's queues are gone from the queue statistics
