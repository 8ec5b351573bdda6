@standing
Feature: Every answer states its standing
  Source: the scenario decision rule (rules/parameters.yaml: the project's
  interpretation, since the article lists the factors of each scenario but gives
  no way to weigh them), the three scenarios and the SWOT lists of section
  "Scenarios for the Development of Bilateral Cooperation", and the rivalry
  effects of the section on the security of Central Asia.
  An item reached through an interpretation anywhere along its chain is an
  interpretation; an item whose chain rests on the default scenario, none of
  whose factors is asserted, holds by default; an item the rules imply while the
  caller asserted false what its own content amounts to (rules/ `presupposes`)
  is contested: neither flagged nor dropped.

  @scenarios @balance @outcomes @interpretation
  Scenario Outline: With nothing asserted the balance outcomes hold by default, as interpretations
    Given nothing is asserted about the situation
    When the situation is assessed
    Then the implied scenario is "balance"
    And the implied scenario holds by default
    And the implied scenario is an interpretation
    And the decision's reason says "no pole reached the threshold"
    And the outcome "<outcome>" is reached
    And the outcome "<outcome>" holds by default
    And the outcome "<outcome>" is an interpretation
    And the outcome "<outcome>" is an interpretation via "scenario_decision"
    And the assessment notes the finding "scenarios_are_hypothetical"

    Examples:
      | outcome |
      | BC1     |
      | BC2     |
      | BC3     |
      | BC4     |
      | BC5     |
      | BC6     |

  @scenarios @balance @outcomes
  Scenario: Asserting balance factors makes the same outcomes rest on what was asserted
    Given the conditions "B1, B2" hold
    When the situation is assessed
    Then the implied scenario is "balance"
    And the implied scenario holds on what was asserted
    And the outcomes "BC1, BC2, BC3, BC4, BC5, BC6" are reached
    And the outcome "BC4" holds on what was asserted
    And the outcome "BC4" is an interpretation via "scenario_decision"

  @swot @strengths @stated
  Scenario: A link the article draws itself, from a factor asserted, is stated
    Given nothing is asserted about the situation
    And the condition "I6" holds
    When the situation is assessed
    Then the strength "S4" is engaged
    And the strength "S4" is stated
    And the strength "S4" holds on what was asserted

  @scenarios @integration @threats
  Scenario: Integration brings T7 through its own factors and through the scenario
    Given the conditions "I1, I2, I3, I4, I5, I6, I7" hold
    When the situation is assessed
    Then the implied scenario is "integration"
    And the threat "T7" is flagged
    And the threat "T7" is not contested
    And the threat "T7" is an interpretation via "i3_t7"
    And the threat "T7" is an interpretation via "scenario_decision"
    And the threat "T7" holds on what was asserted

  @scenarios @integration @threats
  Scenario: Integration implies T7, but the cooling it amounts to is denied: T7 is contested
    Given the conditions "I1, I2, I3, I4, I5, I6, I7" hold
    And the conditions "region_relations_cool, nato_demonstrative_partnership" do not hold
    When the situation is assessed
    Then the implied scenario is "integration"
    And the threat "T7" is contested by "region_relations_cool"
    And the threat "T7" is not flagged
    And the explanation of "T7" goes through the rule "integration_t7"
    And the explanation of "T7" cites "scenarios / integration_outcome / item 4"
    And the threat "T7" is an interpretation via "scenario_decision"
    And the threat "T1" is flagged
    And the threat "T1" is not contested

  @scenarios @distancing @rivalry @regional_security
  Scenario: Distancing implies C2, but tough rivalry is denied: C2 is contested
    Given the conditions "D1, D2, D3, D4, D5, D6, D7, D8" hold
    And the condition "tough_rivalry" does not hold
    When the situation is assessed
    Then the implied scenario is "distancing"
    And the outcome "DC7" is reached
    And the rivalry effect "C2" is contested by "tough_rivalry"
    And the rivalry effect "C2" is not flagged
    And the explanation of "C2" goes through the rule "competition_c2"
    And the rivalry effect "C2" is an interpretation via "competition_c2"
    And the rivalry effects "C1, C3, C4, C5" are not flagged

  @scenarios @distancing @rivalry @regional_security
  Scenario: Without the denial, distancing flags C2 on what was asserted
    Given the conditions "D1, D2, D3, D4, D5, D6, D7, D8" hold
    When the situation is assessed
    Then the rivalry effect "C2" is flagged
    And the rivalry effect "C2" is not contested
    And the rivalry effect "C2" holds on what was asserted

  @what_if @situation @distancing
  Scenario: Every distancing factor on top of 2010 leaves balance, and the decision says why
    Given the situation described by the preset "article-2010"
    When the situation is assessed
    And I ask what if the conditions "D1, D2, D3, D4, D5, D6, D7, D8" hold
    Then the implied scenario moves from "balance" to "balance"
    And the decision's reason before the change says "no pole reached the threshold"
    And the decision before the change gives no warning
    And the decision's reason after the change says "distancing reached the threshold 0.50 without a strict lead"
    And the decision after the change warns "distancing reaches the threshold at 1.00 but ties with balance at 1.00"
    And compared with before, the outcome "BC1" is still reached
    And compared with before, the outcome "DC1" is still not reached
