@dagmanager
Feature: The world and domain a diff names its queues under
  As the Gateway
  I want the DAG Manager to name a strategy's queues after the world and execution domain it runs in,
  whether the diff request names them or the strategy's DAG names them in its own meta
  So that two worlds, or two domains of one world, never share a queue by mistake

  Background:
    Given the QMTL stack is running
    And a gRPC connection to the DAG Manager
    And a freshly built strategy of a price stream and one computation

  @clause.dagmanager.diff.namespace_from_meta @clause.dagmanager.diff.namespace_meta_keys
  Scenario Outline: A DAG whose meta names <naming> is namespaced from its meta when the request names no world
    When the DAG Manager diffs it with a request naming no world or domain, the DAG's meta naming <naming>
    Then every node of the strategy gets one queue named under world "<world>" in the "<domain>" domain
    And each queue-map key names its node, the node's interval and a compute key

    Examples:
      | naming                                                                       | world | domain   |
      | its world as "world_id" and its domain as "execution_domain"                 | alpha | backtest |
      | an empty "world" and its world as "world_id"                                 | alpha | backtest |
      | a null "world" and its world as "world_id"                                   | alpha | backtest |
      | world "alpha" as "world" and world "beta" as "world_id"                      | alpha | backtest |
      | the "backtest" domain as "execution_domain" and the "dryrun" domain as "domain" | alpha | backtest |
      | its domain in capital letters                                                | alpha | backtest |

    @deviation.diff_domain_safe_mode_backtest
    Examples: A domain other than the one QMTL falls back to
      | naming                                                                       | world | domain   |
      | its world as "world" and its domain as "domain"                              | alpha | dryrun   |
      | an empty "execution_domain" and its domain as "domain"                       | alpha | dryrun   |
      | its world and no domain                                                      | alpha | live     |

  @deviation.diff_namespace_from_meta_only @clause.dagmanager.diff.namespace
  Scenario Outline: A diff request naming world "alpha" and <domain> namespaces the queues of a DAG carrying <lacking>
    When the DAG Manager diffs it with a request naming world "alpha" and <domain>, the DAG carrying <lacking>
    Then every node of the strategy gets one queue named under world "alpha" in the "<named>" domain

    Examples:
      | domain                 | lacking                                   | named    |
      | the "backtest" domain  | no meta at all                            | backtest |
      | the "dryrun" domain    | an empty meta                             | dryrun   |
      | the "backtest" domain  | a meta whose world and world id are empty | backtest |
      | the "dryrun" domain    | a meta naming neither world nor domain    | dryrun   |
      | no domain              | no meta at all                            | live     |

  @clause.dagmanager.diff.global_without_world
  Scenario: A diff that names no world anywhere gives world-shared queues
    When the DAG Manager diffs it with a request naming no world or domain, the DAG's meta naming no world and no domain
    Then every node of the strategy gets one world-shared queue, named without a world or domain
