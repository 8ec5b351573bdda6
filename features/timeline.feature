@scenarios @timeline
Feature: A journal over time: the scenario, the risks and the beliefs that moved them
  Source: the conditions, factors and rules of section "Scenarios for the Development
  of Bilateral Cooperation" (SWOT and scenarios) and of the section on the security of
  Central Asia, applied to the example journal in examples/journal. Its beliefs are
  example beliefs of a fictional user, not claims of the article.

  Scenario: Spring strain moves the implied scenario to distancing, and back by autumn
    Given the journal "examples/journal"
    Then on "2014-01-15" the implied scenario is "balance"
    And on "2014-03-18" the implied scenario is "distancing"
    And on "2014-09-30" the implied scenario is "balance"

  Scenario: Each risk added has the belief that caused it
    Given the situation file "examples/journal/2014-01-15.yaml"
    And the situation file "examples/journal/2014-03-18.yaml"
    Then on "2014-03-18" the risk "T6" is added
    And on "2014-03-18" the change of "T6" is caused by "russia_west_worsen"
    And on "2014-03-18" the risk "T2" is added
    And on "2014-03-18" the change of "T2" is caused by "D3"

  Scenario: Uncertain beliefs weigh the scenarios; two doubts together undo distancing
    Given the journal "examples/journal"
    Then on "2014-06-30" the most likely scenario is "balance"
    And on "2014-06-30" the implied scenario is "balance"
    And on "2014-06-30" the change of "balance" is caused by "D1, D2"
    And on "2014-06-30" the risk "C2" is cleared
