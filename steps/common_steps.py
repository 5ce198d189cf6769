"""Steps every domain uses: the stack, worlds."""
from behave import given

from qmtl_acceptance.eventually import eventually


@given("the QMTL stack is running")
def step_stack_running(context):
    answer = eventually(
        lambda: _status_answer(context),
        within=context.suite.seconds(10),
        what=f"the Gateway at {context.stack.gateway_url} answers /status",
    )
    context.observations["gateway status at scenario start"] = answer.describe()


def _status_answer(context):
    answer = context.gateway.status()
    assert answer.status == 200, answer.describe()
    return answer


@given('two worlds "{first}" and "{second}"')
def step_two_worlds(context, first, second):
    context.worlds = {}
    for role in (first, second):
        world_id = context.ids(f"world {role}")
        answer = context.gateway.create_world(world_id, f"acceptance world {role}")
        assert answer.status == 200, f"creating world {world_id} through the Gateway: {answer.describe()}"
        context.worlds[role] = world_id
