@worldservice
Feature: Worlds through the Gateway
  As a QMTL operator
  I want to create, rename and read worlds through the Gateway, and see what WorldService decides for them
  So that every strategy runs in a world whose settings I know

  Background:
    Given the QMTL stack is running

  @clause.worldservice.world.create @clause.worldservice.world.read_back @clause.worldservice.proxy.correlation_id @clause.worldservice.proxy.no_internal_address
  Scenario: A world created through the Gateway is answered and read back active and not allowed to go live
    When world "alpha" is created through the Gateway with the name "Alpha desk"
    Then the Gateway answers with world "alpha" named "Alpha desk", active and not allowed to go live
    And reading world "alpha" through the Gateway gives it named "Alpha desk", active and not allowed to go live
    And every answer the Gateway relayed carried its own correlation id
    And no answer the Gateway relayed names WorldService's own address or points outside the Gateway's /worlds

  @clause.worldservice.world.upsert @clause.worldservice.world.read_back @clause.worldservice.world.list
  Scenario: Creating a world again under a new name updates it in place
    Given world "alpha" is created through the Gateway with the name "Alpha desk"
    When world "alpha" is created through the Gateway with the name "Alpha prime"
    Then the Gateway answers with world "alpha" named "Alpha prime", active and not allowed to go live
    And reading world "alpha" through the Gateway gives it named "Alpha prime", active and not allowed to go live
    And the Gateway's list of worlds holds world "alpha" once

  @clause.worldservice.world.read_back
  Scenario: Two worlds keep their own names
    Given world "alpha" is created through the Gateway with the name "Alpha desk"
    And world "beta" is created through the Gateway with the name "Beta desk"
    Then reading world "alpha" through the Gateway gives it named "Alpha desk", active and not allowed to go live
    And reading world "beta" through the Gateway gives it named "Beta desk", active and not allowed to go live

  @clause.worldservice.world.upsert_keeps_unsent @clause.worldservice.world.upsert @deviation.world_repost_replaces
  Scenario: Creating a world again without a name keeps its name, and a later name still replaces it
    Given world "alpha" is created through the Gateway with the name "Alpha desk"
    And world "beta" is created through the Gateway with the name "Beta desk"
    When world "alpha" is created through the Gateway without a name
    Then the Gateway answers with world "alpha" named "Alpha desk", active and not allowed to go live
    And reading world "alpha" through the Gateway gives it named "Alpha desk", active and not allowed to go live
    When world "alpha" is created through the Gateway with the name "Alpha prime"
    Then reading world "alpha" through the Gateway gives it named "Alpha prime", active and not allowed to go live
    When world "alpha" is created through the Gateway without a name
    Then reading world "alpha" through the Gateway gives it named "Alpha prime", active and not allowed to go live
    And reading world "beta" through the Gateway gives it named "Beta desk", active and not allowed to go live
    And the Gateway's list of worlds holds world "alpha" once

  @clause.worldservice.world.create_without_name
  Scenario: A world created with its id alone is answered and read back active and not allowed to go live
    When world "alpha" is created through the Gateway without a name
    Then the Gateway answers with the new world "alpha", active and not allowed to go live
    And reading the new world "alpha" through the Gateway gives it active and not allowed to go live
    And the Gateway's list of worlds holds world "alpha" once

  @clause.worldservice.world.unknown_404 @clause.worldservice.proxy.correlation_id @clause.worldservice.proxy.no_internal_address
  Scenario: Reading a world nobody created is answered not found
    When a world nobody created is read through the Gateway
    Then the Gateway answers 404 with the detail "world not found"
    And every answer the Gateway relayed carried its own correlation id
    And no answer the Gateway relayed names WorldService's own address or points outside the Gateway's /worlds

  @clause.worldservice.decide.fields @clause.worldservice.proxy.correlation_id @clause.worldservice.proxy.no_internal_address
  Scenario: The decision for each of two worlds names that world, with its mode, domain, time to live and etag
    Given worlds "alpha" and "beta"
    When the decision for each world is read through the Gateway
    Then each decision names its own world and carries an effective mode, an execution domain, a time to live and an etag
    And every answer the Gateway relayed carried its own correlation id
    And no answer the Gateway relayed names WorldService's own address or points outside the Gateway's /worlds

  @serial @use.with_restarts=available @clause.worldservice.proxy.unavailable_503 @clause.worldservice.proxy.no_internal_address @clause.worldservice.outage.nothing_lost
  @deviation.worldservice_down_500
  Scenario: While WorldService is down the Gateway answers 503, and afterwards its worlds and activations are back
    Given world "alpha" is created through the Gateway with the name "Alpha desk"
    And the strategy's "long" side in world "alpha" is set active with weight 0.5
    When WorldService is stopped
    And world "alpha" is read through the Gateway
    Then the Gateway answers 503 with the detail "WorldService unavailable"
    When the strategy's "short" side in world "alpha" is set active with weight 1
    Then the Gateway answers 503 with the detail "WorldService unavailable"
    And every answer the Gateway relayed carried its own correlation id
    And no answer the Gateway relayed names WorldService's own address or points outside the Gateway's /worlds
    When WorldService is started again within 10 seconds
    Then reading world "alpha" through the Gateway gives it named "Alpha desk", active and not allowed to go live
    And reading the strategy's "long" side in world "alpha" gives the record as last set

  # WorldService keeps its activations in Redis (the reference stack its worlds too; QMTL keeps worlds in
  # its SQL database, so a world still reads while Redis is down). While that store is down WorldService
  # cannot serve an activation, which to a client of the Gateway is WorldService unavailable: a 503 with a
  # detail, promptly (not a 500, a 504 or a hang), and afterwards everything set before is back.
  @serial @use.with_restarts=available @clause.worldservice.proxy.store_down_503 @clause.worldservice.proxy.no_internal_address
  @clause.worldservice.outage.nothing_lost @deviation.worldservice_store_down_500
  Scenario: While WorldService's store is down the Gateway answers 503, and afterwards its worlds and activations are back
    Given world "alpha" is created through the Gateway with the name "Alpha desk"
    And the strategy's "long" side in world "alpha" is set active with weight 0.5
    When Redis goes down
    And the strategy's "long" side in world "alpha" is read through the Gateway
    Then within 5 seconds the Gateway answers 503 with a detail
    When the strategy's "short" side in world "alpha" is set active with weight 1
    Then within 5 seconds the Gateway answers 503 with a detail
    And every answer the Gateway relayed carried its own correlation id
    And no answer the Gateway relayed names WorldService's own address or points outside the Gateway's /worlds
    When Redis comes back
    Then within 10 seconds /status and /health both report every component ok again
    And reading world "alpha" through the Gateway gives it named "Alpha desk", active and not allowed to go live
    And reading the strategy's "long" side in world "alpha" gives the record as last set

  # A WorldService that redirects a trailing slash (as a FastAPI one does by default) names its own
  # address in the Location: the Gateway must refuse such a path or point the redirect at itself.
  @clause.worldservice.proxy.no_internal_address
  Scenario Outline: Reading <what> with a trailing slash through the Gateway never points at WorldService itself
    Given world "alpha" is created through the Gateway with the name "Alpha desk"
    When <what> is read through the Gateway with a trailing slash
    Then no answer the Gateway relayed names WorldService's own address or points outside the Gateway's /worlds

    Examples:
      | what                           |
      | the list of worlds             |
      | world "alpha"                  |
      | the decision for world "alpha" |

  # The Gateway proxies WorldService under /worlds only: a path segment that could climb out of it,
  # or that no world id can hold, is refused by the Gateway itself, naming the segment.
  @deviation.no_edge_validation @clause.worldservice.proxy.unsafe_path_400 @clause.worldservice.proxy.correlation_id
  Scenario Outline: A /worlds path whose <ordinal> segment <segment> is refused by the Gateway itself
    Given world "alpha" is created through the Gateway with the name "Alpha desk"
    When a client reads a /worlds path through the Gateway whose <ordinal> segment <segment>
    Then the Gateway answers 400 with the detail "bad /worlds path: path segment <n> is not allowed"
    And every answer the Gateway relayed carried its own correlation id

    Examples: Steps out of /worlds, and characters no path segment may hold
      | ordinal | segment                                 | n |
      | first   | is a parent-directory step              | 1 |
      | second  | is a parent-directory step              | 2 |
      | third   | is a current-directory step             | 3 |
      | first   | is empty                                | 1 |
      | second  | is empty                                | 2 |
      | first   | holds an encoded slash                  | 1 |
      | second  | holds an encoded slash                  | 2 |
      | first   | holds a backslash                       | 1 |
      | first   | holds a NUL                             | 1 |
      | second  | holds a start-of-heading character 0x01 | 2 |
      | first   | holds a tab                             | 1 |
      | first   | holds a unit separator 0x1F             | 1 |
      | third   | holds a unit separator 0x1F             | 3 |
      | first   | holds a delete character 0x7F           | 1 |
      | second  | holds a delete character 0x7F           | 2 |

  @deviation.no_edge_validation @clause.worldservice.proxy.unsafe_path_400
  Scenario: A /worlds path segment that is not UTF-8 is refused by the Gateway itself
    When a client reads a /worlds path through the Gateway whose first segment is not UTF-8
    Then the Gateway answers 400 with the detail "bad /worlds path: the path is not valid percent-encoded UTF-8"

  @clause.worldservice.proxy.unsafe_path_400 @clause.worldservice.world.unknown_404
  Scenario Outline: A /worlds path segment that <segment> is no step out of /worlds and goes on to WorldService
    When a client reads a /worlds path through the Gateway whose first segment <segment>
    Then the Gateway answers 404 with the detail "world not found"

    Examples:
      | segment                     |
      | holds a dot between letters |
      | holds a colon and a dash    |
