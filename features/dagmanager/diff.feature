@dagmanager
Feature: Diffing a strategy with the DAG Manager
  As the Gateway
  I want the DAG Manager to answer a strategy's DAG with its queues, chunk by acknowledged chunk
  So that no part of a strategy's queue map is lost on the way

  Background:
    Given the QMTL stack is running
    And a gRPC connection to the DAG Manager

  @clause.dagmanager.diff.queue_per_node @clause.dagmanager.diff.namespace @clause.dagmanager.diff.key_shape
  @clause.dagmanager.diff.value_shape @clause.dagmanager.diff.sentinel @clause.dagmanager.diff.version
  Scenario: A diff returns a queue map namespaced by world and domain, with the strategy's sentinel
    Given a freshly built strategy of a price stream, a volume stream and two computations
    When the DAG Manager diffs it for world "alpha" in the "backtest" domain, acknowledging every chunk
    Then the diff completes within 5 seconds
    And every node of the strategy gets one queue in that world's namespace for that domain
    And each queue-map key names its node, the node's interval and a compute key
    And each queue is named after its node's type and id
    And every chunk carries the strategy's sentinel and one version label

  # The node ids are the contract's pre-image of such params: the text of the list or string,
  # or the config when params is null.
  @clause.dagmanager.diff.params_not_object @clause.dagmanager.diff.queue_per_node @clause.dagmanager.diff.key_shape
  @clause.dagmanager.diff.value_shape @deviation.diff_domain_safe_mode_backtest @deviation.buffering_on_schema_change_only
  Scenario Outline: A strategy whose nodes' params are <params> is diffed like any other
    Given a freshly built strategy of a price stream and one computation whose params are <params>
    When the DAG Manager diffs it for world "alpha" in the "live" domain, acknowledging every chunk
    Then the diff completes within 5 seconds
    And every node of the strategy gets one queue in that world's namespace for that domain
    And each queue-map key names its node, the node's interval and a compute key
    And each queue is named after its node's type and id
    And the diff carries one buffering instruction for each node with a period and none for a node without

    Examples:
      | params                                |
      | a list                                |
      | a string                              |
      | null, their settings in config        |

  @clause.dagmanager.diff.namespace @clause.dagmanager.diff.worlds_apart
  @deviation.compute_key_ignores_request
  Scenario Outline: A strategy diffed for two worlds in the "<domain>" domain gets each world's own queues
    Given a freshly built strategy of a price stream and one computation
    When the DAG Manager diffs it for worlds "alpha" and "beta" in the "<domain>" domain, acknowledging every chunk
    Then each world's diff gives every node one queue in that world's namespace for that domain
    And no queue or compute key is shared between the two worlds

    @deviation.diff_domain_safe_mode_backtest
    Examples:
      | domain   |
      | live     |
      | dryrun   |

    Examples: The domain QMTL falls back to
      | domain   |
      | backtest |

  @clause.dagmanager.diff.simultaneous @clause.dagmanager.diff.namespace
  @deviation.diff_domain_safe_mode_backtest @deviation.compute_key_ignores_request @deviation.concurrent_diffs_share_a_stream
  Scenario: One strategy diffed for two worlds in simultaneous calls gets both worlds' queues
    Given a freshly built strategy of 120 streams each feeding one computation
    When the DAG Manager diffs it for worlds "alpha" and "beta" in the "live" domain in simultaneous calls
    Then each world's diff gives every node one queue in that world's namespace for that domain
    And no queue or compute key is shared between the two worlds

  @clause.dagmanager.diff.compute_key_per_run
  @deviation.compute_key_ignores_request
  Scenario Outline: Two diffs for one world that differ only in their <field> get different compute keys
    Given a freshly built strategy of a price stream and one computation
    When the DAG Manager diffs it twice for world "alpha", the two runs differing only in their <field>
    Then the two runs' queue-map keys carry different compute keys

    Examples:
      | field               |
      | as-of time          |
      | partition           |
      | dataset fingerprint |

  @deviation.diff_crc_in_topological_order @clause.dagmanager.diff.crc_submitted_order
  Scenario Outline: Every chunk of a strategy of <shape> carries the checksum of its node ids in the submitted order
    Given a freshly built strategy of <shape>
    When the DAG Manager diffs it for world "alpha" in the "live" domain, acknowledging every chunk
    Then every chunk carries the checksum of the DAG's node ids in the submitted order

    Examples:
      | shape                                                          |
      | a price stream, a volume stream and two computations           |
      | two computations listed before the price and volume streams they read |
      | 120 streams each feeding one computation                       |

  @clause.dagmanager.diff.several_chunks @clause.dagmanager.diff.queue_per_node @clause.dagmanager.diff.sentinel
  @clause.dagmanager.diff.version @clause.dagmanager.ack.answer_echoes @deviation.diff_domain_safe_mode_backtest
  @deviation.chunks_repeat_whole_map
  Scenario: A large strategy's diff arrives in several chunks that together hold every node's queue once
    Given a freshly built strategy of 120 streams each feeding one computation
    When the DAG Manager diffs it for world "alpha" in the "live" domain, acknowledging every chunk
    Then the diff completes within 10 seconds
    And the diff arrived in at least 3 chunks
    And every node of the strategy gets one queue in that world's namespace for that domain
    And no queue-map key arrives in two chunks
    And every chunk carries the strategy's sentinel and one version label
    And each acknowledgement is answered with the sentinel and chunk id it named

  @deviation.buffering_on_schema_change_only
  @clause.dagmanager.diff.buffer_for_period @clause.dagmanager.diff.buffer_fields @clause.dagmanager.diff.no_buffer_without_period
  Scenario Outline: A first diff of a strategy of <shape> asks to buffer each node with a window, lagging by its period
    Given a freshly built strategy of <shape>
    When the DAG Manager diffs it for world "alpha" in the "live" domain, acknowledging every chunk
    Then the diff carries one buffering instruction for each node with a period and none for a node without
    And each buffering instruction repeats its node's type, hashes, interval, period and tags, with a lag equal to its period

    Examples:
      | shape                                                |
      | a price stream, a volume stream and two computations |
      | 120 streams each feeding one computation             |

  # A buffering instruction warms up a node whose queue is new; a queue an earlier diff made already has its history.
  @deviation.buffering_on_schema_change_only
  @clause.dagmanager.diff.rebuffer_only_new @clause.dagmanager.diff.buffer_fields
  Scenario Outline: Diffed again with its <position> stream replaced, a strategy is asked to buffer the new stream only
    Given a freshly built strategy of three streams read by no computation
    And the DAG Manager has diffed it for world "alpha" in the "live" domain
    When the DAG Manager diffs it again for world "alpha" in the "live" domain with its <position> stream replaced by a new one
    Then the diff completes within 5 seconds
    And every node of the strategy gets one queue in that world's namespace for that domain
    And the diff carries a buffering instruction for the new stream only
    And each buffering instruction repeats its node's type, hashes, interval, period and tags, with a lag equal to its period

    Examples:
      | position |
      | first    |
      | middle   |
      | last     |

  @clause.dagmanager.diff.rebuffer_only_new @deviation.diff_domain_safe_mode_backtest
  Scenario: Diffed again unchanged, a strategy is asked to buffer nothing
    Given a freshly built strategy of three streams read by no computation
    And the DAG Manager has diffed it for world "alpha" in the "live" domain
    When the DAG Manager diffs it again for world "alpha" in the "live" domain, unchanged
    Then the diff completes within 5 seconds
    And every node of the strategy gets one queue in that world's namespace for that domain
    And the diff carries no buffering instruction

  @clause.dagmanager.ack.resend_until_deadline @clause.dagmanager.ack.stop_and_wait
  Scenario: A chunk whose acknowledgement is withheld is sent again until the caller's deadline
    Given a freshly built strategy of a price stream and one computation
    When the DAG Manager diffs it for world "alpha" while the acknowledgement is withheld for 2 seconds
    Then the first chunk arrived at least 3 times, identical each time
    And no other chunk arrived while the first was unacknowledged
    And the diff ended with its deadline exceeded

  @clause.dagmanager.ack.late_ack_completes @deviation.diff_domain_safe_mode_backtest
  Scenario: A late acknowledgement still completes the diff
    Given a freshly built strategy of a price stream and one computation
    When the DAG Manager diffs it for world "alpha", acknowledging each chunk only when it arrives the second time
    Then the diff completes within 5 seconds
    And every chunk arrived exactly twice and the diff still delivered every node's queue

  @clause.dagmanager.ack.resend_exact_chunk @clause.dagmanager.ack.stop_and_wait @clause.dagmanager.diff.several_chunks
  @deviation.chunks_repeat_whole_map @deviation.diff_domain_safe_mode_backtest
  Scenario Outline: Withholding the acknowledgement of the <position> chunk makes exactly that chunk come again
    Given a freshly built strategy of 120 streams each feeding one computation
    When the DAG Manager diffs it for world "alpha", acknowledging the <position> chunk only when it arrives the second time
    Then the diff completes within 10 seconds
    And the <position> chunk arrived twice, identical both times, and every other chunk once
    And every node of the strategy gets one queue in that world's namespace for that domain

    Examples:
      | position |
      | first    |
      | middle   |
      | last     |

  @clause.dagmanager.ack.names_sentinel_and_chunk
  Scenario Outline: An acknowledgement naming <mistake> does not release the chunk
    Given a freshly built strategy of a price stream and one computation
    When the DAG Manager diffs it for world "alpha", first acknowledging the first chunk with <mistake>
    Then the diff completes within 5 seconds
    And the first chunk arrived twice, identical both times, and every other chunk once

    Examples:
      | mistake                    |
      | another strategy's sentinel |

    @deviation.ack_ignores_chunk_id
    Examples: A chunk id QMTL does not read
      | mistake                    |
      | the next chunk's id         |

  @deviation.diff_malformed_unknown @clause.dagmanager.diff.malformed_invalid_argument
  Scenario Outline: A diff of <malformed> is refused as an invalid argument, saying why
    When the DAG Manager is asked to diff <malformed>
    Then the DAG Manager refuses the diff as an invalid argument, saying why

    Examples:
      | malformed                                    |
      | text that is not JSON                        |
      | an empty DAG text                            |
      | a JSON list instead of a DAG                 |
      | a DAG without a node list                    |
      | a DAG whose second node has no id            |
      | a DAG whose first node has no type           |
      | a DAG whose last node's interval is a word   |
      | a DAG that lists one node twice              |
      | a valid DAG for a strategy without an id     |
