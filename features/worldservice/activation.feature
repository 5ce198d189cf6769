@worldservice
Feature: Activation records through the Gateway
  As a QMTL operator
  I want to switch a strategy's long and short sides on and off in a world and read back what I set
  So that the stack trades exactly the sides I activated, each change numbered in order

  Background:
    Given the QMTL stack is running
    And world "alpha"

  @clause.worldservice.activation.put_record @clause.worldservice.activation.etag_shape @clause.worldservice.activation.read_back
  @clause.worldservice.proxy.correlation_id @clause.worldservice.activation.no_live_header
  Scenario Outline: The <side> side set <activity> with weight <weight> is answered and read back as set
    When the strategy's "<side>" side in world "alpha" is set <activity> with weight <weight>
    Then the Gateway answers with the activation record as set, its etag naming the world, the strategy and the side
    And reading the strategy's "<side>" side in world "alpha" gives the record as last set
    And every answer the Gateway relayed carried its own correlation id

    Examples:
      | side  | activity | weight |
      | long  | active   | 1      |
      | short | inactive | 0      |
      | long  | inactive | 0.25   |
      | short | active   | 0.75   |

  @clause.worldservice.activation.etag_increments @clause.worldservice.activation.read_back
  Scenario: Each new activation of one strategy's side gets the next etag number
    When the strategy's "long" side in world "alpha" is set active with weight 1
    And the strategy's "long" side in world "alpha" is set inactive with weight 0
    And the strategy's "long" side in world "alpha" is set active with weight 0.5
    Then the etags of the strategy's "long" side in world "alpha" count up by one with each change
    And reading the strategy's "long" side in world "alpha" gives the record as last set

  @clause.worldservice.activation.kept_apart @clause.worldservice.activation.etag_increments
  Scenario: Activations of the other side, another strategy and another world are kept apart
    Given world "beta"
    When the strategy's "long" side in world "alpha" is set active with weight 1
    And the strategy's "short" side in world "alpha" is set inactive with weight 0
    And another strategy's "long" side in world "alpha" is set active with weight 0.5
    And the strategy's "long" side in world "beta" is set inactive with weight 0.25
    And the strategy's "long" side in world "alpha" is set inactive with weight 0.75
    Then reading the strategy's "long" side in world "alpha" gives the record as last set
    And reading the strategy's "short" side in world "alpha" gives the record as last set
    And reading another strategy's "long" side in world "alpha" gives the record as last set
    And reading the strategy's "long" side in world "beta" gives the record as last set
    And the etags of the strategy's "long" side in world "alpha" count up with each change

  @clause.worldservice.activation.unknown_404
  Scenario Outline: Reading <which> that was never set is answered not found
    Given the strategy's "long" side in world "alpha" is set active with weight 1
    When <which> in world "alpha" is read through the Gateway
    Then the Gateway answers 404

    Examples:
      | which                              |
      | the strategy's "short" side        |
      | another strategy's "long" side     |
