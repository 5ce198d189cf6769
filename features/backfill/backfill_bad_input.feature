@backfill
Feature: A strategy run refuses bad input before submitting anything
  As a strategy developer
  I want a mistyped backfill command to stop at once with a clear explanation
  So that nothing half-configured ever reaches the Gateway

  Background:
    Given the QMTL stack is running
    And a world for the backfill runs

  Scenario Outline: A run with <problem> is refused
    When the guide's strategy runner is started with <problem>
    Then the runner stops within 30 seconds with a non-zero exit
    And the runner explains the problem in one line mentioning "<mention>"
    And within 1 second nothing has been bound to the backfill world

    Examples:
      | problem                                  | mention          |
      | an end time before the start time        | before           |
      | equal start and end times                | empty            |
      | a start time that is not a whole number  | whole number     |
      | an end time that is not a whole number   | whole number     |
      | a window in the future                   | future           |
      | a strategy module that does not exist    | module           |
      | a strategy class that does not exist     | class            |
      | a strategy without a history provider    | history provider |
      | a Gateway that cannot be reached         | unreachable      |
