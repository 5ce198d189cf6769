"""Steps of the strategy scenarios written to kill mutation-campaign survivors."""
from behave import when

from qmtl_acceptance.scenes.strategies_mutants import submit_nested


@when("the strategy author submits a DAG nested {depth:d} levels deep")
def step_submit_nested(context, depth):
    submit_nested(context.scenes.strategies, depth)
