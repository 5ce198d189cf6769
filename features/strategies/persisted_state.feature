@strategies @use.with_stores=visible
Feature: What an accepted strategy leaves in the stores
  As an operator of QMTL
  I want every accepted strategy recorded in Postgres and Redis and bound in WorldService
  So that the platform's state can be audited and no single process holds the only copy

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy

  Scenario: An accepted strategy is recorded in Postgres and Redis and bound in WorldService
    When the strategy author submits it to worlds "alpha" and "beta" for the "backtest" domain
    Then the submission is accepted with a strategy id
    And within 5 seconds Postgres holds the strategy's row with the meta it was submitted with
    And Postgres holds the strategy's events, the first being "INIT:queued"
    And Postgres binds the strategy to worlds "alpha" and "beta" and to no other world
    And Redis holds the strategy's hash with its DAG, the DAG's hash and its state
    And Redis maps that DAG hash to the strategy
    And within 5 seconds WorldService lists the strategy in worlds "alpha" and "beta"
