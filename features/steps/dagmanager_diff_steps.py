"""What a diff must deliver: queues, keys, names, chunks, checksums, buffering, acknowledgements, refusals."""
from behave import then


@then("the diff completes within {limit:Duration}")
def step_diff_completes(context, limit):
    context.scenes.dagmanager.diffs.completed_within(limit)


@then("every node of the strategy gets one queue in that world's namespace for that domain")
def step_diff_queues(context):
    context.scenes.dagmanager.diffs.one_queue_per_node_namespaced()


@then("each world's diff gives every node one queue in that world's namespace for that domain")
def step_diff_queues_each_world(context):
    context.scenes.dagmanager.diffs.one_queue_per_node_namespaced()


@then("each queue-map key names its node, the node's interval and a compute key")
def step_diff_keys(context):
    context.scenes.dagmanager.diffs.keys_name_node_interval_and_compute_key()


@then("each queue is named after its node's type and id")
def step_diff_names(context):
    context.scenes.dagmanager.diffs.queues_named_after_nodes()


@then("every chunk carries the strategy's sentinel and one version label")
def step_diff_sentinel(context):
    context.scenes.dagmanager.diffs.chunks_name_sentinel_and_version()


@then("no queue or compute key is shared between the two worlds")
def step_diff_worlds_apart(context):
    context.scenes.dagmanager.diffs.worlds_kept_apart()


@then("the two runs' queue-map keys carry different compute keys")
def step_diff_runs_apart(context):
    context.scenes.dagmanager.diffs.compute_keys_apart()


@then("every chunk carries the checksum of the DAG's node ids in the submitted order")
def step_diff_checksum(context):
    context.scenes.dagmanager.diffs.checksum_in_submitted_order()


@then("the diff arrived in at least {count:d} chunks")
def step_diff_chunk_count(context, count):
    context.scenes.dagmanager.diffs.at_least_chunks(count)


@then("no queue-map key arrives in two chunks")
def step_diff_no_repeat(context):
    context.scenes.dagmanager.diffs.no_key_in_two_chunks()


@then("each acknowledgement is answered with the sentinel and chunk id it named")
def step_diff_ack_answers(context):
    context.scenes.dagmanager.diffs.acks_answered_in_kind()


@then("the diff carries one buffering instruction for each node with a period and none for a node without")
def step_diff_buffers(context):
    context.scenes.dagmanager.diffs.buffers_for_windowed_nodes()


@then("each buffering instruction repeats its node's type, hashes, interval, period and tags, with a lag equal to its period")
def step_diff_buffer_fields(context):
    context.scenes.dagmanager.diffs.buffers_repeat_their_nodes()


@then("the first chunk arrived at least {times:d} times, identical each time")
def step_first_chunk_again(context, times):
    context.scenes.dagmanager.diffs.first_chunk_again(times)


@then("no other chunk arrived while the first was unacknowledged")
def step_no_other_chunk(context):
    context.scenes.dagmanager.diffs.no_other_chunk_meanwhile()


@then("the diff ended with its deadline exceeded")
def step_diff_deadline(context):
    context.scenes.dagmanager.diffs.ended_deadline_exceeded()


@then("every chunk arrived exactly twice and the diff still delivered every node's queue")
def step_every_chunk_twice(context):
    context.scenes.dagmanager.diffs.every_chunk_twice_and_complete()


@then("the {position:ChunkPosition} chunk arrived twice, identical both times, and every other chunk once")
def step_position_resent(context, position):
    context.scenes.dagmanager.diffs.position_resent(position)


@then("the DAG Manager refuses the diff as an invalid argument, saying why")
def step_diff_refused(context):
    context.scenes.dagmanager.diffs.refused_invalid_argument()


@then("the queue-map key of each node that leaves out its interval names interval 0")
def step_diff_unstated_interval(context):
    context.scenes.dagmanager.diffs.unstated_intervals_keyed_zero()


@then("the diff carries a buffering instruction for the new stream only")
@then("the diff carries no buffering instruction")
def step_buffers_only_new(context):
    context.scenes.dagmanager.diffs.buffers_exactly_new_nodes()
