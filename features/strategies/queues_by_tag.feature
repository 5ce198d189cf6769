@strategies
Feature: Finding queues by tag through the Gateway
  As a strategy author whose strategy reads other strategies' data by tag
  I want the Gateway to list the queues carrying a tag in my world
  So that my tag queries connect to the right upstream data

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy whose price stream is tagged "price"

  @deviation.status_stays_queued @deviation.tagquery_empty_in_memory
  @clause.strategies.by_tag.lists @clause.strategies.by_tag.world_filter @clause.strategies.by_tag.match_mode
  Scenario Outline: Queues tagged <tags> at <interval> seconds in "<mode>" mode <scope>
    When the strategy author submits it to worlds "alpha" and "beta" for the "live" domain
    Then the submission is accepted with a strategy id
    And within 5 seconds the Gateway lists <listed> for queues tagged <tags> at a <interval>-second interval in "<mode>" mode <scope>

    Examples:
      | tags                  | interval | mode | scope                  | listed                                                     |
      | "price"               | 60       | any  | in world alpha         | only world alpha's queue of the tagged stream              |
      | "price"               | 60       | any  | in world beta          | only world beta's queue of the tagged stream               |
      | "price"               | 60       | any  | in no particular world | the tagged stream's queue in each of worlds alpha and beta |
      | "price" and "volume"  | 60       | any  | in world alpha         | only world alpha's queue of the tagged stream              |
      | "price" and "volume"  | 60       | all  | in world alpha         | no queue                                                   |
      | "price"               | 60       | all  | in world beta          | only world beta's queue of the tagged stream               |
      | "price"               | 300      | any  | in world alpha         | no queue                                                   |
      | "volume"              | 60       | any  | in no particular world | no queue                                                   |

  @clause.strategies.by_tag.interval_required
  Scenario Outline: Asking for queues by tag <bad> is refused
    Then asking the Gateway for queues tagged "price" <bad> is refused with HTTP 422

    Examples:
      | bad                                   |
      | without an interval                   |
      | with an interval that is not a number |

  @clause.strategies.by_tag.match_mode_any_or_all @deviation.unknown_match_mode_is_any
  Scenario Outline: Asking for queues by tag <bad> is refused
    Then asking the Gateway for queues tagged "price" <bad> is refused with HTTP 422

    Examples:
      | bad                         |
      | in the match mode "none"    |
      | in the match mode "al"      |
      | in the match mode "alll"    |
      | in the match mode "any,all" |
      | in the match mode "exact"   |
      | in a match mode of 17 letters |

  @deviation.status_stays_queued @deviation.tagquery_empty_in_memory
  @clause.strategies.by_tag.domain_namespace @clause.strategies.by_tag.world_filter
  Scenario Outline: A strategy submitted for the "<domain>" domain has its tagged queues listed under that domain, <scope>
    When the strategy author submits it to worlds "alpha" and "beta" for the "<domain>" domain
    Then the submission is accepted with a strategy id
    And within 5 seconds the Gateway lists <listed> for queues tagged "price" at a 60-second interval in "any" mode <scope>

    Examples:
      | domain   | scope                  | listed                                                     |
      | dryrun   | in world alpha         | only world alpha's queue of the tagged stream              |
      | dryrun   | in world beta          | only world beta's queue of the tagged stream               |
      | backtest | in world alpha         | only world alpha's queue of the tagged stream              |
      | backtest | in no particular world | the tagged stream's queue in each of worlds alpha and beta |
      | live     | in world beta          | only world beta's queue of the tagged stream               |
