@strategies
Feature: Strategy submission rules
  As a strategy author
  I want the Gateway to accept a well-formed strategy once and refuse anything else with a precise reason
  So that every strategy that runs is exactly the one I built, bound to the worlds I chose

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy

  Scenario Outline: Submitting <case>
    When the strategy author submits "<case>"
    Then the Gateway answers the submission with HTTP <status> and error code "<code>"
    And the submission answer shows <evidence>
    And within 5 seconds the worlds list this scenario's strategy in <worlds>

    Examples: Accepted, deduplicated or refused at every contract revision
      | case                                                | status | code                | evidence                                                     | worlds         |
      | a valid strategy to world alpha                     | 202    | none                | a new strategy id, its sentinel and the checksum it was sent | alpha only     |
      | the same strategy to world alpha a second time      | 409    | E_DUPLICATE         | the first submission's strategy id                           | alpha only     |
      | the same strategy to world beta after world alpha   | 409    | E_DUPLICATE         | the first submission's strategy id                           | alpha only     |
      | one strategy to worlds alpha and beta               | 202    | none                | a new strategy id, its sentinel and the checksum it was sent | alpha and beta |
      | a strategy without a schema version                 | 400    | E_SCHEMA_INVALID    | the supported schema versions                                | neither        |
      | a strategy whose node-id checksum does not match    | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code                             | neither        |
      | a strategy with a node whose id is not canonical    | 400    | E_NODE_ID_MISMATCH  | the index of the altered node and its canonical id           | neither        |
      | a strategy with a node lacking its config hash      | 400    | E_NODE_ID_FIELDS    | the index of the altered node and its missing field          | neither        |

    @deviation.bad_dag_json_500
    Examples: A DAG that is not a JSON object
      | case                                                | status | code                | evidence                                                     | worlds         |
      | a strategy whose DAG is not JSON                    | 400    | E_DAG_JSON_INVALID  | nothing more than the error code                             | neither        |
      | a strategy whose DAG is a JSON list                 | 400    | E_DAG_NOT_OBJECT    | nothing more than the error code                             | neither        |

    @use.with_contract=2026-04
    Examples: World ids at QMTL 2026-04
      | case                                                    | status | code                  | evidence                         | worlds  |
      | a strategy without world ids                            | 422    | E_WORLD_IDS_REQUIRED  | nothing more than the error code | neither |
      | a strategy naming world alpha in the old world_id field | 422    | E_WORLD_ID_DEPRECATED | nothing more than the error code | neither |

    @use.with_contract=2026-02
    Examples: World ids at QMTL 2026-02
      | case                                                    | status | code | evidence                                                     | worlds     |
      | a strategy without world ids                            | 202    | none | a new strategy id, its sentinel and the checksum it was sent | neither    |
      | a strategy naming world alpha in the old world_id field | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha only |
