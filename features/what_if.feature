@what_if @scenarios
Feature: What-if: one change on top of the last assessment
  Source: the conditions and rules of section "Scenarios for the Development
  of Bilateral Cooperation" (SWOT and scenarios) and of the section on the
  security of Central Asia, applied to the situation of 2010 (preset
  "article-2010") and changed one step at a time.

  Background:
    Given the situation described by the preset "article-2010"
    When the situation is assessed

  @threats
  Scenario: Worse Russia-West relations add threat T6 and leave the course unchanged
    When I ask what if the condition "russia_west_worsen" holds
    Then compared with before, the threat "T6" is newly flagged
    And compared with before, the threat "T1" is still flagged
    And compared with before, the threat "T8" is still not flagged
    And the implied scenario moves from "balance" to "balance"
    And the explanation of "T6" cites "scenarios / threats / item 6"

  @threats @weaknesses
  Scenario: If cooperation stopped deepening, its threats and weaknesses would go
    When I ask what if the condition "cooperation_intensifies" does not hold
    Then compared with before, the threat "T1" is no longer flagged
    And compared with before, the weakness "W3" is no longer flagged
    And compared with before, the threat "T2" is still flagged
    And the condition "cooperation_intensifies" is recorded as false

  @strengths
  Scenario: Without joint exercises strength S6 is no longer engaged
    When I ask what if the condition "joint_exercises" does not hold
    Then compared with before, the strength "S6" is no longer engaged
    And compared with before, the strength "S5" is still engaged

  @opportunities
  Scenario: An opportunity engaged on top of the situation of 2010
    When I ask what if the condition "I5" holds
    Then compared with before, the opportunity "O4" is newly engaged
    And compared with before, the opportunity "O5" is still not engaged

  @rivalry @regional_security
  Scenario: Tough rivalry on top of the situation of 2010
    When I ask what if the condition "tough_rivalry" holds
    Then compared with before, the rivalry effect "C1" is newly flagged
    And the rivalry effects "C1, C2, C3, C4, C5" are flagged

  @distancing @balance
  Scenario: Dropping the balance factors and pressing the distancing ones
    When I ask what if the conditions "B1, B2, B3, B4, B5, B6, B7" are unknown
    Then the implied scenario moves from "balance" to "balance"
    When I ask what if the conditions "D1, D2, D3, D4" hold
    Then the implied scenario moves from "balance" to "distancing"
    And the objective advantage goes to Russia
    And compared with before, the outcome "DC1" is newly flagged
    And compared with before, the outcome "BC1" is no longer flagged
    And compared with before, the threat "T7" is newly flagged

  @distancing
  Scenario: While balance factors all hold, distancing factors cannot win
    When I ask what if the conditions "D1, D2, D3, D4, D5, D6, D7, D8" hold
    Then the implied scenario moves from "balance" to "balance"
    And the assessment warns "distancing reaches the threshold at 1.00 but ties with balance at 1.00"
    And the decision's reason after the change says "without a strict lead"
    And the decision after the change warns "ties with balance at 1.00"
    And the decision before the change gives no warning

  @threats
  Scenario: False and unknown are not the same input, yet neither flags T1 alone
    Given nothing is asserted about the situation
    And the condition "D2" holds
    When the situation is assessed
    And I ask what if the condition "D2" does not hold
    Then compared with before, the threat "T1" is no longer flagged
    And the condition "D2" is recorded as false
    When I ask what if the condition "D2" is unknown
    Then compared with before, the threat "T1" is still not flagged
    And the condition "D2" is recorded as unknown
