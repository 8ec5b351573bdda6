@bad_input
Feature: Bad input is refused with a message that says what to do
  kzpolicy never guesses: an unknown condition, preset, state or table row, a
  value that is not true or false, or a condition given both ways is refused,
  and the refusal names the bad value and the closest valid one.

  Scenario: A condition the article does not have
    Given the condition "D9" holds
    When the situation is assessed
    Then the request is refused as an unknown condition
    And the refusal says "unknown condition 'D9'"
    And the refusal suggests "D8"
    And the refusal says "kzpolicy list conditions"

  Scenario: A misspelt context condition
    Given these conditions:
      | ID                  | value |
      | russia_west_worsens | true  |
    When the situation is assessed
    Then the request is refused as an unknown condition
    And the refusal suggests "russia_west_worsen"

  Scenario: A value that is neither true nor false
    Given these conditions:
      | ID | value |
      | D1 | maybe |
    When the situation is assessed
    Then the request is refused as invalid input
    And the refusal says "must be true or false"
    And the refusal says "'maybe'"

  Scenario: The same condition given both ways
    Given these conditions:
      | ID | value |
      | D1 | true  |
      | D1 | false |
    When the situation is assessed
    Then the request is refused as invalid input
    And the refusal says "given twice, once true and once false"

  Scenario: A preset that does not exist
    Given the situation described by the preset "article-2011"
    When the situation is assessed
    Then the request is refused as an unknown name
    And the refusal says "unknown preset 'article-2011'"
    And the refusal suggests "article-2010"

  Scenario: Leaving unknown a condition that does not exist
    Given the situation described by the preset "article-2010"
    And the condition "info_scarcity" is unknown
    When the situation is assessed
    Then the request is refused as an unknown condition
    And the refusal suggests "info_scarce"

  @what_if
  Scenario: A what-if on a condition that does not exist
    Given the situation described by the preset "article-2010"
    When the situation is assessed
    And I ask what if the condition "tough_rival" holds
    Then the request is refused as an unknown condition
    And the refusal suggests "tough_rivalry"

  @partnership_table
  Scenario: A state that is not in the partnership table
    When I look up "Mongolia" in the row "IPAP" of the partnership table
    Then the request is refused as an unknown name
    And the refusal says "unknown state 'Mongolia'"

  @partnership_table
  Scenario: A row that is not in the partnership table
    When I look up "Kazakhstan" in the row "NATO summit" of the partnership table
    Then the request is refused as an unknown name
    And the refusal says "unknown table row or programme 'NATO summit'"

  @partnership_table
  Scenario: A programme the article names that is not a row of the table
    When I look up "Kazakhstan" in the row "Partnership Work Programme" of the partnership table
    Then the request is refused as an unknown name
    And the refusal says "not a row of the partnership table"
