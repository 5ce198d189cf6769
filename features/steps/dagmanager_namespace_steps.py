"""Where a diff's queues live: the world and domain named by the request or by the DAG's own meta."""
from behave import then, when


@when("the DAG Manager diffs it with a request naming no world or domain, the DAG's meta naming {naming:MetaNaming}")
def step_dm_diff_meta_only(context, naming):
    context.scenes.dagmanager.namespaces.meta_only(naming)


@when('the DAG Manager diffs it with a request naming world "{world}" and {domain:RequestDomain}, the DAG carrying {lacking:MetaLacking}')
def step_dm_diff_request_only(context, world, domain, lacking):
    context.scenes.dagmanager.namespaces.request_only(world, domain, lacking)


@then('every node of the strategy gets one queue named under world "{world}" in the "{domain}" domain')
def step_dm_queues_under(context, world, domain):
    context.scenes.dagmanager.namespaces.queues_under(world, domain)


@then("every node of the strategy gets one world-shared queue, named without a world or domain")
def step_dm_queues_shared(context):
    context.scenes.dagmanager.namespaces.queues_world_shared()
