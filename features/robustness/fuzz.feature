Feature: Generated requests from the published OpenAPI
  Each HTTP service publishes its API at /openapi.json. Requests generated
  from it (its examples, the boundaries of each field, then random valid and
  invalid data; a bounded number per operation, in a bounded time, from a
  fixed seed so a failure reproduces) never get a server error, and every
  documented answer matches the published schema. Each finding fails the
  scenario with a command line that repeats the request. A service without a
  published OpenAPI fails the scenario, saying so.

  Background:
    Given the QMTL stack is running

  @clause.robustness.fuzz.gateway @deviation.bad_dag_json_500
  Scenario: The Gateway survives requests generated from its OpenAPI
    Then the Gateway answers every generated request without a server error and as its published OpenAPI says

  @clause.robustness.fuzz.worldservice @use.with_worldservice=addressed
  Scenario: WorldService survives requests generated from its OpenAPI
    Then the WorldService answers every generated request without a server error and as its published OpenAPI says
