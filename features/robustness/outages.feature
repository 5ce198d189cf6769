@robustness @serial @use.with_restarts=available
Feature: A store or a service goes down and comes back
  As an operator of QMTL
  I want the Gateway to name the part of the stack that is down, to answer what needs it with a 503 meanwhile, and to lose nothing
  So that an outage is seen at once, survived by every client, and leaves no trace once it is over

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy
    And the strategy author submitted it to world "alpha"
    And the strategy's "long" side in world "alpha" is set active with weight 0.5

  # A submission may wait for a store as long as the Gateway's own store timeout (5 s), never longer.
  @clause.health.outage.names_component @clause.health.outage.recovers @clause.robustness.outage.submission_503
  @clause.robustness.outage.tokens_issued @clause.robustness.outage.nothing_lost @clause.worldservice.proxy.unavailable_503
  @clause.robustness.outage.events_resume
  Scenario Outline: While <component> is down the Gateway names it alone and refuses new strategies with a 503; afterwards nothing is lost
    When <component> goes down
    Then within 5 seconds /status and /health both report "<field>" not ok, <others> ok and the overall status degraded
    And a fresh strategy sent to world "beta" meanwhile is answered 503 with a detail within 10 seconds
    And reading world "alpha" through the Gateway meanwhile is answered <world read> within 5 seconds
    And an event subscription to world "alpha" is still issued within 2 seconds
    When a "during" subscriber opens the event stream for the strategy's "activation" events in world "alpha"
    And <component> comes back
    Then within 10 seconds /status and /health both report every component ok again
    And the strategy accepted before the outage still reports queued, processing or completed
    And submitting the same strategy to world "beta" is refused as a duplicate of the first strategy
    And reading the strategy's "long" side in world "alpha" gives the record as last set
    And the fresh strategy sent again to world "beta" is accepted as a new strategy
    And within 5 seconds the worlds list this scenario's strategies as submitted
    When the strategy's long-side activation in world "alpha" changes to active with weight 0.75
    Then within 5 seconds the "during" subscriber receives that activation change

    Examples:
      | component    | field        | others                                      | world read                      |
      | Postgres     | postgres     | "redis", "dagmanager" and "worldservice"    | as ever                         |
      | WorldService | worldservice | "redis", "postgres" and "dagmanager"        | 503 "WorldService unavailable"  |

  # A WorldService that hangs (its port takes the call, nothing answers) is slower than any timeout the
  # Gateway keeps. The Gateway may refuse the strategy then (a 503) or accept it and bind it once WorldService
  # answers; what it must never do is accept it and leave it bound to no world. (A refused strategy's binding
  # call may still sit in the hung WorldService's socket and be served when it wakes: what a world lists
  # beyond the accepted strategies is not judged here; the outage above judges a refusal recording nothing.)
  @clause.robustness.outage.binding_never_lost @deviation.binding_dropped_on_slow_worldservice
  Scenario: A strategy sent while WorldService hangs is refused with a 503 or bound once it answers, never accepted unbound
    When WorldService hangs, taking calls and answering none
    And a fresh strategy is sent to world "beta" meanwhile
    And WorldService answers calls again
    Then the fresh strategy was accepted with a strategy id, or refused with a 503 and a detail
    And within 5 seconds each world lists every strategy the Gateway accepted for it

  # The Gateway accepts a strategy without the DAG Manager (its worker diffs later): the submission
  # must not wait for it, and the strategy's status is readable at once. The strategy of the
  # Background is diffed first, so the outage cannot land in the middle of its diff.
  @deviation.status_stays_queued
  @clause.health.outage.names_component @clause.health.outage.recovers @clause.robustness.outage.tokens_issued
  @clause.robustness.outage.nothing_lost @clause.robustness.outage.accepts_without_dagmanager
  @clause.robustness.outage.tag_query_503
  Scenario: While the DAG Manager is down the Gateway names it alone and still accepts strategies; afterwards nothing is lost
    Given within 5 seconds the Gateway reports the strategy's status as "completed"
    When the DAG Manager goes down
    Then within 5 seconds /status and /health both report "dagmanager" not ok, "redis", "postgres" and "worldservice" ok and the overall status degraded
    And a fresh strategy sent to world "beta" meanwhile is accepted within 5 seconds
    And the Gateway reports a status of queued, processing or completed for it right away
    And reading world "alpha" through the Gateway meanwhile is answered as ever within 5 seconds
    And a tag query through the Gateway meanwhile is answered 503 with a detail within 5 seconds
    And an event subscription to world "alpha" is still issued within 2 seconds
    And the DAG Manager stays down for 3 seconds, both routes saying so throughout
    When the DAG Manager comes back
    Then within 10 seconds /status and /health both report every component ok again
    And a tag query through the Gateway is answered as ever again within 5 seconds
    And the strategy accepted before the outage still reports queued, processing or completed
    And submitting the same strategy to world "beta" is refused as a duplicate of the first strategy
    And reading the strategy's "long" side in world "alpha" gives the record as last set
    And within 5 seconds the worlds list this scenario's strategies as submitted
    And within 10 seconds the Gateway reports every strategy's status as "completed"

  # On the reference stack the DAG Manager and WorldService keep their state in that same Redis, so
  # their states follow it; only Postgres must stay ok. The outage outlasts the Gateway's whole retry
  # ladder for the event broker (about 4 s), so its reader must keep retrying, not give up.
  @clause.health.outage.names_component @clause.health.outage.recovers @clause.robustness.outage.submission_503
  @clause.robustness.outage.tokens_issued @clause.robustness.outage.nothing_lost @clause.robustness.outage.events_resume
  @clause.dagmanager.health.degraded_without_redis @clause.strategies.duplicate.survives_redis_restart
  Scenario: While Redis is down the Gateway says so and refuses new strategies; afterwards dedupe, bindings, activations and live events are back
    Given a gRPC connection to the DAG Manager
    And a "before" subscriber has the event stream open for the strategy's "activation" events in world "alpha"
    When Redis goes down
    Then within 5 seconds /status and /health both report "redis" not ok, "postgres" ok and the overall status degraded
    And a fresh strategy sent to world "beta" meanwhile is answered 503 with a detail within 10 seconds
    And an event subscription to world "alpha" is still issued within 2 seconds
    When a "during" subscriber opens the event stream for the strategy's "activation" events in world "alpha"
    And the DAG Manager's health is checked over QMTL's health service
    Then QMTL's health service reports the DAG Manager as "degraded"
    And Redis stays down for 6 seconds, both routes saying so throughout
    When Redis comes back
    Then within 10 seconds /status and /health both report every component ok again
    And the strategy accepted before the outage still reports queued, processing or completed
    And submitting the same strategy to world "beta" is refused as a duplicate of the first strategy
    And reading the strategy's "long" side in world "alpha" gives the record as last set
    And the fresh strategy sent again to world "beta" is accepted as a new strategy
    And within 5 seconds the worlds list this scenario's strategies as submitted
    When the DAG Manager's health is checked over QMTL's health service
    Then QMTL's health service reports the DAG Manager as "running"
    When a "later" subscriber opens the event stream for the strategy's "activation" events in world "alpha"
    And the strategy's long-side activation in world "alpha" changes to active with weight 0.75
    Then within 5 seconds the "before" subscriber receives that activation change
    And within 5 seconds the "during" subscriber receives that activation change
    And within 5 seconds the "later" subscriber receives that activation change
