@scenarios @swot
Feature: SWOT analysis, strengths (S1-S7) and opportunities (O1-O7) engaged
  Source: section "Scenarios for the Development of Bilateral Cooperation",
  the SWOT lists of strengths (seven) and opportunities (seven), which several
  scenario factors repeat; O1 also rests on the paragraph on checks and
  balances in the section on the security of Central Asia, and S5 on the 2007
  doctrine's tasks in the cooperation-stimuli section.

  @strengths @opportunities @stated
  Scenario Outline: A condition the article ties to a strength or opportunity engages it
    Given nothing is asserted about the situation
    And the condition "<condition>" holds
    When the situation is assessed
    Then the <kind> "<item>" is engaged
    And the explanation of "<item>" goes through the rule "<rule>"
    And the explanation of "<item>" cites the section "<section>"

    Examples:
      | condition                      | kind        | item | rule               | section           |
      | I6                             | strength    | S4   | i6_s4              | scenarios         |
      | joint_exercises                | strength    | S6   | exercises_s6       | scenarios         |
      | B3                             | opportunity | O1   | b3_o1              | scenarios         |
      | active_in_csto_and_nato        | opportunity | O1   | dual_membership_o1 | regional_security |
      | B3                             | opportunity | O2   | b3_o2              | scenarios         |
      | B5                             | opportunity | O3   | b5_o3              | scenarios         |
      | I5                             | opportunity | O4   | i5_o4              | scenarios         |
      | I7                             | opportunity | O5   | i7_o5              | scenarios         |
      | non_military_cooperation_grows | opportunity | O7   | non_military_o7    | scenarios         |

  @strengths @opportunities @interpretation
  Scenario Outline: A condition the project reads onto a strength or opportunity engages it
    Given nothing is asserted about the situation
    And the condition "<condition>" holds
    When the situation is assessed
    Then the <kind> "<item>" is engaged
    And the explanation of "<item>" goes through the rule "<rule>"

    Examples:
      | condition                      | kind        | item | rule            |
      | B2                             | strength    | S1   | b2_s1           |
      | B4                             | strength    | S1   | b4_s1           |
      | I2                             | strength    | S2   | i2_s2           |
      | I4                             | strength    | S2   | i4_s2           |
      | I4                             | strength    | S3   | i4_s3           |
      | nato_standard_hardware         | strength    | S5   | hardware_s5     |
      | non_military_cooperation_grows | strength    | S7   | non_military_s7 |
      | B1                             | opportunity | O1   | b1_o1           |
      | B6                             | opportunity | O1   | b6_o1           |
      | B7                             | opportunity | O6   | b7_o6           |
      | I1                             | opportunity | O7   | i1_o7           |

  @strengths @opportunities
  Scenario: With nothing asserted no strength or opportunity is engaged
    Given nothing is asserted about the situation
    When the situation is assessed
    Then the strengths "S1, S2, S3, S4, S5, S6, S7" are not engaged
    And the opportunities "O1, O2, O3, O4, O5, O6, O7" are not engaged

  @strengths @opportunities
  Scenario: Conditions asserted false engage nothing
    Given these conditions:
      | ID                             | value |
      | nato_standard_hardware         | false |
      | joint_exercises                | false |
      | non_military_cooperation_grows | false |
      | active_in_csto_and_nato        | false |
      | B3                             | false |
      | I4                             | false |
    When the situation is assessed
    Then the strengths "S2, S3, S5, S6, S7" are not engaged
    And the opportunities "O1, O2, O7" are not engaged

  @strengths @opportunities
  Scenario: Two different factors can engage the same strength or opportunity
    Given the conditions "B2, B4, B1, B3, B6" hold
    When the situation is assessed
    Then the strength "S1" is engaged
    And the explanation of "S1" goes through the rule "b2_s1"
    And the explanation of "S1" goes through the rule "b4_s1"
    And the opportunity "O1" is engaged
    And the explanation of "O1" goes through the rule "b1_o1"
    And the explanation of "O1" goes through the rule "b6_o1"
