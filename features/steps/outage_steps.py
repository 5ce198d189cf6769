"""A store or a service taken down and brought back: glue onto ``context.scenes.outages``."""
from behave import then, when


@when("{component:Component} goes down")
def step_goes_down(context, component):
    context.scenes.outages.take_down(component)


@when("{component:Component} comes back")
def step_comes_back(context, component):
    context.scenes.outages.bring_back(component)


@then("within {limit:Duration} /status and /health both report {down:Names} not ok, {up:Names} ok and the overall status degraded")
def step_reported_down(context, limit, down, up):
    context.scenes.outages.reported(down, up, limit)


@then("within {limit:Duration} /status and /health both report every component ok again")
def step_all_ok(context, limit):
    context.scenes.outages.all_ok(limit)


@then("{component:Component} stays down for {limit:Duration}, both routes saying so throughout")
def step_stays_down(context, component, limit):
    context.scenes.outages.stays_down(component, limit)


@then('a fresh strategy sent to world "{world}" meanwhile is answered 503 with a detail within {limit:Duration}')
def step_fresh_refused(context, world, limit):
    context.scenes.outages.submission_refused(world, limit)


@then('a fresh strategy sent to world "{world}" meanwhile is accepted within {limit:Duration}')
def step_fresh_accepted(context, world, limit):
    context.scenes.outages.submission_accepted(world, limit)


@then('the fresh strategy sent again to world "{world}" is accepted as a new strategy')
def step_fresh_resent(context, world):
    context.scenes.outages.resent_accepted(world)


@then('an event subscription to world "{world}" is still issued within {limit:Duration}')
def step_subscription_issued(context, world, limit):
    context.scenes.outages.subscription_issued(world, limit)


@then('reading world "{world}" through the Gateway meanwhile is answered {how:OutageWorldRead} within {limit:Duration}')
def step_world_read(context, world, how, limit):
    context.scenes.outages.world_read(world, how, limit)


@then("a tag query through the Gateway meanwhile is answered {how:OutageTagQuery} within {limit:Duration}")
@then("a tag query through the Gateway is answered {how:OutageTagQuery} again within {limit:Duration}")
def step_tag_query(context, how, limit):
    context.scenes.outages.tag_query(how, limit)


@then("the strategy accepted before the outage still reports queued, processing or completed")
def step_first_known(context):
    context.scenes.outages.first_still_known()


@when('a "{label}" subscriber opens the event stream for the strategy\'s {topics:Names} events in world "{world}"')
def step_open_after(context, label, topics, world):
    context.scenes.events.streams.subscribe_and_open(world, topics, label)


@then('within {limit:Duration} the "{label}" subscriber receives that activation change')
def step_label_receives_change(context, limit, label):
    context.scenes.events.streams.receives_change(label, limit)


@when("{component:Component} hangs, taking calls and answering none")
def step_hangs(context, component):
    context.scenes.outages.hang(component)


@when("{component:Component} answers calls again")
def step_answers_again(context, component):
    context.scenes.outages.answer_again(component)


@when('a fresh strategy is sent to world "{world}" meanwhile')
def step_fresh_sent(context, world):
    context.scenes.outages.send_fresh(world)


@then("the fresh strategy was accepted with a strategy id, or refused with a 503 and a detail")
def step_fresh_either(context):
    context.scenes.outages.fresh_accepted_or_refused()
