@strategies
Feature: Strategy status
  As a strategy author
  I want the status of my strategy to move on as the platform works on it
  So that I know when its queues are in place, or that it failed

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy

  @clause.strategies.status.known_200
  Scenario: An accepted strategy has a status right away
    When the strategy author submits it to world "alpha" for the "live" domain
    Then the submission is accepted with a strategy id
    And the Gateway reports a status of queued, processing or completed for it right away

  @deviation.status_stays_queued @clause.strategies.status.completes
  Scenario: A submitted strategy reaches the completed status
    When the strategy author submits it to world "alpha" for the "live" domain
    Then the submission is accepted with a strategy id
    And within 5 seconds the Gateway reports the strategy's status as "completed"

  @deviation.status_stays_queued @clause.strategies.status.each_strategy
  Scenario: Each of several strategies reaches the completed status
    When the strategy author submits 3 different strategies to worlds "alpha" and "beta"
    Then within 5 seconds the Gateway reports every strategy's status as "completed"

  @use.with_stores=visible @deviation.status_stays_queued @clause.strategies.events.each_change
  Scenario: Every status change of a strategy is recorded as an event
    When the strategy author submits it to world "alpha" for the "live" domain
    Then the submission is accepted with a strategy id
    And within 5 seconds the Gateway reports the strategy's status as "completed"
    And within 2 seconds Postgres records the strategy's statuses as "queued", "processing" and "completed" in that order

  @use.with_stores=visible @deviation.status_stays_queued @clause.strategies.stores.status_agrees
  Scenario: The stores hold the status the Gateway reports
    When the strategy author submits it to world "alpha" for the "live" domain
    Then within 5 seconds the Gateway reports the strategy's status as "completed"
    And Postgres and Redis both hold the status "completed" for the strategy

  @clause.strategies.status.unknown_404
  Scenario Outline: The status of <unknown> is not found
    Given the strategy author submitted it to world "alpha"
    When someone asks the Gateway for the status of <unknown>
    Then the Gateway answers the status request with HTTP 404 and the detail "strategy not found"

    Examples:
      | unknown                                               |
      | an id it never issued                                 |
      | the sentinel id of an accepted strategy               |
      | an accepted strategy's id with its last digit changed |
      | the first half of an accepted strategy's id           |
