@strategies @use.with_stores=visible
Feature: What an accepted strategy leaves in the stores
  As an operator of QMTL
  I want every accepted strategy recorded in Postgres and Redis and bound in WorldService
  So that the platform's state can be audited and no single process holds the only copy

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy

  @clause.strategies.stores.postgres_row @clause.strategies.events.init
  Scenario: An accepted strategy is recorded in Postgres with the meta it was sent
    When the strategy author submits it to worlds "alpha" and "beta" for the "backtest" domain
    Then the submission is accepted with a strategy id
    And within 5 seconds Postgres holds the strategy's row with the meta it was submitted with
    And Postgres holds the strategy's events, the first being "INIT:queued"

  @clause.strategies.stores.redis_hash @clause.strategies.stores.dag_hash_key @clause.strategies.stores.dag_hash_permanent
  Scenario: An accepted strategy is recorded in Redis with its DAG and the DAG's hash
    When the strategy author submits it to worlds "alpha" and "beta" for the "backtest" domain
    Then the submission is accepted with a strategy id
    And Redis holds the strategy's hash with its DAG, the DAG's hash and its state
    And Redis maps that DAG hash to the strategy
    And Redis keeps that DAG hash without an expiry, so the DAG stays a duplicate for good

  @clause.strategies.bindings.postgres @clause.strategies.bindings.each_world
  Scenario: An accepted strategy is bound in Postgres and WorldService to each of its worlds
    When the strategy author submits it to worlds "alpha" and "beta" for the "backtest" domain
    Then the submission is accepted with a strategy id
    And Postgres binds each accepted strategy to its worlds and to no other world
    And within 5 seconds WorldService lists the strategy in worlds "alpha" and "beta"

  @clause.strategies.bindings.postgres @clause.strategies.bindings.second_strategy
  Scenario: A second strategy in a world is bound beside the first
    When the strategy author submits it to worlds "alpha" and "beta" for the "backtest" domain
    And the strategy author submits another strategy to world "beta"
    Then Postgres binds each accepted strategy to its worlds and to no other world
    And within 5 seconds the worlds list this scenario's strategies as submitted

  @clause.strategies.duplicate.no_trace @clause.strategies.stores.dag_hash_permanent
  Scenario: A duplicate submission leaves no record of its own
    When the strategy author submits it to world "alpha" for the "live" domain
    Then the submission is accepted with a strategy id
    And submitting the same strategy again under other meta is refused and leaves no strategies row
    And Redis maps that DAG hash to the strategy
    And Redis keeps that DAG hash without an expiry, so the DAG stays a duplicate for good
