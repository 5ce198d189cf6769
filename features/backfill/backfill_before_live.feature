@backfill
Feature: History is loaded before live processing begins
  As a strategy developer following the end-to-end guide
  I want a strategy run to load exactly the history window I ask for before it processes live bars
  So that my strategy goes live with complete, ordered state and no bar is counted twice

  The guide's sample strategy reads one-minute BTC-USD bars (the price stream,
  keeping 5) and five-minute bars (the trend stream, keeping 3). A window runs
  from its start time up to, but not including, its end time; bars sit on
  times that are whole multiples of their interval.

  Background:
    Given the QMTL stack is running
    And a world for the backfill runs

  @clause.backfill.window.one_fetch @clause.backfill.window.half_open @clause.backfill.window.bucket_aligned
  @clause.backfill.cache.last_period_rows @clause.backfill.metric.last_timestamp_is_end @clause.backfill.metric.jobs_in_progress
  Scenario: The guide's backfill loads exactly the requested window
    When the guide's sample strategy runs with a backfill from 1700000000 to 1700003600
    Then the backfill run finishes successfully within 30 seconds
    And each stream's history was asked for once, for exactly 1700000000 to 1700003600
    And each stream's backfilled bars are every bucket of the window, in order, without gaps or duplicates
    And the price stream's cache holds its last 5 bars, from 1700003340 to 1700003580
    And the trend stream's cache holds its last 3 bars, from 1700002800 to 1700003400
    And each stream reports its backfill complete up to 1700003600
    And the runner reported backfill jobs in progress while loading and none once it finished

  @clause.backfill.window.one_fetch @clause.backfill.window.half_open @clause.backfill.window.bucket_aligned
  @clause.backfill.cache.last_period_rows @clause.backfill.metric.last_timestamp_is_end
  Scenario Outline: A backfill from <start> to <end> loads that window and caches its last bars
    When the guide's sample strategy runs with a backfill from <start> to <end>
    Then the backfill run finishes successfully within 30 seconds
    And each stream's history was asked for once, for exactly <start> to <end>
    And each stream's backfilled bars are every bucket of the window, in order, without gaps or duplicates
    And the price stream's cache holds its last 5 bars, from <price from> to <price to>
    And the trend stream's cache holds its last 3 bars, from <trend from> to <trend to>
    And each stream reports its backfill complete up to <end>

    Examples: Both sides of the window's end: a bar at the end time is not loaded, one just before it is
      | start      | end        | price from | price to   | trend from | trend to   |
      | 1700000000 | 1700003580 | 1700003280 | 1700003520 | 1700002800 | 1700003400 |
      | 1700000000 | 1700003581 | 1700003340 | 1700003580 | 1700002800 | 1700003400 |
      | 1700000040 | 1700003301 | 1700003040 | 1700003280 | 1700002500 | 1700003100 |

    Examples: A start just after a bar, and a window earlier in the shipped history
      | start      | end        | price from | price to   | trend from | trend to   |
      | 1700000041 | 1700003640 | 1700003340 | 1700003580 | 1700002800 | 1700003400 |
      | 1699992000 | 1699995600 | 1699995300 | 1699995540 | 1699994700 | 1699995300 |

  @clause.backfill.cache.fewer_than_period
  Scenario: A window shorter than a stream's period caches every bar it loaded
    When the guide's sample strategy runs with a backfill from 1700000000 to 1700000180
    Then the backfill run finishes successfully within 30 seconds
    And each stream's backfilled bars are every bucket of the window, in order, without gaps or duplicates
    And the price stream's cache holds only the bars from 1700000040 to 1700000160
    And the trend stream's cache holds only the bars from 1700000100 to 1700000100
    And each stream reports its backfill complete up to 1700000180

  @clause.backfill.live.after_backfill @clause.backfill.live.count
  Scenario Outline: Live bars are processed only after the backfill has finished (<bars> per stream)
    When the guide's sample strategy runs with a backfill from 1700000000 to 1700003600 and <bars> live bars per stream
    Then the backfill run finishes successfully within 30 seconds
    And <bars> live bars were processed for each stream
    And every live bar is later than the last backfilled bar of its stream
    And no live bar was processed before the backfill finished
    And the momentum signal was computed from the live bars

    Examples:
      | bars |
      | 1    |
      | 3    |

  @clause.backfill.live.zero_means_none
  Scenario: A run asking for no live bars backfills its window and processes none
    When the guide's sample strategy runs with a backfill from 1700000000 to 1700003600 and 0 live bars per stream
    Then the backfill run finishes successfully within 30 seconds
    And each stream's backfilled bars are every bucket of the window, in order, without gaps or duplicates
    And the price stream's cache holds its last 5 bars, from 1700003340 to 1700003580
    And 0 live bars were processed for each stream

  @clause.backfill.gaps.empty_window
  Scenario: A window whose history file holds no bar at all loads nothing and reports every bar missing
    When the guide's strategy runner is started with a history file of only a header
    Then the backfill run finishes successfully within 30 seconds
    And each stream's history was asked for once, for exactly 1700000000 to 1700003600
    And the price stream's cache holds no bar
    And the backfill run reports the price stream missing every bar of the window
    And each stream reports its backfill complete up to 1700003600

  @clause.backfill.submission.bound_to_world
  Scenario: The backfilled strategy is bound to its world at the Gateway
    When the guide's sample strategy runs with a backfill from 1700000000 to 1700003600
    Then the backfill run finishes successfully within 30 seconds
    And within 5 seconds the Gateway lists the backfilled strategy in the backfill world
    And the Gateway knows the backfilled strategy

  @clause.backfill.submission.per_world
  Scenario: The same strategy backfilled in two worlds runs as one strategy per world
    When the guide's sample strategy runs in worlds "alpha" and "beta" with a backfill from 1700000000 to 1700003600
    Then every backfill run finishes successfully within 30 seconds
    And within 5 seconds worlds "alpha" and "beta" each list their own backfilled strategy and not the other's

  @clause.backfill.gaps.named_per_bar
  Scenario: Missing history inside the window is reported bucket by bucket
    When the guide's sample strategy runs with a backfill from 1700006400 to 1700008200
    Then the backfill run finishes successfully within 30 seconds
    And the backfill run reports the price stream missing the bars at 1700007180, 1700007240 and 1700007300
    And the backfill run reports no missing bars for the trend stream
    And the runner warns about each missing bar

  # Epoch seconds start at 0: a window from the epoch itself is a window, one before it is a wrong command.
  @clause.backfill.gaps.named_per_bar @clause.backfill.window.from_the_epoch
  Scenario: A window starting at the epoch itself is run, and every bar it has no history for is reported
    When the guide's sample strategy runs with a backfill from 0 to 600
    Then the backfill run finishes successfully within 30 seconds
    And the backfill run reports the price stream missing the bars at 0, 60, 120, 180, 240, 300, 360, 420, 480 and 540
    And the backfill run reports the trend stream missing the bars at 0 and 300

  @clause.backfill.runs.repeatable @clause.backfill.submission.duplicate_reuses_first
  Scenario: Running the same backfill twice gives identical results
    When the guide's sample strategy runs twice with a backfill from 1700000000 to 1700003600
    Then both backfill runs finish successfully within 30 seconds each
    And both backfill runs loaded the same bars, cached the same rows, computed the same live results and ran as one strategy
    And the second backfill run says its strategy was already registered, and the first does not
