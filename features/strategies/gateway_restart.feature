@strategies @serial @use.with_restarts=available
Feature: A Gateway restart loses nothing
  As an operator of QMTL
  I want a restarted Gateway to know every strategy it accepted before
  So that a restart neither runs a strategy twice nor forgets how far it got

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy

  @deviation.status_stays_queued
  Scenario: Dedupe and status survive a Gateway restart
    Given the strategy author submitted it to world "alpha" and it completed within 5 seconds
    When the Gateway restarts
    Then within 5 seconds the Gateway reports the strategy's status as "completed"
    And submitting the same strategy to world "beta" is refused as a duplicate of the first strategy
