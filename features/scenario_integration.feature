@scenarios @integration
Feature: First scenario, Kazakhstan drawn into NATO's security system
  Source: section "Scenarios for the Development of Bilateral Cooperation",
  the first scenario (seven factors, then the paragraph on what would follow),
  and the conclusion's verdict on it. The project implies a pole scenario when
  at least half of its factors hold and its share beats both others; that
  decision rule is the project's reading (parameters.yaml).

  @factors
  Scenario Outline: Four or more of the seven factors imply integration
    Given nothing is asserted about the situation
    And the conditions "<factors>" hold
    When the situation is assessed
    Then the implied scenario is "integration"
    And the scenario is decided by the threshold
    And the objective advantage goes to the United States and NATO
    And the conclusion calls the implied scenario undesirable
    And the conclusion calls the implied scenario very unlikely

    Examples:
      | factors                    |
      | I1, I2, I3, I4             |
      | I4, I5, I6, I7             |
      | I1, I3, I5, I7             |
      | I2, I4, I6, I7             |
      | I1, I2, I3, I4, I5, I6, I7 |

  @factors
  Scenario Outline: Three factors or fewer leave the balanced course in place
    Given nothing is asserted about the situation
    And the conditions "<factors>" hold
    When the situation is assessed
    Then the implied scenario is "balance"
    And the scenario is decided by default

    Examples:
      | factors    |
      | I1         |
      | I2, I6     |
      | I5, I6, I7 |
      | I1, I3, I4 |

  @factors
  Scenario: A factor asserted false counts for nothing
    Given these conditions:
      | ID | value |
      | I1 | true  |
      | I2 | true  |
      | I3 | true  |
      | I4 | false |
      | I5 | false |
    When the situation is assessed
    Then the implied scenario is "balance"
    And the condition "I4" is recorded as false
    And the condition "I6" is recorded as unknown

  @outcomes
  Scenario: Integration brings the outcomes of the first scenario and no others
    Given the situation described by the preset "integration"
    When the situation is assessed
    Then the implied scenario is "integration"
    And the outcomes "IC1, IC2, IC3, IC4, IC5" are flagged
    And the outcomes "BC1, BC2, BC3, BC4, BC5, BC6" are not flagged
    And the outcomes "DC1, DC2, DC3, DC4, DC5, DC6, DC7" are not flagged
    And the explanation of "IC4" cites "scenarios / integration_outcome"
    And the explanation of "IC1" goes through the rule "integration_outcome"
    And the explanation of "IC1" goes through the rule "scenario_decision"

  @outcomes @threats
  Scenario: Integration cools relations in the region
    Given the conditions "I1, I2, I4, I5" hold
    When the situation is assessed
    Then the implied scenario is "integration"
    And the threat "T7" is flagged
    And the explanation of "T7" goes through the rule "integration_t7"
    And the explanation of "T7" cites "scenarios / integration_outcome / item 4"
    But the threat "T8" is not flagged
