@dagmanager @serial @use.with_restarts=available
Feature: A DAG Manager restart
  As an operator of QMTL
  I want a restarted DAG Manager to remember every strategy it diffed
  So that a restart never loses a strategy's queues or the order of its diffs

  Background:
    Given the QMTL stack is running
    And a gRPC connection to the DAG Manager

  @clause.dagmanager.restart.nothing_lost @clause.dagmanager.health.status_running @deviation.in_memory_dagmanager_forgets
  @deviation.diff_domain_safe_mode_backtest
  Scenario: After a restart the DAG Manager still lists a strategy's queues and diffs it again
    Given a freshly built strategy of a price stream, a volume stream and two computations
    And the DAG Manager has diffed it for world "alpha" in the "live" domain
    When the DAG Manager is restarted
    And the DAG Manager's health is checked over QMTL's health service
    Then QMTL's health service reports the DAG Manager as "running"
    And the queue statistics still list each of the strategy's queues
    When the DAG Manager diffs it for world "beta" in the "live" domain, acknowledging every chunk
    Then every chunk carries the strategy's sentinel and one version label
    And every node of the strategy gets one queue in that world's namespace for that domain

  @deviation.tagquery_empty_in_memory @clause.dagmanager.restart.nothing_lost
  Scenario: After a restart a tag query still finds a strategy's tagged queues
    Given a strategy whose "quotes" stream is tagged "crypto" and "spot", whose "trades" stream is tagged "crypto" and whose "candles" stream is tagged "crypto" at a 300-second interval
    And the DAG Manager has diffed it for world "alpha" in the "live" domain
    When the DAG Manager is restarted
    And the DAG Manager is asked for the queues tagged "spot" at a 60-second interval in "all" mode
    Then the DAG Manager answers with the queues of quotes only
