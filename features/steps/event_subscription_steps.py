"""Asking for event-stream tokens (contract §3): glue onto ``context.scenes.events.subscriptions``."""
from behave import given, then, when


@given('a strategy in world "{world}" holds a token for its {topics:Names} events')
@given('the strategy in world "{world}" holds a token for its {topics:Names} events')
@given('the strategy in world "{world}" holds one token for both its {topics:Names} events')
@when('the strategy in world "{world}" asks for a second token for its {topics:Names} events')
@when('the strategy in world "{world}" asks for a token for its {topics:Names} events')
@when('the strategy in world "{world}" subscribes to its {topics:Names} events')
def step_subscribe(context, world, topics):
    context.scenes.events.subscriptions.subscribe(world, topics)


@given('the strategy goes by the id "{strategy_id}"')
def step_name_strategy(context, strategy_id):
    context.scenes.events.subscriptions.name_strategy(strategy_id)


@when("a strategy asks for an event token {bad:BadSubscription}")
def step_subscribe_badly(context, bad):
    context.scenes.events.subscriptions.ask_badly(bad)


@then("the Gateway refuses the subscription with HTTP {status:d}, naming the field it lacks")
def step_subscription_refused(context, status):
    context.scenes.events.subscriptions.refused(status)


@then("the Gateway grants the subscription, listing the topics {topics:Names}")
def step_subscription_topics(context, topics):
    context.scenes.events.subscriptions.granted_topics(topics)


@then("the Gateway's answer names the event stream and its fallback")
def step_subscription_urls(context):
    context.scenes.events.subscriptions.answer_names_streams()
