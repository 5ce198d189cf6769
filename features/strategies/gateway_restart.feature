@strategies @serial @use.with_restarts=available
Feature: A Gateway restart loses nothing
  As an operator of QMTL
  I want a restarted Gateway to know every strategy it accepted before
  So that a restart neither runs a strategy twice nor forgets how far it got

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy

  @clause.strategies.duplicate.survives_restart @clause.strategies.restart.known
  Scenario: Dedupe survives a Gateway restart
    Given the strategy author submitted it to world "alpha"
    When the Gateway restarts
    Then submitting the same strategy to world "beta" is refused as a duplicate of the first strategy
    And the Gateway reports a status of queued, processing or completed for it right away
    And within 5 seconds the worlds list this scenario's strategies as submitted

  @deviation.status_stays_queued @clause.strategies.restart.status_kept
  Scenario: Dedupe and status survive a Gateway restart
    Given the strategy author submitted it to world "alpha"
    And within 5 seconds the Gateway reports the strategy's status as "completed"
    When the Gateway restarts
    Then within 5 seconds the Gateway reports the strategy's status as "completed"
    And submitting the same strategy to world "beta" is refused as a duplicate of the first strategy

  # A Gateway that dies mid-diff has no chance to hand its work back: what it claimed must be
  # finished by the next Gateway, not left "processing" for ever. The DAG Manager hangs first,
  # so the crash lands while the diff is certainly under way.
  @serial @use.with_stores=visible @deviation.status_stays_queued
  @clause.strategies.restart.resumes_processing @clause.strategies.events.each_change
  Scenario: A strategy the Gateway was diffing when it crashed is completed once it is started again
    Given the DAG Manager hangs without answering
    And the strategy author submitted it to world "alpha"
    And within 5 seconds the Gateway reports the strategy's status as "processing"
    When the Gateway crashes while the diff is under way
    And the DAG Manager answers again
    And the Gateway is started again
    Then within 10 seconds the Gateway reports the strategy's status as "completed"
    And within 2 seconds Postgres records the strategy's statuses as "queued", "processing" and "completed" in that order
    And Postgres and Redis both hold the status "completed" for the strategy
