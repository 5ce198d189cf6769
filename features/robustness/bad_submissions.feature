Feature: The Gateway refuses bad submissions cleanly
  A client may send anything to POST /strategies. Where no published schema
  reaches, each bad body is refused with its own status and error code and a
  message saying why, before anything is recorded: the same strategy sent
  again with a good body is accepted. An error body never shows a stack trace,
  a source file path or the address of a service behind the Gateway.

  Background:
    Given the QMTL stack is running
    And world "alpha"

  @clause.robustness.submission.refused_with_code @clause.robustness.submission.says_why
  Scenario Outline: The Gateway refuses <case> with HTTP <status> and <code>
    When a client submits <case> to the Gateway
    Then the Gateway refuses it with HTTP <status> and error code "<code>", saying why

    @deviation.bad_dag_json_500
    Examples: A DAG that is not a JSON object
      | case                            | status | code               |
      | a body without a DAG            | 400    | E_DAG_JSON_INVALID |
      | a body whose DAG is a number    | 400    | E_DAG_JSON_INVALID |
      | a body whose DAG is empty       | 400    | E_DAG_JSON_INVALID |
      | a body whose DAG is not JSON    | 400    | E_DAG_JSON_INVALID |
      | a body whose DAG is a JSON list | 400    | E_DAG_NOT_OBJECT   |

    @use.with_contract=2026-04
    Examples: World ids the contract requires
      | case                             | status | code                 |
      | a body without world ids         | 422    | E_WORLD_IDS_REQUIRED |
      | a body whose world ids are empty | 422    | E_WORLD_IDS_REQUIRED |

    @deviation.no_edge_validation
    Examples: Fields of the wrong type, and a body that is no object
      | case                                               | status | code                 |
      | a body that is not JSON                            | 400    | E_BODY_INVALID       |
      | a body that is a JSON list                         | 422    | E_BODY_INVALID       |
      | a body whose world ids are one string              | 422    | E_WORLD_IDS_REQUIRED |
      | a body whose second world id is a number           | 422    | E_WORLD_IDS_REQUIRED |
      | a body without a node-id checksum                  | 422    | E_CHECKSUM_REQUIRED  |
      | a body whose checksum is a string                  | 422    | E_CHECKSUM_REQUIRED  |
      | a body whose checksum is a boolean                 | 422    | E_CHECKSUM_REQUIRED  |
      | a body whose checksum is null                      | 422    | E_CHECKSUM_REQUIRED  |
      | a body whose checksum is the right one plus a half | 422    | E_CHECKSUM_REQUIRED  |
      | a body whose meta is a list                        | 422    | E_META_INVALID       |
      | a body whose meta holds a NUL                      | 422    | E_META_INVALID       |

    @deviation.no_edge_validation
    Examples: World ids outside the id rule
      | case                                 | status | code               |
      | a world id with a control character  | 422    | E_WORLD_ID_INVALID |
      | a world id with a NUL                | 422    | E_WORLD_ID_INVALID |
      | a world id ending in a newline       | 422    | E_WORLD_ID_INVALID |
      | a first world id ending in a newline | 422    | E_WORLD_ID_INVALID |
      | a world id with a space              | 422    | E_WORLD_ID_INVALID |
      | a world id of non-ASCII letters      | 422    | E_WORLD_ID_INVALID |
      | a world id of 129 characters         | 422    | E_WORLD_ID_INVALID |
      | a world id of 100,000 characters     | 422    | E_WORLD_ID_INVALID |
      | a world id with a dot                | 422    | E_WORLD_ID_INVALID |
      | a world id starting with a dash      | 422    | E_WORLD_ID_INVALID |

    @deviation.no_edge_validation
    Examples: Too many worlds, a DAG too large
      | case                     | status | code              |
      | 101 world ids            | 422    | E_TOO_MANY_WORLDS |
      | 10,000 world ids         | 422    | E_TOO_MANY_WORLDS |
      | a DAG of 1,001 nodes     | 413    | E_DAG_TOO_LARGE   |
      | a DAG of just over 1 MiB | 413    | E_DAG_TOO_LARGE   |

  @clause.robustness.errors.nothing_internal
  Scenario Outline: The refusal of <case> shows nothing internal
    When a client submits <case> to the Gateway
    Then the Gateway's error body shows no stack trace, file path or internal address

    Examples: A DAG that is not a JSON object (real QMTL's crash shows nothing internal either)
      | case                            |
      | a body without a DAG            |
      | a body whose DAG is a number    |
      | a body whose DAG is empty       |
      | a body whose DAG is not JSON    |
      | a body whose DAG is a JSON list |

    @use.with_contract=2026-04
    Examples: World ids the contract requires
      | case                             |
      | a body without world ids         |
      | a body whose world ids are empty |

    @deviation.no_edge_validation
    Examples: Fields of the wrong type, and a body that is no object
      | case                                     |
      | a body that is not JSON                  |
      | a body that is a JSON list               |
      | a body whose world ids are one string    |
      | a body whose second world id is a number |
      | a body without a node-id checksum        |
      | a body whose checksum is a string        |
      | a body whose checksum is a boolean       |
      | a body whose meta is a list              |
      | a body whose meta holds a NUL            |

    @deviation.no_edge_validation
    Examples: World ids outside the id rule
      | case                                 |
      | a world id with a control character  |
      | a world id with a NUL                |
      | a world id ending in a newline       |
      | a first world id ending in a newline |
      | a world id with a space              |
      | a world id of non-ASCII letters      |
      | a world id of 129 characters         |
      | a world id of 100,000 characters     |
      | a world id with a dot                |
      | a world id starting with a dash      |

    @deviation.no_edge_validation
    Examples: Too many worlds, a DAG too large
      | case                     |
      | 101 world ids            |
      | 10,000 world ids         |
      | a DAG of 1,001 nodes     |
      | a DAG of just over 1 MiB |

  @clause.robustness.submission.retry_accepted
  Scenario Outline: After <case>, the same strategy with a good body is accepted
    When a client submits <case> to the Gateway
    Then the same strategy submitted again with a good body is accepted

    Examples: A DAG that is not a JSON object (real QMTL's crash records nothing)
      | case                            |
      | a body without a DAG            |
      | a body whose DAG is a number    |
      | a body whose DAG is empty       |
      | a body whose DAG is not JSON    |
      | a body whose DAG is a JSON list |

    @use.with_contract=2026-04
    Examples: World ids the contract requires
      | case                             |
      | a body without world ids         |
      | a body whose world ids are empty |

    @deviation.no_edge_validation
    Examples: Fields of the wrong type, and a body that is no object
      | case                                     |
      | a body that is not JSON                  |
      | a body that is a JSON list               |
      | a body whose world ids are one string    |
      | a body whose second world id is a number |
      | a body without a node-id checksum        |
      | a body whose checksum is a string        |
      | a body whose checksum is a boolean       |
      | a body whose meta is a list              |
      | a body whose meta holds a NUL            |

    @deviation.no_edge_validation
    Examples: World ids outside the id rule
      | case                                 |
      | a world id with a control character  |
      | a world id with a NUL                |
      | a world id ending in a newline       |
      | a first world id ending in a newline |
      | a world id with a space              |
      | a world id of non-ASCII letters      |
      | a world id of 129 characters         |
      | a world id of 100,000 characters     |
      | a world id with a dot                |
      | a world id starting with a dash      |

    @deviation.no_edge_validation
    Examples: Too many worlds, a DAG too large
      | case                     |
      | 101 world ids            |
      | 10,000 world ids         |
      | a DAG of 1,001 nodes     |
      | a DAG of just over 1 MiB |

  @clause.robustness.limits.stated @deviation.no_edge_validation
  Scenario Outline: The refusal of <case> states the limit <limit>
    When a client submits <case> to the Gateway
    Then the Gateway refuses it with HTTP <status> and error code "<code>", saying why
    And the refusal states the limit <limit>

    Examples: Limits
      | case                     | status | code              | limit   |
      | 101 world ids            | 422    | E_TOO_MANY_WORLDS | 100     |
      | 10,000 world ids         | 422    | E_TOO_MANY_WORLDS | 100     |
      | a DAG of 1,001 nodes     | 413    | E_DAG_TOO_LARGE   | 1000    |
      | a DAG of just over 1 MiB | 413    | E_DAG_TOO_LARGE   | 1048576 |

  @clause.robustness.limits.edge_accepted @deviation.no_edge_validation
  Scenario Outline: The Gateway accepts <case>
    When a client submits <case> to the Gateway
    Then the Gateway accepts it with a new strategy id

    Examples: The accepted side of each limit
      | case                                                                |
      | a strategy to a world id of exactly 128 characters                  |
      | a strategy to exactly 100 world ids                                 |
      | a strategy of exactly 1,000 nodes                                   |
      | a strategy to a world id of letters, digits, underscores and dashes |

  @deviation.no_edge_validation @clause.strategies.schema.nodes_list_of_objects @clause.robustness.submission.retry_accepted
  Scenario Outline: The Gateway refuses <case> as an invalid schema, naming the nodes, and records nothing
    When a client submits <case> to the Gateway
    Then the Gateway refuses it with HTTP 400 and error code "E_SCHEMA_INVALID", its errors naming the path "nodes" and saying why
    And the same strategy submitted again with a good body is accepted

    Examples:
      | case                                          |
      | a DAG without nodes                           |
      | a DAG whose nodes are null                    |
      | a DAG whose nodes are a string                |
      | a DAG whose nodes are one object              |
      | a DAG whose nodes are a list holding a number |
      | a DAG whose nodes are a list holding null     |
      | a DAG whose nodes are a list holding a list   |
      | a DAG whose second node is a string           |

  @deviation.bad_dag_json_500 @clause.strategies.dag_json.neither_json_nor_base64 @clause.strategies.dag_json.lone_surrogate
  Scenario Outline: The Gateway refuses <case> with HTTP 400 and says exactly why
    When a client submits <case> to the Gateway
    Then the Gateway refuses it with HTTP 400, error code "E_DAG_JSON_INVALID" and the message "<message>"
    And the same strategy submitted again with a good body is accepted

    Examples: Text that is neither JSON nor base64 of UTF-8 JSON
      | case                                                   | message                                     |
      | a body whose DAG is text that is not base64            | dag_json is neither JSON nor base64 of JSON |
      | a body whose DAG is base64 missing its padding         | dag_json is neither JSON nor base64 of JSON |
      | a body whose DAG is base64 of bytes that are not UTF-8 | dag_json is neither JSON nor base64 of JSON |
      | a body whose DAG is non-ASCII text                     | dag_json is neither JSON nor base64 of JSON |

    Examples: JSON holding a surrogate escape no UTF-8 text can carry
      | case                                                               | message                                                             |
      | a DAG holding an unpaired high surrogate escape                    | dag_json holds an unpaired surrogate escape or is nested too deeply |
      | a DAG holding an unpaired low surrogate escape                     | dag_json holds an unpaired surrogate escape or is nested too deeply |
      | a DAG whose second node's params hold an unpaired surrogate escape | dag_json holds an unpaired surrogate escape or is nested too deeply |
      | base64 of a DAG holding an unpaired surrogate escape               | dag_json holds an unpaired surrogate escape or is nested too deeply |

  @deviation.no_edge_validation @clause.strategies.nodes.interval_period_integers
  Scenario Outline: The Gateway refuses a DAG whose <ordinal> node has <value> as its <field>, naming the node and the field
    When a client submits a DAG whose <ordinal> node has <value> as its <field> to the Gateway
    Then the Gateway refuses it with HTTP 400, error code "E_SCHEMA_INVALID" and the one error "<message>" at the path "nodes"

    Examples: Not an integer at all
      | ordinal | field    | value     | message                                  |
      | first   | interval | a word    | node 0: interval must be an integer      |
      | first   | interval | a list    | node 0: interval must be an integer      |
      | second  | interval | an object | node 1: interval must be an integer      |
      | first   | period   | a word    | node 0: period must be an integer        |
      | second  | period   | a list    | node 1: period must be an integer        |
      | second  | period   | an object | node 1: period must be an integer        |

    Examples: A boolean, or an integer past 64 bits
      | ordinal | field    | value                | message                                                                                  |
      | first   | interval | true                 | node 0: interval must be an integer between -9223372036854775808 and 9223372036854775807 |
      | second  | interval | 9223372036854775808  | node 1: interval must be an integer between -9223372036854775808 and 9223372036854775807 |
      | first   | period   | false                | node 0: period must be an integer between -9223372036854775808 and 9223372036854775807   |
      | second  | period   | -9223372036854775809 | node 1: period must be an integer between -9223372036854775808 and 9223372036854775807   |
      | first   | period   | 9223372036854775808  | node 0: period must be an integer between -9223372036854775808 and 9223372036854775807   |
