@strategies
Feature: Finding queues by tag through the Gateway
  As a strategy author whose strategy reads other strategies' data by tag
  I want the Gateway to list the queues carrying a tag in my world
  So that my tag queries connect to the right upstream data

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy whose price stream is tagged "price"

  @deviation.status_stays_queued
  Scenario: The Gateway lists one world's queues of a tagged stream once its strategy is in place
    When the strategy author submits it to worlds "alpha" and "beta" for the "live" domain
    Then the submission is accepted with a strategy id
    And within 5 seconds the Gateway reports the strategy's status as "completed"
    And the Gateway lists, for queues tagged "price" at a 60-second interval in world "alpha", only that world's queue of the tagged stream
    And asking the Gateway for queues tagged "price" without an interval is refused with HTTP 422
