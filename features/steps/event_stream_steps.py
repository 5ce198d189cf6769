"""Activations, snapshots, live events and world isolation (contract §4, §6): glue onto ``context.scenes.events``."""
from behave import given, then, when


@given('a strategy in world "{world}" is {state:ActivationState} on the {side:Side} side with weight {weight:g}')
@when('the strategy\'s {side:Side}-side activation in world "{world}" changes to {state:ActivationState} with weight {weight:g}')
def step_activation(context, world, state, side, weight):
    context.scenes.events.activations.put(world, side, state, weight)


@given('another strategy in world "{world}" is {state:ActivationState} on the {side:Side} side with weight {weight:g}')
def step_other_strategy_activation(context, world, state, side, weight):
    context.scenes.events.activations.put(world, side, state, weight, strategy="other strategy")


@given("the same strategy is {state:ActivationState} on the {side:Side} side with weight {weight:g}")
def step_same_strategy_weight(context, state, side, weight):
    context.scenes.events.activations.put(None, side, state, weight)


@given("the same strategy is {state:ActivationState} on the {side:Side} side")
def step_same_strategy(context, state, side):
    context.scenes.events.activations.put(None, side, state, 0.0)


@given("one strategy runs in {roles:WorldRoles}")
def step_strategy_in_worlds(context, roles):
    context.scenes.worlds.ensure(*roles)


@when("a subscriber opens the event stream with the strategy's token")
@given("a subscriber has the event stream open with the strategy's token")
def step_open(context):
    context.scenes.events.streams.open_latest()


@given('a subscriber has the event stream open for the strategy\'s {topics:Names} events in each world')
def step_open_per_world(context, topics):
    context.scenes.events.streams.subscribe_and_open_each_world(topics)


@given('a "{label}" subscriber has the event stream open for the strategy\'s {topics:Names} events in world "{world}"')
def step_open_labelled(context, label, topics, world):
    context.scenes.events.streams.subscribe_and_open(world, topics, label)


@when('the "{label}" subscriber closes its stream')
def step_close_labelled(context, label):
    context.scenes.events.streams.close(label)


@then("within {limit:Duration} the subscriber receives the {side:Side}-side activation snapshot, as WorldService holds it")
def step_one_snapshot(context, limit, side):
    context.scenes.events.streams.snapshot_of(side, limit)


@then('within {limit:Duration} the subscriber of world "{world}" receives the {side:Side}-side activation snapshot, as WorldService holds it')
def step_world_snapshot(context, limit, world, side):
    context.scenes.events.streams.snapshot_of(side, limit, world)


@then("within {limit:Duration} the subscriber receives one activation snapshot per side, as WorldService holds them")
def step_both_snapshots(context, limit):
    context.scenes.events.streams.snapshot_per_side(limit)


@then("for {limit:Duration} the subscriber receives no activation snapshot beyond the {side:Side} side")
def step_no_other_snapshot(context, limit, side):
    context.scenes.events.streams.receives_no_activation(None, limit, beyond=[side])


@given('the DAG Manager has diffed a strategy whose price stream is tagged {tags:Names} every {interval:d} seconds')
def step_dag_with_tags(context, tags, interval):
    context.scenes.events.queues.diff_tagged(tags, interval)


@when("a subscriber opens the event stream with the strategy's token, asking for queues tagged {tags:Names} every {interval:d} seconds")
def step_open_with_queues(context, tags, interval):
    context.scenes.events.queues.open_asking(tags, interval)


@when("a subscriber opens the event stream with the strategy's token, "
      "asking for queues tagged {tags:Names} every {interval:d} seconds, matching {mode:MatchMode}")
def step_open_with_queues_matching(context, tags, interval, mode):
    context.scenes.events.queues.open_asking(tags, interval, mode)


@then("within {limit:Duration} the subscriber receives a queue snapshot for the tags {tags:Names} every {interval:d} seconds")
def step_queue_snapshot(context, limit, tags, interval):
    context.scenes.events.queues.snapshot_for(tags, interval, limit)


@then("the queue snapshot lists exactly the queues of the nodes so tagged, as the DAG Manager finds them")
def step_queue_snapshot_exact(context):
    context.scenes.events.queues.lists_exactly_the_tagged_queues()


@then("for {limit:Duration} the subscriber receives no queue snapshot")
def step_no_queue_snapshot(context, limit):
    context.scenes.events.queues.no_queue_snapshot(limit)


@then("within {limit:Duration} the subscriber has received {count:d} events")
def step_received_count(context, limit, count):
    context.scenes.events.streams.received_count(count, limit)


@then("every frame the subscriber received is a CloudEvents 1.0 event from the Gateway, each with its own id")
def step_frames_cloudevents(context):
    context.scenes.events.streams.frames_are_cloudevents()


@then("every frame the subscriber received is a CloudEvents 1.0 event valid against the schema the Gateway publishes for its type")
def step_frames_valid(context):
    context.scenes.events.frames_match_published_schemas()


@then('within {limit:Duration} the subscriber of world "{world}" receives that activation change')
def step_world_receives_change(context, limit, world):
    context.scenes.events.streams.receives_change(world, limit, world)


@then('within {limit:Duration} the "{label}" subscriber receives every activation change, in the order made')
def step_labelled_receives_all(context, limit, label):
    context.scenes.events.streams.receives_every_change(label, limit)


@then('for {limit:Duration} the "{label}" subscriber receives no activation event')
def step_labelled_receives_none(context, limit, label):
    context.scenes.events.streams.receives_no_activation(label, limit)


@then('for {limit:Duration} the subscriber of world "{world}" receives no event of world "{other}"')
def step_world_receives_none_of(context, limit, world, other):
    context.scenes.events.streams.receives_no_activation(world, limit, other)
