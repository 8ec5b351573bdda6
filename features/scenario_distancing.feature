@scenarios @distancing
Feature: Third scenario, Kazakhstan distancing itself from NATO
  Source: section "Scenarios for the Development of Bilateral Cooperation",
  the third scenario (eight factors, then the paragraph on what would follow),
  and the conclusion's verdict on it.

  @factors
  Scenario Outline: Half or more of the eight factors imply distancing
    Given nothing is asserted about the situation
    And the conditions "<factors>" hold
    When the situation is assessed
    Then the implied scenario is "distancing"
    And the scenario is decided by the threshold
    And the objective advantage goes to Russia
    And the conclusion calls the implied scenario undesirable
    And the conclusion calls the implied scenario very unlikely
    And the conclusion calls the implied scenario not a rational course

    Examples:
      | factors                        |
      | D1, D2, D3, D4                 |
      | D5, D6, D7, D8                 |
      | D1, D3, D5, D7                 |
      | D2, D4, D6, D8, D1             |
      | D1, D2, D3, D4, D5, D6, D7, D8 |

  @factors
  Scenario Outline: Three factors or fewer leave the balanced course in place
    Given nothing is asserted about the situation
    And the conditions "<factors>" hold
    When the situation is assessed
    Then the implied scenario is "balance"
    And the scenario is decided by default

    Examples:
      | factors    |
      | D5         |
      | D1, D8     |
      | D2, D3, D4 |

  @factors
  Scenario Outline: Both poles pressed at once: the larger share wins
    Given nothing is asserted about the situation
    And the conditions "<factors>" hold
    When the situation is assessed
    Then the implied scenario is "<scenario>"
    And the assessment warns "both poles are pressed at once"

    Examples:
      | factors                                | scenario    |
      | I1, I2, I3, I4, D1, D2, D3, D4         | integration |
      | I1, I2, I3, I4, D1, D2, D3, D4, D5     | distancing  |
      | I1, I2, I3, I4, I5, D1, D2, D3, D4, D5 | integration |

  @factors
  Scenario: Western pressure counts only as evidence for distancing
    Given the condition "D5" holds
    When the situation is assessed
    Then the condition "D5" is recorded as true
    And the threats "T1, T2, T3, T4, T5, T6, T7, T8" are not flagged
    And the weaknesses "W1, W2, W3, W4, W5" are not flagged

  @outcomes
  Scenario: Distancing brings the outcomes of the third scenario and no others
    Given the situation described by the preset "distancing"
    When the situation is assessed
    Then the implied scenario is "distancing"
    And the outcomes "DC1, DC2, DC3, DC4, DC5, DC6, DC7" are flagged
    And the outcomes "IC1, IC2, IC3, IC4, IC5" are not flagged
    And the outcomes "BC1, BC2, BC3, BC4, BC5, BC6" are not flagged
    And the explanation of "DC5" goes through the rule "distancing_outcome"
    And the explanation of "DC7" cites "scenarios / distancing_outcome"

  @outcomes @rivalry @interpretation
  Scenario: Lower regional security after distancing sharpens security threats
    Given the conditions "D5, D6, D7, D8" hold
    When the situation is assessed
    Then the outcome "DC7" is flagged
    And the rivalry effect "C2" is flagged
    And the explanation of "C2" goes through the rule "competition_c2"
    But the rivalry effects "C1, C3, C4, C5" are not flagged
