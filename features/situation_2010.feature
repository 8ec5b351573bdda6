@situation @conclusion
Feature: The situation the article describes in 2010
  Source: the preset "article-2010" (rules/presets.yaml) gathers what the
  article reports as current: the second scenario's course, which its outcome
  paragraph says continues today (section "Scenarios for the Development of
  Bilateral Cooperation"); the fourth stage of deepening partnership and NATO's
  much-criticised image (section on cooperation stimuli); NATO standards, Steppe Eagle and information
  programmes (section on the main cooperation vectors); activity in both the
  CSTO and NATO (section on the security of Central Asia); and scarce
  information, a weakness stated as a fact. The conclusion calls the balanced
  course the only rational one (not, in so many words, a desirable one).

  Background:
    Given the situation described by the preset "article-2010"
    When the situation is assessed

  @balance
  Scenario: The article's present is the balanced course
    Then the implied scenario is "balance"
    And the scenario is decided by default
    And the assessment gives no warning
    And the objective advantage goes to no side
    And the conclusion calls the implied scenario the only rational course
    And the outcomes "BC1, BC2, BC3, BC4, BC5, BC6" are flagged
    And the explanation of "BC1" cites the section "conclusion"

  @swot @threats @weaknesses
  Scenario: Deeper cooperation and NATO standards bring their threats and weaknesses
    Then the threats "T1, T2, T3, T4" are flagged
    And the weaknesses "W1, W2, W3, W4, W5" are flagged
    And the threats "T5, T6, T7, T8" are not flagged
    And the explanation of "T1" cites "scenarios / threats / item 1"
    And the explanation of "T3" cites the section "stimuli"
    And the explanation of "W5" goes through the rule "info_w5"

  @swot @strengths @opportunities
  Scenario: The balanced course engages strengths and opportunities
    Then the strengths "S1, S5, S6, S7" are engaged
    And the strengths "S2, S3, S4" are not engaged
    And the opportunities "O1, O2, O3, O6, O7" are engaged
    And the opportunities "O4, O5" are not engaged
    And the explanation of "O1" cites the section "regional_security"

  @regional_security @rivalry
  Scenario: The article does not report tough rivalry as current
    Then the condition "tough_rivalry" is recorded as unknown
    And the rivalry effects "C1, C2, C3, C4, C5" are not flagged

  Scenario: What the article leaves open stays unknown
    Then the condition "cooperation_intensifies" is recorded as true
    And the condition "B4" is recorded as true
    And the condition "D5" is recorded as unknown
    And the condition "russia_west_worsen" is recorded as unknown
    And the condition "I1" is recorded as unknown

  Scenario Outline: Every preset implies the scenario it is named after
    Given the situation described by the preset "<preset>"
    When the situation is assessed
    Then the implied scenario is "<preset>"
    And the objective advantage goes to <side>

    Examples:
      | preset      | side                        |
      | integration | the United States and NATO  |
      | balance     | no side                     |
      | distancing  | Russia                      |
