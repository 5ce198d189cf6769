@use.with_dagmanager=addressed
Feature: The DAG Manager refuses a malformed DAG with a reason
  A Diff call whose DAG cannot be read is answered INVALID_ARGUMENT with a
  reason the caller can read, not UNKNOWN or INTERNAL.

  Background:
    Given the QMTL stack is running

  @clause.robustness.dagmanager.invalid_argument @deviation.dagmanager_bad_dag_unknown
  Scenario Outline: The DAG Manager refuses <case>
    When the DAG Manager is sent <case> to diff
    Then the DAG Manager refuses it with INVALID_ARGUMENT and a reason

    Examples:
      | case                                                  |
      | a DAG that is not JSON                                |
      | an empty DAG text                                     |
      | a DAG that is a JSON list                             |
      | a DAG whose nodes are not a list                      |
      | a DAG whose first node is a string                    |
      | a DAG whose second node is a number                   |
      | a DAG whose node has an interval that is not a number |
      | a DAG whose node has an interval past 64 bits         |
      | a DAG whose node's id is empty                        |
      | a DAG whose node's id is a number                     |
      | a DAG whose second node's id is null                  |
      | a DAG whose node's interval is one past the largest 64-bit integer  |
      | a DAG whose node's interval is one below the smallest 64-bit integer |
      | a DAG whose node's period is one past the largest 64-bit integer    |
      | a DAG whose node's interval is NaN                                  |
      | a DAG whose node's period is NaN                                    |

  @clause.robustness.dagmanager.int64_edges
  Scenario Outline: The DAG Manager diffs a DAG whose node has <case>
    When the DAG Manager diffs a DAG whose node has <case>
    Then the diff names one queue for that node

    Examples:
      | case                                        |
      | the largest 64-bit integer as its interval  |
      | the smallest 64-bit integer as its interval |

  # JSON has one number type: an interval or period written with a zero fraction is that integer, as the
  # node-id pre-image reads it (interval and period as integers), so the Gateway accepts such a node and
  # its worker then diffs it; NaN (which Python's JSON reader takes) is no integer and is refused above.
  @clause.robustness.dagmanager.zero_fraction_integers
  Scenario Outline: The DAG Manager diffs a DAG whose node has <case>, as the integer it equals
    When the DAG Manager diffs a DAG whose node has <case>
    Then the diff names one queue for that node, its queue-map key naming interval <interval>

    Examples:
      | case                              | interval |
      | an interval of 60 written as 60.0 | 60       |
      | a period of 5 written as 5.0      | 60       |
