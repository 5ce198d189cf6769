@strategies
Feature: Strategy status
  As a strategy author
  I want the status of my strategy to move on as the platform works on it
  So that I know when its queues are in place, or that it failed

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy

  @deviation.status_stays_queued
  Scenario: A submitted strategy reaches the completed status
    When the strategy author submits it to world "alpha" for the "live" domain
    Then the submission is accepted with a strategy id
    And within 5 seconds the Gateway reports the strategy's status as "completed"

  @use.with_stores=visible @deviation.status_stays_queued
  Scenario: Every status change of a strategy is recorded as an event
    When the strategy author submits it to world "alpha" for the "live" domain
    Then the submission is accepted with a strategy id
    And within 5 seconds the Gateway reports the strategy's status as "completed"
    And within 2 seconds Postgres records the strategy's statuses as queued, processing and completed in that order

  Scenario: The status of a strategy nobody submitted is not found
    When someone asks the Gateway for the status of a strategy id it never issued
    Then the Gateway answers the status request with HTTP 404 and the detail "strategy not found"
