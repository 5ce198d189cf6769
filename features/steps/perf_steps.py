"""Performance budgets (@perf): glue onto ``context.scenes.perf``; budgets are the Gherkin's, scaled by timeout_scale."""
from behave import given, then, when


@when("{strategies:d} strategies across {worlds:d} worlds each ask for an event token, {at_a_time:d} at a time")
def step_issue_tokens(context, strategies, worlds, at_a_time):
    context.scenes.perf.issue_tokens(strategies, worlds, at_a_time)


@then("every token was issued with a {pct:d}th-percentile latency under {ms:d} ms")
def step_tokens_budget(context, pct, ms):
    context.scenes.perf.within_budget("event token issue", pct, ms / 1000)


@given("{strategies:d} strategies across {worlds:d} worlds each hold an event token")
def step_hold_tokens(context, strategies, worlds):
    context.scenes.perf.issue_tokens(strategies, worlds, 4)


@when("every one of them opens the event stream, {at_a_time:d} at a time")
def step_connect_all(context, at_a_time):
    context.scenes.perf.connect_all(at_a_time)


@then("all of them are connected within {limit:Duration}")
def step_connected_within(context, limit):
    context.scenes.perf.connected_within(limit)


@then("the handshakes took a {pct:d}th-percentile time under {ms:d} ms")
def step_handshake_budget(context, pct, ms):
    context.scenes.perf.within_budget("handshake", pct, ms / 1000)


@given('{subscribers:d} subscribers of one strategy in world "{world}" have the event stream open, '
       'each holding its activation snapshot')
def step_fan_out_subscribers(context, subscribers, world):
    context.scenes.perf.open_fan_out(subscribers, world)


@when("the strategy's activation changes once")
def step_change_once(context):
    context.scenes.perf.change_activation()


@then("every one of the subscribers receives the change within {limit:Duration}")
def step_all_received(context, limit):
    context.scenes.perf.all_received_within(limit)


@then("the change was delivered with a {pct:d}th-percentile latency under {ms:d} ms")
def step_delivery_budget(context, pct, ms):
    context.scenes.perf.within_budget("delivery", pct, ms / 1000)


@when('{count:d} distinct strategies are submitted to world "{world}" one after another, '
      'each awaited for {limit:Duration} until it is completed')
def step_submit_each(context, count, world, limit):
    context.scenes.perf.submit_each(count, world, limit)


@then("the submissions were accepted with a {pct:d}th-percentile latency under {ms:d} ms")
def step_submission_budget(context, pct, ms):
    context.scenes.perf.within_budget("submission", pct, ms / 1000)


@then("the strategies were completed with a {pct:d}th-percentile time under {ms:d} ms")
def step_completed_budget(context, pct, ms):
    context.scenes.perf.within_budget("time to completed", pct, ms / 1000)


@when('the DAG Manager diffs {count:d} distinct {nodes:d}-node strategies for world "{world}", acknowledging every chunk')
def step_diff_large(context, count, nodes, world):
    context.scenes.perf.diff_large(count, nodes, world)


@then("every diff completed within {limit:Duration}")
def step_diff_budget(context, limit):
    context.scenes.perf.within_budget("diff", 100, limit)
