@dagmanager
Feature: DAG Manager health
  As an operator of QMTL
  I want the DAG Manager to answer both QMTL's own health check and the standard gRPC health protocol
  So that the Gateway and ordinary orchestration tools can tell whether it is serving

  Background:
    Given the QMTL stack is running
    And a gRPC connection to the DAG Manager

  @deviation.no_standard_grpc_health
  Scenario: The DAG Manager reports itself running on both health checks
    When the DAG Manager's health is checked over QMTL's health service and the standard gRPC health service
    Then QMTL's health service reports the DAG Manager as "running"
    And the standard gRPC health service reports the server and each DAG Manager service as serving
