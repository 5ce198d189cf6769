@dagmanager
Feature: Tag queries
  As a strategy whose input is "whatever carries these tags"
  I want the DAG Manager to find the queues of diffed nodes by tag and interval
  So that my strategy reads exactly the data it asked for

  Background:
    Given the QMTL stack is running
    And a gRPC connection to the DAG Manager
    And a strategy whose "quotes" stream is tagged "crypto" and "spot", whose "trades" stream is tagged "crypto" and whose "candles" stream is tagged "crypto" at a 300-second interval
    And the DAG Manager has diffed it for world "alpha" in the "live" domain

  @deviation.tagquery_empty_in_memory @clause.dagmanager.tags.match_any @clause.dagmanager.tags.match_all
  @clause.dagmanager.tags.interval @clause.dagmanager.tags.descriptor
  Scenario Outline: A tag query for <tags> at <interval> seconds in "<mode>" mode finds <found>
    When the DAG Manager is asked for the queues tagged <tags> at a <interval>-second interval in "<mode>" mode
    Then the DAG Manager answers with the queues of <found>

    Examples: Tags and interval that match diffed streams
      | tags                    | interval | mode | found             |
      | "crypto" and "spot"     | 60       | any  | quotes and trades |
      | "crypto" and "spot"     | 60       | all  | quotes only       |
      | "spot"                  | 60       | any  | quotes only       |
      | "crypto"                | 60       | all  | quotes and trades |
      | "spot" and "crypto"     | 60       | all  | quotes only       |
      | "spot" and "bitcoin"    | 60       | any  | quotes only       |
      | "crypto"                | 300      | any  | candles only      |
      | "crypto"                | 300      | all  | candles only      |

  @clause.dagmanager.tags.match_all @clause.dagmanager.tags.interval
  Scenario Outline: A tag query for <tags> at <interval> seconds in "<mode>" mode finds <found>
    When the DAG Manager is asked for the queues tagged <tags> at a <interval>-second interval in "<mode>" mode
    Then the DAG Manager answers with the queues of <found>

    Examples: Tags or an interval no diffed stream has
      | tags                    | interval | mode | found             |
      | "crypto"                | 30       | any  | no stream         |
      | "spot" and "bitcoin"    | 60       | all  | no stream         |
      | "bitcoin"               | 60       | any  | no stream         |
      | "crypto" and "spot"     | 300      | all  | no stream         |
      | "spot"                  | 300      | any  | no stream         |

  @deviation.tagquery_empty_in_memory @clause.dagmanager.tags.default_any
  Scenario: A tag query that names no match mode matches any of its tags
    When the DAG Manager is asked for the queues tagged "crypto" and "spot" at a 60-second interval without a match mode
    Then the DAG Manager answers with the queues of quotes and trades

  @deviation.tagquery_empty_in_memory @clause.dagmanager.tags.every_strategy
  Scenario: A tag query finds a second strategy's tagged stream beside the first's
    Given another strategy whose "ticks" stream is tagged "crypto", diffed for world "alpha" in the "live" domain
    When the DAG Manager is asked for the queues tagged "crypto" at a 60-second interval in "any" mode
    Then the DAG Manager answers with the queues of quotes, trades and ticks

  @deviation.tagquery_empty_in_memory @clause.dagmanager.tags.every_world
  Scenario: A tag query finds a strategy's tagged stream in every world it was diffed for
    Given the DAG Manager has diffed it for world "beta" in the "live" domain
    When the DAG Manager is asked for the queues tagged "spot" at a 60-second interval in "any" mode
    Then the DAG Manager answers with the queues of quotes only
    And the answer holds one queue of the "quotes" stream for each of worlds "alpha" and "beta"

  @deviation.tagquery_empty_in_memory @deviation.cleanup_ignores_strategy @clause.dagmanager.cleanup.forgets_tags
  Scenario: A tag query no longer finds a cleaned-up strategy's queues, and still finds another strategy's
    Given another strategy whose "ticks" stream is tagged "crypto", diffed for world "alpha" in the "live" domain
    And the DAG Manager has cleaned up the strategy
    When the DAG Manager is asked for the queues tagged "crypto" at a 60-second interval in "any" mode
    Then the DAG Manager answers with the queues of ticks only
