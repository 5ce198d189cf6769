@backfill
Feature: The guide's own backfill command
  As a strategy developer following the end-to-end guide
  I want the guide's command, typed as the guide types it, to backfill my strategy
  So that the guide I follow is the product I run

  The guide runs `qmtl tools sdk run MODULE:CLASS --start-time S --end-time E`
  with the command of the installation the target runs: the reference stack's
  `qmtl-reference`, or a QMTL installation's own `qmtl`. The line names no
  Gateway; QMTL_GATEWAY_URL names the started stack's.

  Background:
    Given the QMTL stack is running

  # QMTL removed `qmtl tools sdk run` in v2.0: the command exits 2 with a migration note.
  @use.with_installation=runnable @clause.backfill.guide.command_runs @deviation.backfill_cli_removed
  Scenario: The guide's command backfills the guide's window with the target's own installation
    When the guide's command backfills its sample strategy from 1700000000 to 1700003600 with the target's own installation
    Then the guide's command finishes successfully within 30 seconds
    And the guide's command says it backfilled the price and trend streams for exactly 1700000000 to 1700003600

  # The line names no Gateway, so the command must take it from QMTL_GATEWAY_URL: naming one where nothing
  # listens, it fails as a run whose Gateway cannot be reached, about that address and no other.
  @use.with_installation=runnable @clause.backfill.guide.gateway_from_env @deviation.backfill_cli_removed
  Scenario: The guide's command goes to the Gateway QMTL_GATEWAY_URL names, even one that cannot be reached
    When the guide's command backfills its sample strategy from 1700000000 to 1700003600 with the target's own installation, QMTL_GATEWAY_URL naming a Gateway that cannot be reached
    Then the guide's command exits 3, its error line naming the Gateway address QMTL_GATEWAY_URL gave
