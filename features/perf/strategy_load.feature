@perf @serial
Feature: Strategy submission under load
  As a team submitting many strategies
  I want each submission accepted and diffed promptly
  So that a strategy is live soon after it is sent, however many come before it

  Budgets are tighter than strategies need, so a slowdown shows long before users feel it.
  Every budget is stretched by the suite's timeout_scale on slow machines.

  Background:
    Given the QMTL stack is running

  @deviation.status_stays_queued @clause.perf.submission.accepted_promptly @clause.perf.submission.completed_promptly
  Scenario: 50 distinct strategies are accepted and completed promptly
    When 50 distinct strategies are submitted to world "alpha" one after another, each awaited for 5 seconds until it is completed
    Then the submissions were accepted with a 95th-percentile latency under 150 ms
    And the strategies were completed with a 95th-percentile time under 300 ms
