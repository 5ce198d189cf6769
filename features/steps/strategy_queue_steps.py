"""Queues a strategy gets: dry runs, and queues by tag through the Gateway."""
from behave import then, when


@when('the strategy author dry-runs it for {roles:WorldRoles} in the "{domain}" domain')
def step_dry_run(context, roles, domain):
    context.scenes.strategies.queues.dry_run_for(roles, domain)


@when('the strategy author dry-runs "{case:SubmissionCase}"')
def step_dry_run_case(context, case):
    context.scenes.strategies.queues.dry_run_case(case)


@then("the Gateway answers the dry run with HTTP {status:d}")
def step_dry_run_status(context, status):
    context.scenes.strategies.queues.dry_run_answered(status)


@then('the Gateway answers the dry run with HTTP {status:d} and error code "{code}"')
def step_dry_run_refused(context, status, code):
    context.scenes.strategies.queues.dry_run_answered(status, code)


@then("every node has one queue per world, each named after its world and that domain")
def step_dry_run_queues(context):
    context.scenes.strategies.queues.dry_run_names_queues()


@then("the dry run recorded nothing: the same strategy can still be submitted afterwards")
def step_dry_run_recorded_nothing(context):
    context.scenes.strategies.queues.dry_run_recorded_nothing()


@then('within {limit:Duration} the Gateway lists {listed:TagListing} for queues tagged {tags:Names} '
      'at a {interval:d}-second interval in "{mode}" mode {scope:TagScope}')
def step_by_tag(context, limit, listed, tags, interval, mode, scope):
    context.scenes.strategies.queues.lists(listed, tags, interval, mode, scope, limit)


@then('asking the Gateway for queues tagged "{tag}" {bad:BadTagQuery} is refused with HTTP {status:d}')
def step_by_tag_bad_query(context, tag, bad, status):
    context.scenes.strategies.queues.refused_bad_query(tag, bad, status)
