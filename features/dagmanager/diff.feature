@dagmanager
Feature: Diffing a strategy with the DAG Manager
  As the Gateway
  I want the DAG Manager to answer a strategy's DAG with its queues, chunk by acknowledged chunk
  So that no part of a strategy's queue map is lost on the way

  Background:
    Given the QMTL stack is running
    And a gRPC connection to the DAG Manager

  @deviation.diff_crc_in_topological_order
  Scenario: A diff returns a queue map namespaced by world and domain, with the strategy's sentinel
    Given a freshly built strategy of a price stream, a volume stream and two computations
    When the DAG Manager diffs it for world "alpha" in the "backtest" domain, acknowledging every chunk
    Then the diff completes within 5 seconds
    And every node of the strategy gets one queue in that world's namespace for that domain
    And each queue-map key names its node, the node's interval and a compute key
    And every chunk carries the strategy's sentinel and the checksum of the DAG's node ids

  Scenario: A chunk whose acknowledgement is withheld is sent again until the caller's deadline
    Given a freshly built two-node strategy
    When the DAG Manager diffs it for world "alpha" while the acknowledgement is withheld for 2 seconds
    Then the first chunk arrived at least 2 times, identical each time
    And no other chunk arrived while the first was unacknowledged
    And the diff ended with its deadline exceeded

  Scenario: A late acknowledgement still completes the diff
    Given a freshly built two-node strategy
    When the DAG Manager diffs it for world "alpha", acknowledging each chunk only when it arrives the second time
    Then the diff completes within 5 seconds
    And every chunk arrived exactly twice and the diff still delivered every node's queue
