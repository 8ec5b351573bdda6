@readings @scenarios @conclusion
Feature: Readings: how much an answer rests on the project's interpretations
  Source: the three scenarios of section "Scenarios for the Development of Bilateral
  Cooperation", each a list of factors (7, 7 and 8) with no rule to weigh them, the
  SWOT lists of that section, and the conclusion's verdict on the balanced course.
  The stock rules read more into the article than it says: 20 rules are the project's
  interpretation, and so is the scenario decision rule. A reading changes them as data
  (rules/readings/): stated-only keeps the article's stated links alone and leaves the
  scenario undecided; count-4 weighs the factors in counts instead of shares.

  @situation @threats @stated
  Scenario: The article's stated links alone flag the threats of 2010 but decide no scenario
    Given the reading "stated-only"
    And the situation described by the preset "article-2010"
    When the situation is assessed
    Then no scenario is implied
    And the threat "T1" is flagged
    And the weakness "W3" is flagged
    And the strength "S1" is not engaged
    And the outcome "BC1" is not reached

  @threats @stated
  Scenario: A threat the article ties to NATO's showcase partnership holds under every reading
    Given the condition "nato_demonstrative_partnership" holds
    When the situation is assessed
    Then "T7" holds under every reading
    And "balance" does not hold under the reading "stated-only"

  @factors @integration @distancing
  Scenario: Four factors of seven against four of eight: the share rule picks integration
    Given the conditions "I1, I2, I3, I4, D1, D2, D3, D4" hold
    When the situation is assessed
    Then the implied scenario is "integration"
    And the assessment warns "both poles are pressed at once"

  @factors @integration @distancing
  Scenario: Counted in factors, four against four is a tie, and balance holds
    Given the reading "count-4"
    And the conditions "I1, I2, I3, I4, D1, D2, D3, D4" hold
    When the situation is assessed
    Then the implied scenario is "balance"
    And the decision's reason says "without a strict lead"
