"""A strategy's status through the Gateway."""
from behave import given, then, when


@then("the Gateway reports a status of queued, processing or completed for it right away")
def step_status_known(context):
    context.scenes.strategies.status.known_right_away()


@given('within {limit:Duration} the Gateway reports the strategy\'s status as "{status}"')
@then('within {limit:Duration} the Gateway reports the strategy\'s status as "{status}"')
def step_status_becomes(context, limit, status):
    context.scenes.strategies.status.reaches(status, limit)


@then('within {limit:Duration} the Gateway reports every strategy\'s status as "{status}"')
def step_every_status_becomes(context, limit, status):
    context.scenes.strategies.status.reaches(status, limit, every=True)


@when("someone asks the Gateway for the status of {unknown:UnknownStrategyId}")
def step_status_unknown(context, unknown):
    context.scenes.strategies.status.ask_unknown(unknown)


@then('the Gateway answers the status request with HTTP {status:d} and the detail "{detail}"')
def step_status_answer(context, status, detail):
    context.scenes.strategies.status.not_found(status, detail)
