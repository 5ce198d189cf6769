"""The end-to-end guide's smoke checks."""
from behave import given, then, when


@when("I ask the Gateway for its {route:HealthRoute}")
def step_ask(context, route):
    context.scenes.health.ask(route)


@then("the Gateway answers its {route:HealthRoute} within {limit:Duration}")
def step_answered_within(context, route, limit):
    context.scenes.health.answered_within(route, limit)


@then('the Gateway\'s {route:HealthRoute} reports the overall status as "{expected:HealthStatus}"')
def step_overall(context, route, expected):
    context.scenes.health.overall_is(route, expected)


@then('the Gateway\'s {route:HealthRoute} reports each of {components:Names} as "{expected:HealthStatus}"')
def step_components(context, route, components, expected):
    context.scenes.health.components_are(route, components, expected)


@then("the Gateway's {route:HealthRoute} lists its capabilities")
def step_capabilities(context, route):
    context.scenes.health.capabilities_listed(route)


@when("a strategy in each world subscribes to its {topics:Names} events")
def step_subscribe_each_world(context, topics):
    context.scenes.smoke.subscribe_each_world(topics)


@given("a strategy in each world holds an event token for its {topics:Names} events")
def step_hold_token(context, topics):
    context.scenes.smoke.subscribe_each_world(topics)
    context.scenes.smoke.each_world_given_a_token()


@then("each world is given an event token")
def step_given_token(context):
    context.scenes.smoke.each_world_given_a_token()


@then("each token's signature verifies against the keys the Gateway publishes")
def step_tokens_verify(context):
    context.scenes.smoke.tokens_verify()


@then('each token is for the "{audience}" audience, names its own world and strategy, and lists the topics asked for')
def step_token_claims(context, audience):
    context.scenes.smoke.tokens_claim(audience)


@then("each token expires when the Gateway says it does")
def step_token_expiry(context):
    context.scenes.smoke.tokens_expire_as_stated()


@when("a subscriber opens the event stream with each world's token")
def step_open_streams(context):
    context.scenes.smoke.open_stream_per_world()


@then("each event stream connection is accepted within {limit:Duration}")
def step_streams_accepted(context, limit):
    context.scenes.smoke.streams_accepted_within(limit)


@when("a strategy is submitted to each world through the Gateway")
def step_submit_each_world(context):
    context.scenes.smoke.submit_per_world()


@then("each submission is accepted with its own strategy id")
def step_submissions_accepted(context):
    context.scenes.smoke.submissions_accepted()


@then("within {limit:Duration} each world lists its own strategy and not the other world's")
def step_worlds_list_strategies(context, limit):
    context.scenes.smoke.each_world_lists_only_its_own(limit)
