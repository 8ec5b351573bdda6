@scenarios @balance
Feature: Second scenario, balanced and equidistant participation
  Source: section "Scenarios for the Development of Bilateral Cooperation",
  the second scenario (seven factors, then the paragraph on what would follow),
  and the conclusion, which holds this course to be the only rational one (it
  never calls it desirable; the knowledge base's `desirable` is the project's
  inference, and no scenario here checks it).
  Balance is also the project's default: it is implied whenever neither pole
  scenario wins under the decision rule.

  @factors
  Scenario Outline: The balance factors keep the balanced course
    Given nothing is asserted about the situation
    And the conditions "<factors>" hold
    When the situation is assessed
    Then the implied scenario is "balance"
    And the scenario is decided by default
    And the objective advantage goes to no side
    And the conclusion calls the implied scenario the only rational course

    Examples:
      | factors                    |
      | B1, B2, B3, B4             |
      | B4, B5, B6, B7             |
      | B1, B3, B5, B7             |
      | B2                         |
      | B1, B2, B3, B4, B5, B6, B7 |

  @factors
  Scenario Outline: When a pole reaches the threshold without leading, balance holds
    Given nothing is asserted about the situation
    And the conditions "<factors>" hold
    When the situation is assessed
    Then the implied scenario is "balance"
    And the scenario is decided by default
    And the assessment warns "<warning>"

    Examples:
      | factors                        | warning                                  |
      | I1, I2, I3, I4, B1, B2, B3, B4 | 0.57 but ties with balance at 0.57       |
      | D1, D2, D3, D4, B1, B2, B3, B4 | 0.50 but trails balance at 0.57          |

  @factors
  Scenario: Nothing asserted at all is the status quo
    Given nothing is asserted about the situation
    When the situation is assessed
    Then the implied scenario is "balance"
    And the assessment gives no warning
    And the explanation of "BC1" cites the section "conclusion"

  @outcomes
  Scenario: Balance brings the outcomes of the second scenario and no others
    Given the situation described by the preset "balance"
    When the situation is assessed
    Then the implied scenario is "balance"
    And the outcomes "BC1, BC2, BC3, BC4, BC5, BC6" are flagged
    And the outcomes "IC1, IC2, IC3, IC4, IC5" are not flagged
    And the outcomes "DC1, DC2, DC3, DC4, DC5, DC6, DC7" are not flagged
    And the explanation of "BC6" goes through the rule "balance_outcome"
    And the explanation of "BC2" cites "scenarios / balance_outcome"
