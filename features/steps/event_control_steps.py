"""What a subscriber sends on its stream, and when the stream ends (contract §4): glue onto ``context.scenes.events.control``."""
from behave import given, then, when


@when("the subscriber acknowledges the events up to {count:d} event ids in turn")
@when("the subscriber acknowledges the events up to {count:d} event id in turn")
def step_acknowledge(context, count):
    context.scenes.events.control.acknowledge(count)


@then("within {limit:Duration} the Gateway answers each with an acknowledgement echoing its event id and the time")
def step_acks_echoed(context, limit):
    context.scenes.events.control.acks_echoed(limit)


@when("the subscriber sends {sent:Heartbeat}")
def step_heartbeat(context, sent):
    context.scenes.events.control.send_heartbeat(sent)


@when("the subscriber refreshes its stream with a new token for the same world and strategy")
def step_refresh_valid(context):
    context.scenes.events.control.refresh_with_new_token()


@when("the subscriber refreshes its stream with {token:RefreshRefused}")
def step_refresh_refused(context, token):
    context.scenes.events.control.refresh_with(token)


@when('the subscriber refreshes its stream with the token for world "{world}"')
def step_refresh_other_world(context, world):
    context.scenes.events.control.refresh_with_world(world)


@then("within {limit:Duration} the Gateway answers with a refresh acknowledgement")
def step_refresh_ack(context, limit):
    context.scenes.events.control.refresh_acknowledged(limit)


@then("the stream stays open for {limit:Duration}")
def step_stays_open(context, limit):
    context.scenes.events.control.stays_open(limit)


@then("within {limit:Duration} the Gateway closes the stream with code {code:d}")
def step_closed_with(context, limit, code):
    context.scenes.events.control.closed_with(code, limit)


@then("the Gateway sent no refresh acknowledgement before closing it")
def step_refresh_not_acked(context):
    context.scenes.events.control.refresh_not_acknowledged()


@given("a subscriber has the event stream open with a token for the strategy that expires in {lifetime:Duration}")
def step_open_expiring(context, lifetime):
    context.scenes.events.control.open_expiring(lifetime)


@then("the stream stays open until {margin:Duration} before that token expires")
def step_open_until_expiry(context, margin):
    context.scenes.events.control.open_until_before_expiry(margin)


@then("the stream is still open {after:Duration} after its first token expired")
def step_open_after_expiry(context, after):
    context.scenes.events.control.open_after_first_expiry(after)


@then("within {limit:Duration} after that token expires the Gateway closes its stream with code {code:d}")
def step_closed_after_expiry(context, limit, code):
    context.scenes.events.control.closed_after_expiry(code, limit)
