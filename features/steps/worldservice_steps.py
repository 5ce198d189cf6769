"""WorldService through the Gateway: worlds, decisions, activation records, outages."""
from behave import given, then, when


@given('world "{world}" is created through the Gateway with the name "{name}"')
def step_world_created(context, world, name):
    context.scenes.worldservice.created(world, name)


@when('world "{world}" is created through the Gateway with the name "{name}"')
def step_create_world(context, world, name):
    context.scenes.worldservice.create(world, name)


@when('world "{world}" is created through the Gateway without a name')
def step_create_world_unnamed(context, world):
    context.scenes.worldservice.create(world, None)


@then('the Gateway answers with the new world "{world}", active and not allowed to go live')
def step_answered_unnamed_world(context, world):
    context.scenes.worldservice.answered_world(world, None)


@then('reading the new world "{world}" through the Gateway gives it active and not allowed to go live')
def step_read_back_unnamed_world(context, world):
    context.scenes.worldservice.read_back(world, None)


@then('the Gateway answers with world "{world}" named "{name}", active and not allowed to go live')
def step_answered_world(context, world, name):
    context.scenes.worldservice.answered_world(world, name)


@then('reading world "{world}" through the Gateway gives it named "{name}", active and not allowed to go live')
def step_read_back_world(context, world, name):
    context.scenes.worldservice.read_back(world, name)


@then('the Gateway\'s list of worlds holds world "{world}" once')
def step_world_listed_once(context, world):
    context.scenes.worldservice.listed_once(world)


@when('world "{world}" is read through the Gateway')
def step_read_world(context, world):
    context.scenes.worldservice.read_world(world)


@when("a world nobody created is read through the Gateway")
def step_read_unknown_world(context):
    context.scenes.worldservice.read_unknown_world()


@then('the Gateway answers {status:d} with the detail "{detail}"')
def step_answered_detail(context, status, detail):
    context.scenes.worldservice.answered(status, detail)


@then("the Gateway answers {status:d}")
def step_answered_status(context, status):
    context.scenes.worldservice.answered(status)


@then("within {limit:Duration} the Gateway answers 503 with a detail")
def step_answered_unavailable(context, limit):
    context.scenes.worldservice.answered_unavailable(limit)


@then("every answer the Gateway relayed carried its own correlation id")
def step_correlation_ids(context):
    context.scenes.worldservice.correlation_ids()


@when("the decision for each world is read through the Gateway")
def step_decide_each(context):
    context.scenes.worldservice.decide_each()


@then("each decision names its own world and carries an effective mode, an execution domain, a time to live and an etag")
def step_decisions(context):
    context.scenes.worldservice.decisions_complete()


@given('{strategy:StrategyRole}\'s "{side}" side in world "{world}" is set {activity:Activity} with weight {weight:g}')
def step_activation_set(context, strategy, side, world, activity, weight):
    context.scenes.worldservice.set_activation(strategy, side, world, activity, weight)
    context.scenes.worldservice.answered_record_as_set()


@when('{strategy:StrategyRole}\'s "{side}" side in world "{world}" is set {activity:Activity} with weight {weight:g}')
def step_set_activation(context, strategy, side, world, activity, weight):
    context.scenes.worldservice.set_activation(strategy, side, world, activity, weight)


@then("the Gateway answers with the activation record as set, its etag naming the world, the strategy and the side")
def step_record_as_set(context):
    context.scenes.worldservice.answered_record_as_set()


@then('reading {strategy:StrategyRole}\'s "{side}" side in world "{world}" gives the record as last set')
def step_reads_as_set(context, strategy, side, world):
    context.scenes.worldservice.reads_as_last_set(strategy, side, world)


@when('{strategy:StrategyRole}\'s "{side}" side in world "{world}" is read through the Gateway')
def step_read_activation(context, strategy, side, world):
    context.scenes.worldservice.read_activation(strategy, side, world)


@then('the etags of {strategy:StrategyRole}\'s "{side}" side in world "{world}" count up by one with each change')
def step_etags_count_up(context, strategy, side, world):
    context.scenes.worldservice.etags_count_up(strategy, side, world)


@then('the etags of {strategy:StrategyRole}\'s "{side}" side in world "{world}" count up with each change')
def step_etags_increase(context, strategy, side, world):
    context.scenes.worldservice.etags_count_up(strategy, side, world, by_one=False)


@when("WorldService is stopped")
def step_stop_worldservice(context):
    context.scenes.worldservice.stop_worldservice()


@when("WorldService is started again within {limit:Duration}")
def step_start_worldservice(context, limit):
    context.scenes.worldservice.start_worldservice(limit)


@when("{what:SlashedWorldsPath} is read through the Gateway with a trailing slash")
def step_read_slashed(context, what):
    context.scenes.worldservice.read_with_trailing_slash(what)


@then("no answer the Gateway relayed names WorldService's own address or points outside the Gateway's /worlds")
def step_never_names_worldservice(context):
    context.scenes.worldservice.never_names_worldservice()


@when("a client reads a /worlds path through the Gateway whose {ordinal:SegmentOrdinal} segment {segment:WorldsPathSegment}")
def step_read_path_with_segment(context, ordinal, segment):
    context.scenes.worldservice.read_path_with_segment(ordinal, segment)
