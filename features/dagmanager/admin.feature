@dagmanager
Feature: DAG Manager administration
  As an operator of QMTL
  I want to see the DAG Manager's queues, clean up a strategy's queues and redo a strategy's diff
  So that I can keep the queue landscape in step with the strategies that exist

  Background:
    Given the QMTL stack is running
    And a gRPC connection to the DAG Manager
    And a freshly built strategy of a price stream and one computation

  @clause.dagmanager.stats.lists_queues @clause.dagmanager.stats.sizes
  Scenario: Queue statistics list every queue of a strategy diffed for two worlds, each with a size
    Given the DAG Manager has diffed it for worlds "alpha" and "beta" in the "live" domain
    When the DAG Manager's queue statistics are read
    Then they list each of the strategy's queues
    And each of the strategy's queues has a size of zero or more messages

  @clause.dagmanager.stats.filter
  Scenario Outline: Queue statistics filtered by <filter> still list the strategy's queues that match it
    Given the DAG Manager has diffed it for worlds "alpha" and "beta" in the "live" domain
    When the DAG Manager's queue statistics are read filtered by <filter>
    Then they list each of the strategy's queues whose names hold that filter, and there is at least one

    Examples:
      | filter                            |
      | the first world's id              |
      | the second world's id             |
      | the first queue's full name       |
      | the last queue's full name        |

  @deviation.cleanup_ignores_strategy @clause.dagmanager.cleanup.removes_queues @clause.dagmanager.stats.lists_queues
  Scenario: Queue statistics list a diffed strategy's queues, and cleanup removes them
    Given the DAG Manager has diffed it for worlds "alpha" and "beta" in the "live" domain
    When the DAG Manager's queue statistics are read
    Then they list each of the strategy's queues
    When the DAG Manager cleans up the strategy
    Then within 2 seconds the queue statistics no longer list any of the strategy's queues

  @clause.dagmanager.cleanup.keeps_other_strategies
  Scenario: Cleaning up one strategy keeps another strategy's queues
    Given the DAG Manager has diffed it for world "alpha" in the "live" domain
    And another strategy of a price stream and one computation, diffed for worlds "alpha" and "beta" in the "live" domain
    When the DAG Manager cleans up the strategy
    Then the queue statistics still list each of the other strategy's queues

  @deviation.redo_diff_fails @clause.dagmanager.redo.names_sentinel @clause.dagmanager.redo.rebuilds_every_world
  Scenario: Redoing a diff with a changed DAG rebuilds the strategy's queues in every world
    Given the DAG Manager has diffed it for worlds "alpha" and "beta" in the "live" domain
    When the DAG Manager redoes the diff from the strategy's sentinel with the "signal" node replaced by "momentum"
    Then the redo answers with the strategy's sentinel and a version label
    And the redone queue map holds the new node's queue in every world diffed before
    And the replaced node's queues are gone from the queue statistics

  @deviation.redo_diff_fails @clause.dagmanager.redo.names_sentinel @clause.dagmanager.redo.same_dag_same_queues
  Scenario: Redoing a diff without a new DAG keeps the strategy's queues, each time
    Given the DAG Manager has diffed it for world "alpha" in the "live" domain
    When the DAG Manager redoes the diff from the strategy's sentinel with no new DAG
    Then the redo answers with the strategy's sentinel and a version label
    And the redone queue map holds exactly the queues of the earlier diff
    When the DAG Manager redoes the diff from the strategy's sentinel with no new DAG
    Then the redo answers with the strategy's sentinel and a version label
    And the redone queue map holds exactly the queues of the earlier diff
