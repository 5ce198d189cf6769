"""Strategy submission through the Gateway: the strategy under test, the submission matrix, duplicates."""
from behave import given, then, when


@given("a freshly built two-node strategy")
def step_fresh_strategy(context):
    context.scenes.strategies.build()


@given('a freshly built two-node strategy whose price stream is tagged "{tag}"')
def step_fresh_tagged_strategy(context, tag):
    context.scenes.strategies.build(tag)


@when('the strategy author submits "{case:SubmissionCase}"')
def step_submit_case(context, case):
    context.scenes.strategies.submit_case(case)


@then('the Gateway answers the submission with HTTP {status:d} and error code "{code}"')
def step_submission_answer(context, status, code):
    context.scenes.strategies.answered(status, code)


@then("the submission answer shows {evidence:SubmissionEvidence}")
def step_submission_evidence(context, evidence):
    context.scenes.strategies.shows(evidence)


@then("within {limit:Duration} the worlds list this scenario's strategies in {worlds:WorldSet}")
def step_worlds_list(context, limit, worlds):
    context.scenes.strategies.worlds_list_scenario_strategies(worlds, limit)


@then("within {limit:Duration} the worlds list this scenario's strategies as submitted")
def step_worlds_list_as_submitted(context, limit):
    context.scenes.strategies.worlds_list_as_submitted(limit)


@then("within {limit:Duration} each world lists every strategy the Gateway accepted for it")
def step_worlds_list_every_accepted(context, limit):
    context.scenes.strategies.worlds_list_every_accepted(limit)


@when('the strategy author submits it to {roles:WorldRoles} for the "{domain}" domain')
def step_submit_to_worlds(context, roles, domain):
    context.scenes.strategies.submit(roles, domain)


@given("the strategy author submitted it to {roles:WorldRoles}")
def step_submitted(context, roles):
    context.scenes.strategies.submit(roles)
    context.scenes.strategies.accepted_with_id()


@when("the strategy author submits {count:d} different strategies to {roles:WorldRoles}")
def step_submit_others(context, count, roles):
    context.scenes.strategies.submit_others(count, roles)


@when("the strategy author submits another strategy to {roles:WorldRoles}")
def step_submit_another(context, roles):
    context.scenes.strategies.submit_others(1, roles)


@then("the submission is accepted with a strategy id")
def step_accepted(context):
    context.scenes.strategies.accepted_with_id()


@when("the strategy author sends the strategy to {roles:WorldRoles} {count:d} times at once")
def step_submit_at_once(context, roles, count):
    context.scenes.strategies.submit_at_once(roles, count)


@then("exactly one submission is accepted and the other {duplicates:d} are refused as duplicates naming it")
def step_exactly_one(context, duplicates):
    context.scenes.strategies.exactly_one_accepted(duplicates)


@then("within {limit:Duration} {role:WorldRoles} lists only the accepted strategy")
def step_world_lists_only(context, limit, role):
    context.scenes.strategies.world_lists_only_accepted(role[0], limit)


@when("the Gateway restarts")
def step_gateway_restarts(context):
    context.scenes.strategies.restart_gateway()


@then("submitting the same strategy to {roles:WorldRoles} is refused as a duplicate of the first strategy")
def step_duplicate(context, roles):
    context.scenes.strategies.refused_as_duplicate(roles)


@given("the DAG Manager hangs without answering")
def step_dagmanager_hangs(context):
    context.scenes.strategies.outage.dagmanager_hangs()


@when("the Gateway crashes while the diff is under way")
def step_gateway_crashes(context):
    context.scenes.strategies.outage.gateway_crashes()


@when("the DAG Manager answers again")
def step_dagmanager_answers(context):
    context.scenes.strategies.outage.dagmanager_answers_again()


@when("the Gateway is started again")
def step_gateway_started(context):
    context.scenes.strategies.outage.gateway_starts_again()
