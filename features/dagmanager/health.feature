@dagmanager
Feature: DAG Manager health
  As an operator of QMTL
  I want the DAG Manager to answer both QMTL's own health check and the standard gRPC health protocol
  So that the Gateway and ordinary orchestration tools can tell whether it is serving

  Background:
    Given the QMTL stack is running
    And a gRPC connection to the DAG Manager

  @clause.dagmanager.health.status_running @clause.dagmanager.health.status_fields
  Scenario: QMTL's health service reports the DAG Manager running and names its graph store's state
    When the DAG Manager's health is checked over QMTL's health service
    Then QMTL's health service reports the DAG Manager as "running"
    And QMTL's health service names the state of the DAG Manager's graph store

  @deviation.no_standard_grpc_health @clause.dagmanager.health.status_running @clause.dagmanager.health.standard_serving
  Scenario: The DAG Manager reports itself running on both health checks
    When the DAG Manager's health is checked over QMTL's health service and the standard gRPC health service
    Then QMTL's health service reports the DAG Manager as "running"
    And the standard gRPC health service reports the server and each DAG Manager service as serving

  @deviation.no_standard_grpc_health @clause.dagmanager.health.standard_serving @clause.dagmanager.health.standard_unknown_service
  Scenario Outline: The standard gRPC health service answers for <service>: <answer>
    When the standard gRPC health service is asked about <service>
    Then the standard gRPC health service answers "<answer>"

    Examples:
      | service                                     | answer    |
      | the server as a whole                       | SERVING   |
      | the health check service                    | SERVING   |
      | the diff service                            | SERVING   |
      | the tag query service                       | SERVING   |
      | the admin service                           | SERVING   |
      | a service the DAG Manager does not offer    | NOT_FOUND |
