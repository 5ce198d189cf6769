"""Tag queries and the DAG Manager's administration: statistics, cleanup, redo."""
from behave import given, then, when


@given('a strategy whose "{first}" stream is tagged {first_tags:Names}, whose "{second}" stream is tagged {second_tags:Names} '
       'and whose "{third}" stream is tagged {third_tags:Names} at a {interval:d}-second interval')
def step_tagged_strategy(context, first, first_tags, second, second_tags, third, third_tags, interval):
    context.scenes.dagmanager.tags.build_tagged("the strategy", [(first, first_tags, 60), (second, second_tags, 60), (third, third_tags, interval)])


@given('another strategy whose "{stream}" stream is tagged {tags:Names}, diffed for {worlds:WorldRoles} in the "{domain}" domain')
def step_other_tagged_strategy(context, stream, tags, worlds, domain):
    context.scenes.dagmanager.tags.build_tagged("the other strategy", [(stream, tags, 60)])
    context.scenes.dagmanager.diff(worlds, domain, "the other strategy")


@when('the DAG Manager is asked for the queues tagged {tags:Names} at a {interval:d}-second interval in "{mode:MatchMode}" mode')
def step_tag_query(context, tags, interval, mode):
    context.scenes.dagmanager.tags.ask(tags, interval, mode)


@when("the DAG Manager is asked for the queues tagged {tags:Names} at a {interval:d}-second interval without a match mode")
def step_tag_query_no_mode(context, tags, interval):
    context.scenes.dagmanager.tags.ask(tags, interval, "")


@then("the DAG Manager answers with the queues of {found:FoundStreams}")
def step_tag_answer(context, found):
    context.scenes.dagmanager.tags.answered_with(found)


@then('the answer holds one queue of the "{stream}" stream for each of {worlds:WorldRoles}')
def step_tag_answer_per_world(context, stream, worlds):
    context.scenes.dagmanager.tags.one_queue_per_world(stream, worlds)


@when("the DAG Manager's queue statistics are read")
def step_read_stats(context):
    context.scenes.dagmanager.admin.read_stats()


@when("the DAG Manager's queue statistics are read filtered by {filter:StatsFilter}")
def step_read_stats_filtered(context, filter):
    context.scenes.dagmanager.admin.read_stats(filter)


@then("the queue statistics still list each of the strategy's queues")
def step_stats_still_list(context):
    context.scenes.dagmanager.admin.read_stats()
    context.scenes.dagmanager.admin.lists_each()


@then("they list each of the strategy's queues")
def step_stats_list(context):
    context.scenes.dagmanager.admin.lists_each()


@then("each of the strategy's queues has a size of zero or more messages")
def step_stats_sizes(context):
    context.scenes.dagmanager.admin.sizes_not_negative()


@then("they list each of the strategy's queues whose names hold that filter, and there is at least one")
def step_stats_filtered(context):
    context.scenes.dagmanager.admin.lists_matching()


@given("the DAG Manager has cleaned up the strategy")
@when("the DAG Manager cleans up the strategy")
def step_cleanup(context):
    context.scenes.dagmanager.admin.cleanup()


@then("within {limit:Duration} the queue statistics no longer list any of the strategy's queues")
def step_stats_cleaned(context, limit):
    context.scenes.dagmanager.admin.cleaned_within(limit)


@then("the queue statistics still list each of the other strategy's queues")
def step_stats_others_kept(context):
    context.scenes.dagmanager.admin.others_kept()


@when('the DAG Manager redoes the diff from the strategy\'s sentinel with the "{old}" node replaced by "{new}"')
def step_redo(context, old, new):
    context.scenes.dagmanager.admin.redo_replacing(old, new)


@when("the DAG Manager redoes the diff from the strategy's sentinel with no new DAG")
def step_redo_unchanged(context):
    context.scenes.dagmanager.admin.redo_unchanged()


@then("the redo answers with the strategy's sentinel and a version label")
def step_redo_answer(context):
    context.scenes.dagmanager.admin.redo_names_sentinel_and_version()


@then("the redone queue map holds the new node's queue in every world diffed before")
def step_redo_queues(context):
    context.scenes.dagmanager.admin.redo_holds_new_node_everywhere()


@then("the redone queue map holds exactly the queues of the earlier diff")
def step_redo_same(context):
    context.scenes.dagmanager.admin.redo_holds_same_queues()


@then("the replaced node's queues are gone from the queue statistics")
def step_replaced_gone(context):
    context.scenes.dagmanager.admin.replaced_gone()
