"""Bad and generated input: fuzzing from the published OpenAPI, bad submissions, malformed DAGs."""
from behave import then, when


@then("the {service:FuzzedService} answers every generated request without a server error and as its published OpenAPI says")
def step_fuzz(context, service):
    context.scenes.robustness.fuzz(service)


@when("a client submits {case:BadSubmission} to the Gateway")
def step_submit_bad(context, case):
    context.scenes.robustness.submit_bad(case)


@then('the Gateway refuses it with HTTP {status:d} and error code "{code}", saying why')
def step_refused_with(context, status, code):
    context.scenes.robustness.refused_with(status, code)


@then('the Gateway refuses it with HTTP {status:d} and error code "{code}", its errors naming the path "{path}" and saying why')
def step_refused_naming_path(context, status, code, path):
    context.scenes.robustness.refused_naming_path(status, code, path)


@then('the Gateway refuses it with HTTP {status:d}, error code "{code}" and the message "{message}"')
def step_refused_with_message(context, status, code, message):
    context.scenes.robustness.refused_with_message(status, code, message)


@then('the Gateway refuses it with HTTP {status:d}, error code "{code}" and the one error "{message}" at the path "{path}"')
def step_refused_with_one_error(context, status, code, message, path):
    context.scenes.robustness.refused_with_one_error(status, code, message, path)


@then("the refusal states the limit {limit:d}")
def step_states_limit(context, limit):
    context.scenes.robustness.states_limit(limit)


@then("the Gateway's error body shows no stack trace, file path or internal address")
def step_no_leak(context):
    context.scenes.robustness.no_leak()


@then("the same strategy submitted again with a good body is accepted")
def step_good_retry(context):
    context.scenes.robustness.good_retry_accepted()


@when("a client starts a submission announcing a body of {mebibytes:d} MiB")
def step_announce_oversized(context, mebibytes):
    context.scenes.robustness.announce_oversized(mebibytes)


@then("the Gateway refuses it with HTTP {status:d} within {limit:Duration}, without waiting for the body")
def step_refused_unread(context, status, limit):
    context.scenes.robustness.refused_unread(status, limit)


@when("the DAG Manager is sent {case:MalformedDagText} to diff")
def step_diff_malformed(context, case):
    context.scenes.robustness.diff_malformed(case)


@when("the DAG Manager diffs a DAG whose node has {case:Int64Edge}")
def step_diff_int64_edge(context, case):
    context.scenes.robustness.diff_at_int64_edge(case)


@then("the diff names one queue for that node")
def step_edge_diff_queue(context):
    context.scenes.robustness.edge_diff_has_its_queue()


@then("the diff names one queue for that node, its queue-map key naming interval {interval:d}")
def step_edge_diff_key_interval(context, interval):
    context.scenes.robustness.edge_diff_key_names_interval(interval)


@then("the DAG Manager refuses it with {code} and a reason")
def step_dagmanager_refused(context, code):
    context.scenes.robustness.dagmanager_refused(code)


@when("a client submits {case:EdgeSubmission} to the Gateway")
def step_submit_edge(context, case):
    context.scenes.robustness.submit_edge(case)


@then("the Gateway accepts it with a new strategy id")
def step_accepted(context):
    context.scenes.robustness.accepted()


@when("a client submits a body of just over {mebibytes:d} MiB to the Gateway")
def step_submit_oversized(context, mebibytes):
    context.scenes.robustness.submit_oversized(mebibytes)


@then("the Gateway refuses it with HTTP {status:d}, naming the limit of {limit:d} bytes")
def step_refused_naming_size(context, status, limit):
    context.scenes.robustness.refused_naming_size(status, limit)
