@strategies
Feature: Submission input that mutants of the reference Gateway slipped past
  As a strategy author
  I want input no decoder can take refused with the contract's 400, never another code
  So that a malformed strategy is told apart from a server fault
  (Each scenario here kills a mutant the mutation campaign found surviving.)

  Background:
    Given the QMTL stack is running
    And two worlds "alpha" and "beta"
    And a freshly built two-node strategy

  @deviation.bad_dag_json_500 @clause.strategies.dag_json.invalid_400
  Scenario: A DAG nested too deeply to decode is refused with 400 E_DAG_JSON_INVALID and binds nothing
    When the strategy author submits a DAG nested 100000 levels deep
    Then the Gateway answers the submission with HTTP 400 and error code "E_DAG_JSON_INVALID"
    And within 5 seconds the worlds list this scenario's strategies in neither
