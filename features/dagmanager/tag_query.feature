@dagmanager
Feature: Tag queries
  As a strategy whose input is "whatever carries these tags"
  I want the DAG Manager to find the queues of diffed nodes by tag and interval
  So that my strategy reads exactly the data it asked for

  Background:
    Given the QMTL stack is running
    And a gRPC connection to the DAG Manager
    And a strategy diffed for world "alpha" whose "quotes" stream is tagged "crypto" and "spot" and whose "trades" stream is tagged "crypto"

  Scenario Outline: A tag query for <tags> at <interval> seconds in "<mode>" mode finds <found>
    When the DAG Manager is asked for the queues tagged <tags> at a <interval>-second interval in "<mode>" mode
    Then the DAG Manager answers with the queues of <found>

    @deviation.tagquery_empty_in_memory
    Examples: Tags and interval that match diffed streams
      | tags                | interval | mode | found             |
      | "crypto" and "spot" | 60       | any  | quotes and trades |
      | "crypto" and "spot" | 60       | all  | quotes only       |
      | "spot"              | 60       | any  | quotes only       |
      | "crypto"            | 60       | all  | quotes and trades |

    Examples: An interval no diffed stream has
      | tags                | interval | mode | found             |
      | "crypto"            | 30       | any  | no stream         |
