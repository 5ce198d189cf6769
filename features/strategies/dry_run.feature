@strategies
Feature: Dry runs
  As a strategy author
  I want to see the queues my strategy would get before I submit it
  So that I can check its wiring without running anything

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy

  @clause.strategies.dry_run.queue_names @clause.strategies.dry_run.records_nothing
  Scenario Outline: A one-world dry run in the "<domain>" domain names every node's queue and records nothing
    When the strategy author dry-runs it for world "alpha" in the "<domain>" domain
    Then the Gateway answers the dry run with HTTP 200
    And every node has one queue per world, each named after its world and that domain
    And the dry run recorded nothing: the same strategy can still be submitted afterwards

    Examples:
      | domain   |
      | backtest |

    @deviation.domain_from_world_decision
    Examples: A domain the world has not decided
      | domain |
      | live   |

  @deviation.dry_run_slow_for_several_worlds @clause.strategies.dry_run.per_world @clause.strategies.dry_run.records_nothing
  Scenario: A dry run names every node's queues by world and execution domain and records nothing
    When the strategy author dry-runs it for worlds "alpha" and "beta" in the "backtest" domain
    Then the Gateway answers the dry run with HTTP 200
    And every node has one queue per world, each named after its world and that domain
    And the dry run recorded nothing: the same strategy can still be submitted afterwards

  @clause.strategies.dry_run.same_validation
  Scenario Outline: A dry run refuses <case>
    When the strategy author dry-runs "<case>"
    Then the Gateway answers the dry run with HTTP <status> and error code "<code>"

    Examples:
      | case                                                  | status | code                |
      | a strategy without a schema version                   | 400    | E_SCHEMA_INVALID    |
      | a strategy whose node-id checksum does not match      | 400    | E_CHECKSUM_MISMATCH |
      | a strategy with a node lacking its config hash        | 400    | E_NODE_ID_FIELDS    |
      | a strategy whose first node's id is not canonical     | 400    | E_NODE_ID_MISMATCH  |
