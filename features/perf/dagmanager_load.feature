@perf @serial
Feature: A large DAG diffed promptly
  As the Gateway diffing a strategy with hundreds of nodes
  I want the DAG Manager's diff, every chunk acknowledged, to finish promptly
  So that large strategies are not the ones left waiting

  Budgets are tighter than strategies need, so a slowdown shows long before users feel it.
  Every budget is stretched by the suite's timeout_scale on slow machines.

  Background:
    Given the QMTL stack is running

  @use.with_dagmanager=addressed @clause.perf.diff.large_dag_promptly
  Scenario: A 500-node DAG is diffed, every chunk acknowledged, promptly
    When the DAG Manager diffs 5 distinct 500-node strategies for world "alpha", acknowledging every chunk
    Then every diff completed within 1.5 seconds
