@dagmanager
Feature: The DAG Manager's HTTP status probe
  As an operator of QMTL
  I want the DAG Manager's HTTP port to answer GET /status with 200 and its status, and nothing else with 200
  So that a plain HTTP readiness probe can tell whether it is up

  Background:
    Given the QMTL stack is running

  @use.with_dagmanager_status=addressed @clause.dagmanager.http_status.ok
  Scenario Outline: <request> is answered 200 with a JSON object naming the DAG Manager's status
    When the DAG Manager's HTTP status port is sent <request>
    Then the DAG Manager answers with the status line "HTTP/1.1 200 OK"
    And its answer is a JSON object naming its "status"

    Examples:
      | request                       |
      | a GET of /status              |
      | a GET of /status with a query |

  @use.with_dagmanager_status=addressed @clause.dagmanager.http_status.other_requests
  Scenario Outline: <request> is answered "<status line>"
    When the DAG Manager's HTTP status port is sent <request>
    Then the DAG Manager answers with the status line "<status line>"

    Examples:
      | request                       | status line                     |
      | a GET of another path         | HTTP/1.1 404 Not Found          |
      | a GET of a path below /status | HTTP/1.1 404 Not Found          |
      | a POST to /status             | HTTP/1.1 405 Method Not Allowed |
      | a DELETE of /status           | HTTP/1.1 405 Method Not Allowed |
      | a request line of two words   | HTTP/1.1 400 Bad Request        |
      | a request line of four words  | HTTP/1.1 400 Bad Request        |
