@dagmanager
Feature: A node that leaves out its interval or period
  As a strategy author
  I want a node that states no interval or no period to be diffed as if it said 0
  So that the DAG Manager keys, names and buffers it exactly as the Gateway identified it

  Background:
    Given the QMTL stack is running
    And a gRPC connection to the DAG Manager

  @clause.dagmanager.diff.unstated_as_zero @clause.dagmanager.diff.key_shape @clause.dagmanager.diff.buffer_fields
  @clause.dagmanager.diff.no_buffer_without_period @deviation.buffering_on_schema_change_only
  Scenario Outline: A diff of <shape> counts what each node leaves out as 0
    Given a freshly built strategy of <shape>
    When the DAG Manager diffs it for world "alpha" in the "live" domain, acknowledging every chunk
    Then the diff completes within 5 seconds
    And each queue-map key names its node, the node's interval and a compute key
    And the queue-map key of each node that leaves out its interval names interval 0
    And the diff carries one buffering instruction for each node with a period and none for a node without
    And each buffering instruction repeats its node's type, hashes, interval, period and tags, with a lag equal to its period

    Examples:
      | shape                                               |
      | nodes that leave out their interval or their period |
      | nodes whose interval or period is null              |
