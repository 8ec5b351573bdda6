@reasoning @situation @threats @rivalry @scenarios @regional_security
Feature: Why not, what would change it, and what is still open
  Source: the threats of the SWOT analysis and the three scenarios (section
  "Scenarios for the Development of Bilateral Cooperation"), the effects of tough
  rivalry (section on the security of Central Asia), the rules that link them
  (rules/rules.yaml) and the situation of 2010 (preset "article-2010"). What the caller
  has not said: why an item is not flagged, the fewest changes that would flag or clear
  it, and which conclusions the unknown conditions could still move.

  Scenario: In 2010, the double crisis of threat 8 waits on two unknowns
    Given the situation described by the preset "article-2010"
    When the situation is assessed
    Then "T8" is not flagged because "china_suspicion_grows" is unknown
    And "T8" is not flagged because "russia_uzbekistan_crisis" is unknown
    And "T8" is open on "china_suspicion_grows"

  Scenario: Sharper threats after distancing come through the scenario's outcome
    Given the situation described by the preset "article-2010"
    When the situation is assessed
    Then "C2" could be brought by the rule "competition_c2"
    And "C2" could be brought by the rule "rivalry_c2"

  Scenario: Denying the cooling that threat 7 amounts to clears it
    Given the condition "D4" holds
    When the situation is assessed
    And I ask what would clear "T7"
    Then the fewest changes that do it are 1
    And one way is to deny "region_relations_cool"
    And one way is to clear "D4"

  Scenario: A denied presupposition makes threat 7 contested, not flagged
    Given the condition "D4" holds
    And the condition "region_relations_cool" does not hold
    When the situation is assessed
    Then "T7" is not flagged because "region_relations_cool" is denied

  Scenario: What would flag threat 8
    Given the situation described by the preset "article-2010"
    When the situation is assessed
    And I ask what would flag "T8"
    Then the fewest changes that do it are 2
    And one way is to assert "china_suspicion_grows, russia_uzbekistan_crisis"

  Scenario: The 2010 balance is settled; tough rivalry is what to find out first
    Given the situation described by the preset "article-2010"
    When the situation is assessed
    Then the scenario is settled
    And "T1" is settled
    And "C1" is open on "tough_rivalry"
    And the first thing to find out is "tough_rivalry"

  Scenario: Eight changes from the balance of 2010 to distancing
    Given the situation described by the preset "article-2010"
    When the situation is assessed
    And I ask what would imply "distancing"
    Then the fewest changes that do it are 8
