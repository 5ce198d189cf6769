@events
Feature: Snapshots and live events on the event stream
  As a strategy running in a world
  I want the state of my activation on connect, and every change to it promptly after
  So that I trade only while my world allows it

  Background:
    Given the QMTL stack is running

  @clause.events.snapshot.activation_per_side @clause.events.snapshot.own_strategy_only
  @clause.events.snapshot.as_held @clause.events.activation.etag @clause.events.frames.cloudevents_envelope
  Scenario: A subscriber receives its strategy's activation as a snapshot on connect
    Given a strategy in world "alpha" is active on the long side with weight 0.6
    And the same strategy is inactive on the short side
    And another strategy in world "alpha" is active on the long side with weight 0.9
    And the strategy in world "alpha" holds a token for its "activation" events
    When a subscriber opens the event stream with the strategy's token
    Then within 2 seconds the subscriber receives one activation snapshot per side, as WorldService holds them
    And every frame the subscriber received is a CloudEvents 1.0 event from the Gateway, each with its own id

  @deviation.tagquery_empty_in_memory
  @clause.events.snapshot.queue_update @clause.events.snapshot.queue_lists_tagged @clause.events.snapshot.queue_match_mode
  Scenario Outline: A subscriber asking for queues matching <mode> of its tags receives them as a snapshot on connect
    Given the DAG Manager has diffed a strategy whose price stream is tagged "price" and "btc" every 60 seconds
    And a strategy in world "alpha" holds a token for its "queue" events
    When a subscriber opens the event stream with the strategy's token, asking for queues tagged "price" and "btc" every 60 seconds, matching <mode>
    Then within 2 seconds the subscriber receives a queue snapshot for the tags "price" and "btc" every 60 seconds
    And the queue snapshot lists exactly the queues of the nodes so tagged, as the DAG Manager finds them

    Examples:
      | mode |
      | any  |
      | all  |

  @deviation.tagquery_empty_in_memory @clause.events.snapshot.queue_update @clause.events.snapshot.queue_lists_tagged
  @clause.events.subscribe.queue_alias
  Scenario Outline: A subscriber asking for tagged queues receives them as a snapshot on connect (topic <topic>)
    Given the DAG Manager has diffed a strategy whose price stream is tagged "price" and "btc" every 60 seconds
    And a strategy in world "alpha" holds a token for its "<topic>" events
    When a subscriber opens the event stream with the strategy's token, asking for queues tagged "price" and "btc" every 60 seconds
    Then within 2 seconds the subscriber receives a queue snapshot for the tags "price" and "btc" every 60 seconds
    And the queue snapshot lists exactly the queues of the nodes so tagged, as the DAG Manager finds them

    Examples:
      | topic  |
      | queue  |
      | queues |

  @deviation.queue_update_snapshot_off_schema @clause.events.schema.frames_valid
  Scenario: Every frame the Gateway sends matches the schema it publishes
    Given the DAG Manager has diffed a strategy whose price stream is tagged "price" and "btc" every 60 seconds
    And a strategy in world "alpha" is active on the long side with weight 1
    And the same strategy is active on the short side with weight 0.25
    And the strategy in world "alpha" holds one token for both its "activation" and "queue" events
    When a subscriber opens the event stream with the strategy's token, asking for queues tagged "price" and "btc" every 60 seconds
    Then within 2 seconds the subscriber has received 3 events
    And every frame the subscriber received is a CloudEvents 1.0 event valid against the schema the Gateway publishes for its type

  # The smallest values each frame may carry: a strategy id of one character (the id rule allows it),
  # queues every second, a weight of 0. A schema stricter than the frames would refuse them.
  @deviation.queue_update_snapshot_off_schema @clause.events.schema.frames_valid
  Scenario: Frames carrying the smallest values allowed still match the schema the Gateway publishes
    Given the DAG Manager has diffed a strategy whose price stream is tagged "price" and "btc" every 1 seconds
    And the strategy goes by the id "s"
    And a strategy in world "alpha" is active on the long side with weight 0
    And the same strategy is inactive on the short side
    And the strategy in world "alpha" holds one token for both its "activation" and "queue" events
    When a subscriber opens the event stream with the strategy's token, asking for queues tagged "price" and "btc" every 1 seconds
    Then within 2 seconds the subscriber receives one activation snapshot per side, as WorldService holds them
    And within 2 seconds the subscriber receives a queue snapshot for the tags "price" and "btc" every 1 seconds
    And every frame the subscriber received is a CloudEvents 1.0 event valid against the schema the Gateway publishes for its type

  @clause.events.snapshot.queue_needs_grant
  Scenario: A subscriber whose token is only for activation events receives no queue snapshot
    Given the DAG Manager has diffed a strategy whose price stream is tagged "price" and "btc" every 60 seconds
    And a strategy in world "alpha" is active on the long side with weight 0.5
    And the same strategy is inactive on the short side
    And the strategy in world "alpha" holds a token for its "activation" events
    When a subscriber opens the event stream with the strategy's token, asking for queues tagged "price" and "btc" every 60 seconds
    Then within 2 seconds the subscriber receives one activation snapshot per side, as WorldService holds them
    And for 1 second the subscriber receives no queue snapshot

  @deviation.live_events_need_controlbus @deviation.activation_changes_typed_as_policy @clause.events.live.activation_delivered @clause.events.frames.cloudevents_envelope
  Scenario: An activation change reaches the subscriber within 2 seconds
    Given a strategy in world "alpha" holds a token for its "activation" events
    And a subscriber has the event stream open with the strategy's token
    When the strategy's long-side activation in world "alpha" changes to inactive with weight 0
    Then within 2 seconds the subscriber of world "alpha" receives that activation change
    And every frame the subscriber received is a CloudEvents 1.0 event from the Gateway, each with its own id
    And every frame the subscriber received is a CloudEvents 1.0 event valid against the schema the Gateway publishes for its type

  @deviation.live_events_need_controlbus @deviation.activation_changes_typed_as_policy @clause.events.live.every_socket @clause.events.live.in_order
  Scenario: Two subscribers of one world both receive every activation change, in order
    Given a "first" subscriber has the event stream open for the strategy's "activation" events in world "alpha"
    And a "second" subscriber has the event stream open for the strategy's "activation" events in world "alpha"
    When the strategy's long-side activation in world "alpha" changes to active with weight 0.4
    And the strategy's short-side activation in world "alpha" changes to active with weight 0.2
    And the strategy's long-side activation in world "alpha" changes to inactive with weight 0
    Then within 2 seconds the "first" subscriber receives every activation change, in the order made
    And within 2 seconds the "second" subscriber receives every activation change, in the order made

  @deviation.live_events_need_controlbus @deviation.activation_changes_typed_as_policy @clause.events.live.leaving_keeps_others
  Scenario: A subscriber that leaves does not take the world's other subscribers with it
    Given a "first" subscriber has the event stream open for the strategy's "activation" events in world "alpha"
    And a "second" subscriber has the event stream open for the strategy's "activation" events in world "alpha"
    When the "first" subscriber closes its stream
    And the strategy's long-side activation in world "alpha" changes to active with weight 0.8
    Then within 2 seconds the "second" subscriber receives every activation change, in the order made
    # The Gateway handles a leave a moment after the socket has closed, so a change made at once can beat it;
    # a change made after the first one's whole round trip comes after the leave.
    When the strategy's long-side activation in world "alpha" changes to active with weight 0.6
    Then within 2 seconds the "second" subscriber receives every activation change, in the order made

  @deviation.live_events_need_controlbus @deviation.activation_changes_typed_as_policy @clause.events.live.topic_filtered
  Scenario: Only subscribers that asked for activation events receive activation changes
    Given a "activation" subscriber has the event stream open for the strategy's "activation" events in world "alpha"
    And a "queue" subscriber has the event stream open for the strategy's "queue" events in world "alpha"
    When the strategy's long-side activation in world "alpha" changes to active with weight 0.4
    Then within 2 seconds the "activation" subscriber receives every activation change, in the order made
    And for 1 second the "queue" subscriber receives no activation event
