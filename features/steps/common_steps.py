"""Steps every domain uses: the stack, worlds."""
from behave import given


@given("the QMTL stack is running")
def step_stack_running(context):
    context.scenes.health.stack_answers(within=10)


@given("{roles:WorldRoles}")
def step_worlds(context, roles):
    context.scenes.worlds.ensure(*roles)


@given("two worlds {roles:Names}")
def step_two_worlds(context, roles):
    assert len(roles) == 2, f"the step names {len(roles)} worlds, not two: {roles}"
    context.scenes.worlds.ensure(*roles)
