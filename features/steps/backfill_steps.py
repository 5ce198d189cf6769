"""Backfills: the guide's `sdk run` command, its report, and what the Gateway saw."""
from behave import given, then, when


@given("a world for the backfill runs")
def step_backfill_world(context):
    context.scenes.worlds.ensure("backfill")


@when("the guide's sample strategy runs with a backfill from {start:d} to {end:d}")
def step_run(context, start, end):
    context.scenes.backfill.run(start=start, end=end)


@when("the guide's sample strategy runs with a backfill from {start:d} to {end:d} and {bars:d} live bars per stream")
def step_run_live(context, start, end, bars):
    context.scenes.backfill.run(start=start, end=end, live_bars=bars)


@when("the guide's sample strategy runs twice with a backfill from {start:d} to {end:d}")
def step_run_twice(context, start, end):
    for label in ("run 1", "run 2"):
        context.scenes.backfill.run(start=start, end=end, label=label)


@when("the guide's sample strategy runs in {roles:WorldRoles} with a backfill from {start:d} to {end:d}")
def step_run_in_worlds(context, roles, start, end):
    context.scenes.backfill.runs_in_worlds(roles, start, end)


@when("the guide's strategy runner is started with {problem:BadRunInput}")
def step_run_bad_input(context, problem):
    context.scenes.backfill.run_bad_input(problem)


@then("the backfill run finishes successfully within {limit:Duration}")
@then("both backfill runs finish successfully within {limit:Duration} each")
@then("every backfill run finishes successfully within {limit:Duration}")
def step_finished(context, limit):
    context.scenes.backfill.finished_within(limit)


@then("each stream's history was asked for once, for exactly {start:d} to {end:d}")
def step_asked_once(context, start, end):
    context.scenes.backfill.asked_once_for(start, end)


@then("each stream's backfilled bars are every bucket of the window, in order, without gaps or duplicates")
def step_bars_complete(context):
    context.scenes.backfill.bars_complete()


@then("the {name:StreamName} stream's cache holds its last {count:d} bars, from {first:d} to {last:d}")
def step_cache_last(context, name, count, first, last):
    context.scenes.backfill.cache_keeps_period(name, count)
    context.scenes.backfill.cache_holds(name, first, last)


@then("the {name:StreamName} stream's cache holds only the bars from {first:d} to {last:d}")
def step_cache_only(context, name, first, last):
    context.scenes.backfill.cache_holds(name, first, last)


@then("each stream reports its backfill complete up to {end:d}")
def step_complete_up_to(context, end):
    context.scenes.backfill.complete_up_to(end)


@then("the runner reported backfill jobs in progress while loading and none once it finished")
def step_jobs_gauge(context):
    context.scenes.backfill.jobs_gauge_rises_and_falls()


@then("{count:d} live bars were processed for each stream")
def step_live_count(context, count):
    context.scenes.backfill.live_bars_per_stream(count)


@then("every live bar is later than the last backfilled bar of its stream")
def step_live_later(context):
    context.scenes.backfill.live_after_backfilled_bars()


@then("no live bar was processed before the backfill finished")
def step_live_after_backfill(context):
    context.scenes.backfill.no_live_before_backfill_finished()


@then("the momentum signal was computed from the live bars")
def step_signal(context):
    context.scenes.backfill.signal_from_live_bars()


@then("within {limit:Duration} the Gateway lists the backfilled strategy in the backfill world")
def step_bound(context, limit):
    context.scenes.backfill.bound_within(limit)


@then("within {limit:Duration} {roles:WorldRoles} each list their own backfilled strategy and not the other's")
def step_each_world_own(context, limit, roles):
    context.scenes.backfill.each_world_lists_only_its_run(roles, limit)


@then("the Gateway knows the backfilled strategy")
def step_known(context):
    context.scenes.backfill.gateway_knows_strategy()


@then("the backfill run reports the {name:StreamName} stream missing the bars at {bars:Numbers}")
def step_missing(context, name, bars):
    context.scenes.backfill.reports_missing(name, [int(b) for b in bars])


@then("the backfill run reports no missing bars for the {name:StreamName} stream")
def step_none_missing(context, name):
    context.scenes.backfill.reports_missing(name, [])


@then("the runner warns about each missing bar")
def step_warns(context):
    context.scenes.backfill.warns_each_missing_bar()


@then("both backfill runs loaded the same bars, cached the same rows, computed the same live results and ran as one strategy")
def step_identical(context):
    context.scenes.backfill.runs_identical()


@then("the second backfill run says its strategy was already registered, and the first does not")
def step_second_registered(context):
    context.scenes.backfill.second_run_says_already_registered()


@when("the guide's strategy runner is started against a Gateway that {failure:GatewayFailure}")
def step_run_broken_gateway(context, failure):
    context.scenes.backfill.run_against_broken_gateway(failure)


@then("the runner stops within {limit:Duration} with exit code {code:d}")
def step_refused(context, limit, code):
    context.scenes.backfill.refused_with_exit(code, limit)


@then("the run's report records the failure with exit code {code:d} and the reason its line gives")
def step_reported_failure(context, code):
    context.scenes.backfill.reported_failure(code)


@then('the runner explains the problem in one line mentioning "{mention}"')
def step_one_line(context, mention):
    context.scenes.backfill.explained_in_one_line(mention)


@then("for {limit:Duration} nothing is bound to the backfill world")
def step_nothing_bound(context, limit):
    context.scenes.backfill.world_stays_unbound(limit)


@then('the runner explains the problem in one line mentioning both "{first}" and "{second}"')
def step_explained_two(context, first, second):
    context.scenes.backfill.explained_in_one_line(first, second)


@then("the Gateway address's password appears nowhere in the runner's output or its report")
def step_password_hidden(context):
    context.scenes.backfill.password_never_shown()


@then("the {name:StreamName} stream's cache holds no bar")
def step_cache_empty(context, name):
    context.scenes.backfill.cache_holds_nothing(name)


@then("the backfill run reports the {name:StreamName} stream missing every bar of the window")
def step_missing_all(context, name):
    context.scenes.backfill.reports_every_bar_missing(name)


@when("the runner's clock reads {now:d} and the guide's sample strategy runs with a backfill from {start:d} to {end:d}")
def step_run_at_clock(context, now, start, end):
    context.scenes.backfill.run(start=start, end=end, clock=now)


@when("the guide's command backfills its sample strategy from {start:d} to {end:d} with the target's own installation")
def step_guide_command(context, start, end):
    context.scenes.backfill.run_guide_command(start, end)


@then("the guide's command finishes successfully within {limit:Duration}")
def step_guide_finished(context, limit):
    context.scenes.backfill.guide_command_finished(limit)


@then("the guide's command says it backfilled the price and trend streams for exactly {start:d} to {end:d}")
def step_guide_backfilled(context, start, end):
    context.scenes.backfill.guide_command_backfilled(["price", "trend"], start, end)


@when("the guide's command backfills its sample strategy from {start:d} to {end:d} with the target's own installation, "
      "QMTL_GATEWAY_URL naming a Gateway that cannot be reached")
def step_guide_command_unreachable(context, start, end):
    context.scenes.backfill.run_guide_command_unreachable(start, end)


@then("the guide's command exits {code:d}, its error line naming the Gateway address QMTL_GATEWAY_URL gave")
def step_guide_unreachable(context, code):
    context.scenes.backfill.guide_command_could_not_reach(code)
