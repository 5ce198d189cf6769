@backfill
Feature: A strategy run refuses bad input before submitting anything
  As a strategy developer
  I want a mistyped backfill command to stop at once with a clear explanation
  So that nothing half-configured ever reaches the Gateway

  The runner exits 2 for a command that is wrong, and 3 when the Gateway
  cannot be reached, is not ready or refuses the strategy; its one line says
  which, and carries what went wrong.

  Background:
    Given the QMTL stack is running
    And a world for the backfill runs

  @clause.backfill.runner.bad_command_exit_2 @clause.backfill.runner.bad_command_submits_nothing @clause.backfill.runner.one_line_error
  Scenario Outline: A run with <problem> is refused
    When the guide's strategy runner is started with <problem>
    Then the runner stops within 30 seconds with exit code 2
    And the runner explains the problem in one line mentioning "<mention>"
    And the run's report records the failure with exit code 2 and the reason its line gives
    And for 1 second nothing is bound to the backfill world

    Examples:
      | problem                                                     | mention                                       |
      | an end time before the start time                           | before                                        |
      | equal start and end times                                   | empty                                         |
      | a start time that is not a whole number                     | whole number                                  |
      | an end time that is not a whole number                      | whole number                                  |
      | a negative start time                                       | start                                         |
      | a start time one second before the epoch                    | 1970                                          |
      | a window in the future                                      | future                                        |
      | a strategy module that does not exist                       | no such module                                |
      | a strategy module that imports a module that does not exist | a_dependency_nobody_installed                 |
      | a strategy class that does not exist                        | class                                         |
      | a strategy without a history provider                       | history provider                              |
      | a strategy whose stream has an interval of 0 seconds        | interval must be a whole number of at least 1 |

    @clause.backfill.live.zero_means_none
    Examples: A live bar count that is not a whole number of bars
      | problem                                                     | mention                                       |
      | a live bar count of -1                                      | --live-bars                                   |
      | a live bar count that is a word                             | --live-bars                                   |

  # The runner's clock is set for these, so "now" is one exact second and both sides of it can be asked for.
  @clause.backfill.window.ends_by_now @use.with_runner_clock=settable
  Scenario: A window ending exactly now is loaded
    When the runner's clock reads 1700003600 and the guide's sample strategy runs with a backfill from 1700000000 to 1700003600
    Then the backfill run finishes successfully within 30 seconds
    And each stream's history was asked for once, for exactly 1700000000 to 1700003600
    And each stream reports its backfill complete up to 1700003600

  @clause.backfill.window.ends_by_now @clause.backfill.runner.bad_command_exit_2 @clause.backfill.runner.bad_command_submits_nothing
  @use.with_runner_clock=settable
  Scenario Outline: A window ending <after> after now is refused as in the future
    When the runner's clock reads 1700003600 and the guide's sample strategy runs with a backfill from 1700000000 to <end>
    Then the runner stops within 30 seconds with exit code 2
    And the runner explains the problem in one line mentioning both "future" and "<end>"
    And the run's report records the failure with exit code 2 and the reason its line gives
    And for 1 second nothing is bound to the backfill world

    Examples:
      | after     | end        |
      | 1 second  | 1700003601 |
      | 1 hour    | 1700007200 |

  @clause.backfill.runner.bad_command_exit_2 @clause.backfill.runner.bad_command_submits_nothing @clause.backfill.runner.one_line_error
  @clause.backfill.runner.report_path_checked
  Scenario Outline: A run whose report cannot be written, <problem>, is refused before anything is submitted
    When the guide's strategy runner is started with <problem>
    Then the runner stops within 30 seconds with exit code 2
    And the runner explains the problem in one line mentioning both "--report" and "<mention>"
    And for 1 second nothing is bound to the backfill world

    Examples:
      | problem                                       | mention        |
      | a report path that is a directory             | is a directory |
      | a report path in a folder that does not exist | does not exist |

  @clause.backfill.runner.credentials_redacted @clause.backfill.runner.one_line_error
  Scenario Outline: A run given <problem> names the Gateway with its credentials hidden
    When the guide's strategy runner is started with <problem>
    Then the runner stops within 30 seconds with exit code <code>
    And the runner explains the problem in one line mentioning both "<kind>" and "<shown>"
    And the run's report records the failure with exit code <code> and the reason its line gives
    And the Gateway address's password appears nowhere in the runner's output or its report

    Examples:
      | problem                                                   | code | kind        | shown                 |
      | a Gateway address with a password where nothing listens   | 3    | unreachable | ***@127.0.0.1:        |
      | a Gateway address with a password that is not http        | 2    | http        | ***@127.0.0.1:8000    |
      | a Gateway address with a password and a port out of range | 2    | port        | ***@127.0.0.1:99999   |

  @clause.backfill.runner.history_row_named @clause.backfill.runner.one_line_error
  Scenario: A run whose history file has no ts column stops naming the file and the column it lacks
    When the guide's strategy runner is started with a history file without a ts column
    Then the runner stops within 30 seconds with exit code 1
    And the runner explains the problem in one line mentioning both "no_ts_column.csv" and "'ts' column"
    And the run's report records the failure with exit code 1 and the reason its line gives

  # The header is line 1 of a history file, so its first row is line 2.
  @clause.backfill.runner.history_row_named @clause.backfill.runner.one_line_error
  Scenario Outline: A run whose history has a bad row at a known line stops naming that line
    When the guide's strategy runner is started with <problem>
    Then the runner stops within 30 seconds with exit code 1
    And the runner explains the problem in one line mentioning both "<file>" and "<where>"
    And the run's report records the failure with exit code 1 and the reason its line gives

    Examples:
      | problem                                             | file                     | where  |
      | a history file whose line 2 has a word for its time | bad_ts_line_2.csv        | line 2 |
      | a history file whose line 3 is empty                | blank_row_line_3.csv     | line 3 |
      | a history file whose line 5 has a fractional time   | fractional_ts_line_5.csv | line 5 |

  @clause.backfill.runner.gateway_unreachable_exit_3 @clause.backfill.runner.one_line_error
  Scenario: A run whose Gateway cannot be reached stops with the Gateway's exit code
    When the guide's strategy runner is started with a Gateway that cannot be reached
    Then the runner stops within 30 seconds with exit code 3
    And the runner explains the problem in one line mentioning "unreachable"
    And for 1 second nothing is bound to the backfill world

  # Failures a live Gateway cannot be made to show on demand: the runner is pointed at a
  # loopback endpoint that fails as described.
  @clause.backfill.runner.gateway_failure_exit_3 @clause.backfill.runner.gateway_failure_named @clause.backfill.runner.one_line_error
  Scenario Outline: A run whose Gateway <failure> stops with the Gateway's exit code and says what went wrong
    When the guide's strategy runner is started against a Gateway that <failure>
    Then the runner stops within 30 seconds with exit code 3
    And the runner explains the problem in one line mentioning both "<kind>" and "<what>"

    Examples:
      | failure                                                    | kind                 | what                    |
      | closes every connection without answering                  | unreachable          | disconnected            |
      | answers in a protocol that is not HTTP                     | unreachable          | SSH-2.0-OpenSSH_9.2     |
      | never answers                                              | unreachable          | timed out               |
      | answers its status with HTTP 503                           | not ready            | HTTP 503                |
      | drops every submission without answering                   | submitting           | disconnected            |
      | refuses every strategy with HTTP 500 and a plain-text body | refused the strategy | HTTP 500                |

    # QMTL's SDK submits through GatewayClient.post_strategy, which keeps only the status of a
    # refusal ("gateway error 503"): the Gateway's detail and error code never reach the runner.
    @deviation.sdk_drops_refusal_detail
    Examples: A refusal whose detail the runner must pass on
      | failure                                                    | kind                 | what                    |
      | refuses every strategy with HTTP 503 and a detail          | refused the strategy | DAG Manager unavailable |
      | refuses every strategy with HTTP 400 and an error code     | refused the strategy | E_SCHEMA_INVALID        |
