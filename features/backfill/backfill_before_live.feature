@backfill
Feature: History is loaded before live processing begins
  As a strategy developer following the end-to-end guide
  I want a strategy run to load exactly the history window I ask for before it processes live bars
  So that my strategy goes live with complete, ordered state and no bar is counted twice

  The guide's sample strategy reads one-minute BTC-USD bars (the price stream,
  keeping 5) and five-minute bars (the trend stream, keeping 3). A window runs
  from its start time up to, but not including, its end time.

  Background:
    Given the QMTL stack is running
    And a world for the backfill runs

  Scenario: The guide's backfill loads exactly the requested window
    When the guide's sample strategy runs with a backfill from 1700000000 to 1700003600
    Then the backfill run finishes successfully within 30 seconds
    And each stream's history was asked for once, for exactly 1700000000 to 1700003600
    And each stream's backfilled bars are strictly increasing and bucket-aligned, without gaps or duplicates
    And the price stream's cache holds its last 5 bars, from 1700003340 to 1700003580
    And the trend stream's cache holds its last 3 bars, from 1700002800 to 1700003400
    And each stream reports its backfill complete up to 1700003600
    And the runner reported backfill jobs in progress while loading and none once it finished

  Scenario: Live bars are processed only after the backfill has finished
    When the guide's sample strategy runs with a backfill from 1700000000 to 1700003600 and 3 live bars per stream
    Then the backfill run finishes successfully within 30 seconds
    And 3 live bars were processed for each stream
    And every live bar is later than the last backfilled bar of its stream
    And no live bar was processed before the backfill finished
    And the momentum signal was computed from the live bars

  Scenario: The backfilled strategy is bound to its world at the Gateway
    When the guide's sample strategy runs with a backfill from 1700000000 to 1700003600
    Then the backfill run finishes successfully within 30 seconds
    And within 5 seconds the Gateway lists the backfilled strategy in the backfill world
    And the Gateway knows the backfilled strategy

  Scenario: Missing history inside the window is reported bucket by bucket
    When the guide's sample strategy runs with a backfill from 1700006400 to 1700008200
    Then the backfill run finishes successfully within 30 seconds
    And the backfill run reports the price stream missing the bars at 1700007180, 1700007240 and 1700007300
    And the backfill run reports no missing bars for the trend stream
    And the runner warns about each missing bar

  Scenario: Running the same backfill twice gives identical results
    When the guide's sample strategy runs twice with a backfill from 1700000000 to 1700003600
    Then both backfill runs finish successfully within 30 seconds each
    And both backfill runs loaded the same bars, cached the same rows and computed the same live results
