@scenarios @swot
Feature: SWOT analysis, challenges and threats (T1-T8) and weaknesses (W1-W5)
  Source: section "Scenarios for the Development of Bilateral Cooperation",
  the SWOT lists of weaknesses (five) and of challenges and threats (eight);
  T3 and T4 also rest on the paragraph of the cooperation-stimuli section on the
  problems close cooperation brings. Every rule that flags a threat or a
  weakness is exercised here: flagged when its condition holds, and not flagged
  when the condition is false or unknown.

  @threats @weaknesses @stated
  Scenario Outline: A condition the article ties to a threat or weakness flags it
    Given nothing is asserted about the situation
    And the condition "<condition>" holds
    When the situation is assessed
    Then the <kind> "<item>" is flagged
    And the explanation of "<item>" goes through the rule "<rule>"
    And the explanation of "<item>" cites the section "<section>"

    Examples: the scenario factors that restate a threat
      | condition | kind   | item | rule  | section   |
      | D2        | threat | T1   | d2_t1 | scenarios |
      | D3        | threat | T2   | d3_t2 | scenarios |
      | D6        | threat | T3   | d6_t3 | scenarios |
      | D7        | threat | T4   | d7_t4 | scenarios |
      | D8        | threat | T5   | d8_t5 | scenarios |

    Examples: context conditions
      | condition                      | kind     | item | rule            | section   |
      | cooperation_intensifies        | threat   | T1   | intensify_t1    | scenarios |
      | cooperation_intensifies        | threat   | T3   | intensify_t3    | stimuli   |
      | cooperation_intensifies        | threat   | T4   | intensify_t4    | stimuli   |
      | cooperation_intensifies        | weakness | W3   | intensify_w3    | scenarios |
      | nato_standard_hardware         | threat   | T2   | hardware_t2     | scenarios |
      | nato_standard_hardware         | weakness | W4   | hardware_w4     | scenarios |
      | peacekeeping_participation     | threat   | T4   | peacekeeping_t4 | scenarios |
      | russia_west_worsen             | threat   | T6   | russia_west_t6  | scenarios |
      | nato_demonstrative_partnership | threat   | T7   | showcase_t7     | scenarios |
      | info_scarce                    | weakness | W5   | info_w5         | scenarios |

  @threats @weaknesses @interpretation
  Scenario Outline: A condition the project reads onto a threat or weakness flags it
    Given nothing is asserted about the situation
    And the condition "<condition>" holds
    When the situation is assessed
    Then the <kind> "<item>" is flagged
    And the explanation of "<item>" goes through the rule "<rule>"

    Examples:
      | condition               | kind     | item | rule         |
      | D1                      | threat   | T1   | d1_t1        |
      | I5                      | threat   | T5   | i5_t5        |
      | D4                      | threat   | T7   | d4_t7        |
      | I3                      | threat   | T7   | i3_t7        |
      | region_relations_cool   | threat   | T7   | cooling_t7   |
      | cooperation_intensifies | weakness | W1   | intensify_w1 |
      | cooperation_intensifies | weakness | W2   | intensify_w2 |

  @threats @weaknesses
  Scenario Outline: A condition asserted false flags nothing, just like an unknown one
    Given nothing is asserted about the situation
    And the condition "<condition>" does not hold
    When the situation is assessed
    Then the <kinds> "<items>" are not flagged

    Examples:
      | condition                      | kinds      | items              |
      | cooperation_intensifies        | threats    | T1, T3, T4         |
      | cooperation_intensifies        | weaknesses | W1, W2, W3         |
      | nato_standard_hardware         | threats    | T2                 |
      | nato_standard_hardware         | weaknesses | W4                 |
      | nato_image_criticised          | threats    | T3                 |
      | peacekeeping_participation     | threats    | T4                 |
      | russia_west_worsen             | threats    | T6                 |
      | nato_demonstrative_partnership | threats    | T7                 |
      | region_relations_cool          | threats    | T7                 |
      | info_scarce                    | weaknesses | W5                 |
      | D1                             | threats    | T1                 |
      | D2                             | threats    | T1                 |
      | D3                             | threats    | T2                 |
      | D4                             | threats    | T7                 |
      | D6                             | threats    | T3                 |
      | D7                             | threats    | T4                 |
      | D8                             | threats    | T5                 |
      | I3                             | threats    | T7                 |
      | I5                             | threats    | T5                 |

  @threats @stated
  Scenario: With close cooperation, NATO's criticised image rubs off (T3)
    Given the conditions "cooperation_intensifies, nato_image_criticised" hold
    When the situation is assessed
    Then the threat "T3" is flagged
    And the explanation of "T3" goes through the rule "image_t3"
    And the explanation of "T3" cites the section "stimuli"

  @threats
  Scenario: NATO's criticised image alone, without close cooperation, is not T3
    Given the condition "nato_image_criticised" holds
    And the condition "cooperation_intensifies" does not hold
    When the situation is assessed
    Then the threat "T3" is not flagged

  @threats
  Scenario: With nothing asserted no threat or weakness is flagged
    Given nothing is asserted about the situation
    When the situation is assessed
    Then the threats "T1, T2, T3, T4, T5, T6, T7, T8" are not flagged
    And the weaknesses "W1, W2, W3, W4, W5" are not flagged

  @threats @stated
  Scenario: A double crisis while China grows suspicious is threat T8
    Given the conditions "russia_uzbekistan_crisis, china_suspicion_grows" hold
    When the situation is assessed
    Then the threat "T8" is flagged
    And the explanation of "T8" goes through the rule "crisis_t8"
    And the explanation of "T8" cites "scenarios / threats / item 8"

  @threats
  Scenario Outline: Half of the double-crisis condition is not enough for T8
    Given the condition "<condition>" holds
    When the situation is assessed
    Then the threat "T8" is not flagged

    Examples:
      | condition                |
      | russia_uzbekistan_crisis |
      | china_suspicion_grows    |

  @threats
  Scenario: Strain with Russia plus regional cooling, with China suspicious, is not yet T8
    T8 needs a crisis with Russia and Uzbekistan at the same time; the risk of
    worse ties (T1) and a cooling (T7) are not that crisis.

    Given the conditions "cooperation_intensifies, region_relations_cool, china_suspicion_grows" hold
    When the situation is assessed
    Then the threats "T1, T7" are flagged
    But the threat "T8" is not flagged

  @threats
  Scenario: Strain and cooling without Chinese suspicion stop short of T8
    Given the conditions "cooperation_intensifies, region_relations_cool" hold
    When the situation is assessed
    Then the threats "T1, T7" are flagged
    But the threat "T8" is not flagged

  @threats @integration @stated
  Scenario: Integration cools relations with Uzbekistan and the region
    Given the conditions "I1, I2, I4, I5" hold
    When the situation is assessed
    Then the implied scenario is "integration"
    And the threat "T7" is flagged
    And the explanation of "T7" goes through the rule "integration_t7"

  @threats @integration
  Scenario: Integration with growing Chinese suspicion is not T8 without the double crisis
    Given the conditions "I1, I2, I3, I4, I5, I6, I7" hold
    And the condition "china_suspicion_grows" holds
    When the situation is assessed
    Then the implied scenario is "integration"
    And the threat "T8" is not flagged

  @threats @integration
  Scenario: Integration with Chinese suspicion and the double crisis denied is not T8
    Given the conditions "I1, I2, I3, I4, I5, I6, I7, china_suspicion_grows" hold
    And the condition "russia_uzbekistan_crisis" does not hold
    When the situation is assessed
    Then the implied scenario is "integration"
    And the threat "T8" is not flagged
    And the condition "russia_uzbekistan_crisis" is recorded as false

  @threats @integration @stated
  Scenario: Integration with the double crisis and Chinese suspicion is T8, through the crisis
    Given the conditions "I1, I2, I4, I5, russia_uzbekistan_crisis, china_suspicion_grows" hold
    When the situation is assessed
    Then the implied scenario is "integration"
    And the threat "T8" is flagged
    And the explanation of "T8" goes through the rule "crisis_t8"

  @threats @integration
  Scenario: Integration with the double crisis but no Chinese suspicion is not T8
    Given the conditions "I1, I2, I4, I5" hold
    And the condition "russia_uzbekistan_crisis" holds
    When the situation is assessed
    Then the implied scenario is "integration"
    And the threat "T8" is not flagged

  @threats @integration
  Scenario: Integration alone does not bring T8
    Given the conditions "I1, I2, I4, I5" hold
    When the situation is assessed
    Then the threat "T8" is not flagged

  @threats @integration @stated
  Scenario: Integration strains ties with Russia and shrinks the CSTO and SCO role (T1)
    Given the conditions "I1, I2, I3, I4, I5, I6, I7" hold
    When the situation is assessed
    Then the implied scenario is "integration"
    And the threat "T1" is flagged
    And the explanation of "T1" goes through the rule "integration_t1"
    And the explanation of "T1" cites "scenarios / integration_outcome / item 1"

  @threats @integration @interpretation
  Scenario: Integration as the closest partnership brings the risks of close cooperation
    Given the conditions "I1, I2, I3, I4" hold
    When the situation is assessed
    Then the implied scenario is "integration"
    And the threats "T3, T4" are flagged
    And the explanation of "T3" goes through the rule "integration_t3_t4"
    And the explanation of "T4" goes through the rule "integration_t3_t4"

  @threats @integration
  Scenario: Integration factors short of the threshold bring none of those threats
    Given the conditions "I1, I2, I4" hold
    When the situation is assessed
    Then the implied scenario is "balance"
    And the threats "T1, T3, T4, T7" are not flagged
