@smoke
Feature: Smoke flow of the end-to-end guide
  As a QMTL release engineer
  I want the guide's four smoke checks to pass against a stack that came up by itself
  So that I know the Gateway, its event stream and strategy submission work together

  Background:
    Given the QMTL stack is running

  @clause.health.status.answers @clause.health.health.answers @clause.health.components.named @clause.health.capabilities.listed
  Scenario Outline: The Gateway's <route> names each store and service healthy
    When I ask the Gateway for its <route>
    Then the Gateway answers its <route> within 2 seconds
    And the Gateway's <route> reports each of "redis", "postgres" and "worldservice" as "ok"
    And the Gateway's <route> lists its capabilities

    Examples:
      | route  |
      | status |
      | health |

  @deviation.gateway_degraded_without_neo4j @clause.health.overall.ok_only_when_all_ok
  Scenario Outline: The Gateway's <route> reports the DAG Manager and the whole stack healthy
    When I ask the Gateway for its <route>
    Then the Gateway's <route> reports each of "dagmanager" as "ok"
    And the Gateway's <route> reports the overall status as "ok"

    Examples:
      | route  |
      | status |
      | health |

  @clause.smoke.tokens.per_world
  Scenario: Event tokens for two worlds carry their own claims and verify against the published keys
    Given two worlds "alpha" and "beta"
    When a strategy in each world subscribes to its "activation" and "queue" events
    Then each world is given an event token
    And each token's signature verifies against the keys the Gateway publishes
    And each token is for the "controlbus" audience, names its own world and strategy, and lists the topics asked for
    And each token expires when the Gateway says it does

  @clause.smoke.stream.per_world
  Scenario: A subscriber connects to the event stream with each world's token
    Given two worlds "alpha" and "beta"
    And a strategy in each world holds an event token for its "activation" events
    When a subscriber opens the event stream with each world's token
    Then each event stream connection is accepted within 2 seconds

  @clause.smoke.submission.per_world
  Scenario: A strategy submitted to each world is accepted and bound to that world
    Given two worlds "alpha" and "beta"
    When a strategy is submitted to each world through the Gateway
    Then each submission is accepted with its own strategy id
    And within 5 seconds each world lists its own strategy and not the other world's
