"""The DAG Manager over gRPC: connection, health, the strategies it diffs, and running diffs."""
from behave import given, then, when


@given("a gRPC connection to the DAG Manager")
def step_dm_connection(context):
    context.scenes.dagmanager.connect()


@when("the DAG Manager is restarted")
def step_dm_restart(context):
    context.scenes.dagmanager.restart()


@when("the DAG Manager's health is checked over QMTL's health service")
def step_dm_own_health(context):
    context.scenes.dagmanager.health.check_own()


@when("the DAG Manager's health is checked over QMTL's health service and the standard gRPC health service")
def step_dm_health(context):
    context.scenes.dagmanager.health.check_both()


@when("the standard gRPC health service is asked about {service:DmHealthService}")
def step_dm_standard_ask(context, service):
    context.scenes.dagmanager.health.ask_standard(service)


@then('QMTL\'s health service reports the DAG Manager as "{state}"')
def step_dm_state(context, state):
    context.scenes.dagmanager.health.state_is(state)


@then("QMTL's health service names the state of the DAG Manager's graph store")
def step_dm_graph_store(context):
    context.scenes.dagmanager.health.graph_store_named()


@then("the standard gRPC health service reports the server and each DAG Manager service as serving")
def step_dm_standard_health(context):
    context.scenes.dagmanager.health.all_serving()


@then('the standard gRPC health service answers "{answer:DmHealthAnswer}"')
def step_dm_standard_answer(context, answer):
    context.scenes.dagmanager.health.standard_answers(answer)


@given("a freshly built strategy of {shape:StrategyShape}")
def step_dm_strategy(context, shape):
    context.scenes.dagmanager.build(shape)


@given('the DAG Manager has diffed it for {worlds:WorldRoles} in the "{domain}" domain')
def step_dm_diffed(context, worlds, domain):
    context.scenes.dagmanager.diff(worlds, domain)


@given('another strategy of {shape:StrategyShape}, diffed for {worlds:WorldRoles} in the "{domain}" domain')
def step_dm_other_diffed(context, shape, worlds, domain):
    context.scenes.dagmanager.build(shape, "the other strategy")
    context.scenes.dagmanager.diff(worlds, domain, "the other strategy")


@when('the DAG Manager diffs it for {worlds:WorldRoles} in the "{domain}" domain, acknowledging every chunk')
def step_dm_diff_acked(context, worlds, domain):
    context.scenes.dagmanager.diffs.acknowledging_every_chunk(worlds, domain)


@when('the DAG Manager diffs it for {worlds:WorldRoles} in the "{domain}" domain in simultaneous calls')
def step_dm_diff_at_once(context, worlds, domain):
    context.scenes.dagmanager.diffs.at_once(worlds, domain)


@when('the DAG Manager diffs it twice for world "{world}", the two runs differing only in their {field:RunField}')
def step_dm_two_runs(context, world, field):
    context.scenes.dagmanager.diffs.two_runs_differing_in(world, field)


@when('the DAG Manager diffs it for world "{world}", acknowledging each chunk only when it arrives the second time')
def step_dm_diff_late(context, world):
    context.scenes.dagmanager.diffs.acknowledging_second_copies(world)


@when('the DAG Manager diffs it for world "{world}" while the acknowledgement is withheld for {limit:Duration}')
def step_dm_diff_withheld(context, world, limit):
    context.scenes.dagmanager.diffs.withholding(world, limit)


@when('the DAG Manager diffs it for world "{world}", acknowledging the {position:ChunkPosition} chunk only when it arrives the second time')
def step_dm_diff_withhold_one(context, world, position):
    context.scenes.dagmanager.diffs.withholding_at(world, position)


@when('the DAG Manager diffs it for world "{world}", first acknowledging the first chunk with {mistake:AckMistake}')
def step_dm_diff_mistaken(context, world, mistake):
    context.scenes.dagmanager.diffs.with_mistaken_first_ack(world, mistake)


@when("the DAG Manager is asked to diff {malformed:MalformedDag}")
def step_dm_diff_malformed(context, malformed):
    context.scenes.dagmanager.diffs.malformed(malformed)


@when("the DAG Manager's HTTP status port is sent {request:DmHttpRequest}")
def step_dm_http_send(context, request):
    context.scenes.dagmanager.http_status.send(request)


@then('the DAG Manager answers with the status line "{status_line}"')
def step_dm_http_answered(context, status_line):
    context.scenes.dagmanager.http_status.answered(status_line)


@then('its answer is a JSON object naming its "status"')
def step_dm_http_names_status(context):
    context.scenes.dagmanager.http_status.names_its_status()


@when('the DAG Manager diffs it again for world "{world}" in the "{domain}" domain with its {position:StreamPosition} stream replaced by a new one')
def step_dm_diff_again_replaced(context, world, domain, position):
    context.scenes.dagmanager.diffs.again(world, domain, position)


@when('the DAG Manager diffs it again for world "{world}" in the "{domain}" domain, unchanged')
def step_dm_diff_again(context, world, domain):
    context.scenes.dagmanager.diffs.again(world, domain, None)
