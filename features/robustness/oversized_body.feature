Feature: An oversized body is refused before it is read
  A client that announces a body larger than the Gateway accepts is refused
  with 413 at once, from the announced length: the Gateway does not wait to
  read megabytes it will refuse anyway.

  Background:
    Given the QMTL stack is running

  @clause.robustness.body.refused_unread @deviation.no_edge_validation
  Scenario: A submission announcing 3 MiB is refused at once
    When a client starts a submission announcing a body of 3 MiB
    Then the Gateway refuses it with HTTP 413 within 2 seconds, without waiting for the body
    And the Gateway's error body shows no stack trace, file path or internal address

  @clause.robustness.body.refused_whole @clause.robustness.submission.retry_accepted @deviation.no_edge_validation
  Scenario: A submission of just over 2 MiB sent whole is refused, and a good one after it is accepted
    Given world "alpha"
    When a client submits a body of just over 2 MiB to the Gateway
    Then the Gateway refuses it with HTTP 413, naming the limit of 2097152 bytes
    And the Gateway's error body shows no stack trace, file path or internal address
    And the same strategy submitted again with a good body is accepted
