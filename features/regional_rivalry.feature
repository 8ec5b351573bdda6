@regional_security @rivalry
Feature: Tough competition among the CSTO, the SCO and NATO (C1-C5)
  Source: section on cooperation for the security of Central Asia, the list of
  five effects that tough competition among the three structures could have on
  the region's states; C2 is also reached from the third scenario's outcome of
  lower regional security (section "Scenarios for the Development of Bilateral
  Cooperation").

  @stated
  Scenario Outline: Tough rivalry brings each of its five effects
    Given nothing is asserted about the situation
    And the condition "tough_rivalry" holds
    When the situation is assessed
    Then the rivalry effect "<effect>" is flagged
    And the explanation of "<effect>" goes through the rule "<rule>"
    And the explanation of "<effect>" cites "regional_security / rivalry_consequences / item <item>"

    Examples:
      | effect | rule       | item |
      | C1     | rivalry_c1 | 1    |
      | C2     | rivalry_c2 | 2    |
      | C3     | rivalry_c3 | 3    |
      | C4     | rivalry_c4 | 4    |
      | C5     | rivalry_c5 | 5    |

  Scenario: Competition that is not tough has none of the effects
    Given the condition "tough_rivalry" does not hold
    When the situation is assessed
    Then the rivalry effects "C1, C2, C3, C4, C5" are not flagged

  Scenario: Nobody says whether competition is tough
    Given nothing is asserted about the situation
    When the situation is assessed
    Then the condition "tough_rivalry" is recorded as unknown
    And the rivalry effects "C1, C2, C3, C4, C5" are not flagged

  @scenarios @distancing @interpretation
  Scenario: Distancing sharpens security threats without tough rivalry asserted
    Given the situation described by the preset "distancing"
    When the situation is assessed
    Then the rivalry effect "C2" is flagged
    And the explanation of "C2" goes through the rule "competition_c2"
    And the explanation of "C2" cites the section "scenarios"
    But the rivalry effects "C1, C3, C4, C5" are not flagged
