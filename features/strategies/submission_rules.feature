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
    And within 5 seconds the worlds list this scenario's strategies in <worlds>

    @clause.strategies.submit.accepted_202 @clause.strategies.submit.dag_json_encodings
    @clause.strategies.submit.multiple_worlds @clause.strategies.submit.distinct_ids
    @clause.strategies.schema.versions_accepted @clause.strategies.fields.legacy_schema_id
    @clause.strategies.node_id.volatile_params_ignored @clause.strategies.duplicate.refused_not_reserved
    @clause.strategies.bindings.each_world @clause.strategies.bindings.second_strategy
    Examples: Accepted
      | case                                                    | status | code | evidence                                                     | worlds         |
      | a valid strategy to world alpha                         | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha only     |
      | one strategy to worlds alpha and beta                   | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha and beta |
      | a valid strategy sent as plain JSON text                | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha only     |
      | a strategy of schema version 1                          | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha only     |
      | a strategy of schema version 1.0                        | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha only     |
      | a strategy whose nodes carry the legacy schema id       | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha only     |
      | a strategy whose node params name its world             | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha only     |
      | a second, different strategy to world alpha             | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha only     |
      | the same strategy after it was refused for its checksum | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha only     |
      | a valid strategy whose node ids are in descending order | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha only     |
      | the same nodes under other names after world alpha      | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha only     |

    @clause.strategies.duplicate.refused_409 @clause.strategies.duplicate.whatever_worlds_or_meta
    @clause.strategies.duplicate.decoded_dag_hash @clause.strategies.duplicate.repeated
    @clause.strategies.bindings.duplicate_unbound
    Examples: Duplicates of a strategy already accepted
      | case                                                         | status | code        | evidence                           | worlds     |
      | the same strategy to world alpha a second time               | 409    | E_DUPLICATE | the first submission's strategy id | alpha only |
      | the same strategy to world beta after world alpha            | 409    | E_DUPLICATE | the first submission's strategy id | alpha only |
      | the same strategy to worlds alpha and beta after world alpha | 409    | E_DUPLICATE | the first submission's strategy id | alpha only |
      | the same strategy with another execution domain              | 409    | E_DUPLICATE | the first submission's strategy id | alpha only |
      | the same strategy as plain JSON text after base64            | 409    | E_DUPLICATE | the first submission's strategy id | alpha only |
      | the same strategy with its keys in another order             | 409    | E_DUPLICATE | the first submission's strategy id | alpha only |
      | the same strategy a third time                               | 409    | E_DUPLICATE | the first submission's strategy id | alpha only |

    @clause.strategies.rules.order @clause.strategies.checksum.mismatch_400
    Examples: A known DAG that breaks a rule is refused for the rule, not as a duplicate
      | case                                                    | status | code                | evidence                         | worlds     |
      | the same strategy with a bad checksum after world alpha | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code | alpha only |

    @clause.strategies.schema.invalid_400 @clause.strategies.rules.order @clause.strategies.bindings.refused_unbound
    Examples: Schema versions the Gateway does not support
      | case                                                    | status | code             | evidence                      | worlds  |
      | a strategy without a schema version                     | 400    | E_SCHEMA_INVALID | the supported schema versions | neither |
      | a strategy of schema version v2                         | 400    | E_SCHEMA_INVALID | the supported schema versions | neither |
      | a strategy with an empty schema version                 | 400    | E_SCHEMA_INVALID | the supported schema versions | neither |
      | a strategy whose schema version is the number 2         | 400    | E_SCHEMA_INVALID | the supported schema versions | neither |
      | a strategy with a bad schema version and a bad checksum | 400    | E_SCHEMA_INVALID | the supported schema versions | neither |

    @clause.strategies.checksum.mismatch_400 @clause.strategies.rules.order @clause.strategies.bindings.refused_unbound
    Examples: Node-id checksums that do not match
      | case                                                              | status | code                | evidence                         | worlds  |
      | a strategy whose node-id checksum does not match                  | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code | neither |
      | a strategy whose node-id checksum is zero                         | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code | neither |
      | a strategy whose checksum covers its node ids in reverse order    | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code | neither |
      | a strategy whose checksum covers only its first node              | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code | neither |
      | a strategy whose checksum covers its node ids in sorted order     | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code | neither |
      | a strategy whose checksum covers its node ids joined by commas    | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code | neither |

    @clause.strategies.checksum.mismatch_400 @clause.strategies.rules.order @clause.strategies.bindings.refused_unbound
    @deviation.node_fields_before_checksum
    Examples: A bad checksum is refused before a node's missing fields
      | case                                                              | status | code                | evidence                         | worlds  |
      | a strategy with a bad checksum and a node lacking its config hash | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code | neither |

    @clause.strategies.checksum.out_of_range_400 @clause.strategies.checksum.mismatch_400 @clause.strategies.bindings.refused_unbound
    Examples: Checksums outside the 32-bit range, or one below the right one
      | case                                                                   | status | code                | evidence                         | worlds  |
      | a strategy whose checksum is the right one plus 2 to the 32nd power    | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code | neither |
      | a strategy whose checksum is the right one as a negative 32-bit number | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code | neither |
      | a strategy whose checksum is minus one                                 | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code | neither |
      | a strategy whose checksum is one less than the right one               | 400    | E_CHECKSUM_MISMATCH | nothing more than the error code | neither |

    @clause.strategies.node_id.unstated_as_zero
    Examples: Nodes that state no interval or period: their ids count it as 0
      | case                                                                  | status | code               | evidence                                                     | worlds     |
      | a strategy whose first node states no interval                        | 202    | none               | a new strategy id, its sentinel and the checksum it was sent | alpha only |
      | a strategy whose last node states no period                           | 202    | none               | a new strategy id, its sentinel and the checksum it was sent | alpha only |
      | a strategy whose first node states neither interval nor period        | 202    | none               | a new strategy id, its sentinel and the checksum it was sent | alpha only |
      | a strategy whose last node's interval and period are null             | 202    | none               | a new strategy id, its sentinel and the checksum it was sent | alpha only |
      | a strategy whose node leaves out an interval its id was computed with | 400    | E_NODE_ID_MISMATCH | the index of each altered node and its canonical id          | neither    |

    @clause.strategies.fields.missing_400 @clause.strategies.rules.order @clause.strategies.bindings.refused_unbound
    Examples: Nodes lacking a field their id is computed from
      | case                                                                         | status | code             | evidence                                              | worlds  |
      | a strategy with a node lacking its config hash                               | 400    | E_NODE_ID_FIELDS | the index of each altered node and its missing fields | neither |
      | a strategy whose first node lacks its code hash                              | 400    | E_NODE_ID_FIELDS | the index of each altered node and its missing fields | neither |
      | a strategy whose first node lacks its node type                              | 400    | E_NODE_ID_FIELDS | the index of each altered node and its missing fields | neither |
      | a strategy whose last node lacks its schema hash                             | 400    | E_NODE_ID_FIELDS | the index of each altered node and its missing fields | neither |
      | a strategy whose last node lacks its schema compat id                        | 400    | E_NODE_ID_FIELDS | the index of each altered node and its missing fields | neither |
      | a strategy whose first node has an empty config hash                         | 400    | E_NODE_ID_FIELDS | the index of each altered node and its missing fields | neither |
      | a strategy whose two nodes each lack two fields                              | 400    | E_NODE_ID_FIELDS | the index of each altered node and its missing fields | neither |
      | a strategy with a node lacking a field and another whose id is not canonical | 400    | E_NODE_ID_FIELDS | the index of each altered node and its missing fields | neither |

    @clause.strategies.node_id.mismatch_400 @clause.strategies.node_id.preimage @clause.strategies.bindings.refused_unbound
    Examples: Node ids that are not the canonical ones
      | case                                                                | status | code               | evidence                                            | worlds  |
      | a strategy with a node whose id is not canonical                    | 400    | E_NODE_ID_MISMATCH | the index of each altered node and its canonical id | neither |
      | a strategy whose first node's id is not canonical                   | 400    | E_NODE_ID_MISMATCH | the index of each altered node and its canonical id | neither |
      | a strategy whose two nodes' ids are not canonical                   | 400    | E_NODE_ID_MISMATCH | the index of each altered node and its canonical id | neither |
      | a strategy whose node id lacks its blake3 prefix                    | 400    | E_NODE_ID_MISMATCH | the index of each altered node and its canonical id | neither |
      | a strategy whose node's period changed after its id was computed    | 400    | E_NODE_ID_MISMATCH | the index of each altered node and its canonical id | neither |
      | a strategy whose node's interval changed after its id was computed  | 400    | E_NODE_ID_MISMATCH | the index of each altered node and its canonical id | neither |
      | a strategy whose node's params changed after its id was computed    | 400    | E_NODE_ID_MISMATCH | the index of each altered node and its canonical id | neither |

    @deviation.bad_dag_json_500 @clause.strategies.dag_json.invalid_400
    Examples: A DAG that is not a JSON object
      | case                                  | status | code               | evidence                         | worlds  |
      | a strategy whose DAG is not JSON      | 400    | E_DAG_JSON_INVALID | nothing more than the error code | neither |
      | a strategy whose DAG is a JSON list   | 400    | E_DAG_NOT_OBJECT   | nothing more than the error code | neither |
      | a strategy whose DAG is a JSON string | 400    | E_DAG_NOT_OBJECT   | nothing more than the error code | neither |

    @use.with_contract=2026-04 @clause.strategies.world_ids.required_422 @clause.strategies.world_ids.deprecated_422
    Examples: World ids at QMTL 2026-04
      | case                                                    | status | code                  | evidence                         | worlds  |
      | a strategy without world ids                            | 422    | E_WORLD_IDS_REQUIRED  | nothing more than the error code | neither |
      | a strategy with an empty list of world ids              | 422    | E_WORLD_IDS_REQUIRED  | nothing more than the error code | neither |
      | a strategy naming world alpha in the old world_id field | 422    | E_WORLD_ID_DEPRECATED | nothing more than the error code | neither |

    @use.with_contract=2026-02
    Examples: World ids at QMTL 2026-02
      | case                                                    | status | code | evidence                                                     | worlds     |
      | a strategy without world ids                            | 202    | none | a new strategy id, its sentinel and the checksum it was sent | neither    |
      | a strategy with an empty list of world ids              | 202    | none | a new strategy id, its sentinel and the checksum it was sent | neither    |
      | a strategy naming world alpha in the old world_id field | 202    | none | a new strategy id, its sentinel and the checksum it was sent | alpha only |

  @clause.strategies.duplicate.concurrent
  Scenario: Simultaneous identical submissions: exactly one is accepted and the others name it
    When the strategy author sends the strategy to world "alpha" 6 times at once
    Then exactly one submission is accepted and the other 5 are refused as duplicates naming it
    And within 5 seconds world "alpha" lists only the accepted strategy
