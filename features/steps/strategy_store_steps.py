"""What an accepted strategy leaves in Postgres, Redis and WorldService."""
from behave import then


@then("within {limit:Duration} Postgres holds the strategy's row with the meta it was submitted with")
def step_pg_row(context, limit):
    context.scenes.strategies.stores.row_holds_meta(limit)


@then('Postgres holds the strategy\'s events, the first being "{event}"')
def step_pg_first_event(context, event):
    context.scenes.strategies.stores.first_event(event)


@then("within {limit:Duration} Postgres records the strategy's statuses as {statuses:Names} in that order")
def step_pg_status_events(context, limit, statuses):
    context.scenes.strategies.stores.statuses_recorded(statuses, limit)


@then("Postgres binds each accepted strategy to its worlds and to no other world")
def step_pg_bindings(context):
    context.scenes.strategies.stores.bound_in_postgres()


@then("Redis holds the strategy's hash with its DAG, the DAG's hash and its state")
def step_redis_hash(context):
    context.scenes.strategies.stores.redis_holds_strategy()


@then("Redis maps that DAG hash to the strategy")
def step_redis_dag_hash(context):
    context.scenes.strategies.stores.dag_hash_names_strategy()


@then("Redis keeps that DAG hash without an expiry, so the DAG stays a duplicate for good")
def step_redis_dag_hash_kept(context):
    context.scenes.strategies.stores.dag_hash_never_expires()


@then('Postgres and Redis both hold the status "{status}" for the strategy')
def step_stores_agree(context, status):
    context.scenes.strategies.stores.stores_agree(status)


@then("submitting the same strategy again under other meta is refused and leaves no strategies row")
def step_duplicate_no_row(context):
    context.scenes.strategies.stores.duplicate_leaves_no_row("alpha")


@then("within {limit:Duration} WorldService lists the strategy in {roles:WorldRoles}")
def step_worldservice_lists(context, limit, roles):
    context.scenes.strategies.worlds_list_latest(roles, limit)
