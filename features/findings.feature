@findings @stimuli @scenarios @regional_security @vectors @conclusion
Feature: The authors' findings beside the assessment
  Source: the assessments the authors make outside the article's lists
  (rules/findings.yaml): the introduction, the section on cooperation stimuli
  (among them the paragraph on the problems close cooperation brings), the
  paragraph that sums up the SWOT analysis and the one that introduces the
  scenarios, the section on regional security, the section on the main
  cooperation vectors and the conclusion. An assessment notes a finding when
  something the finding concerns is flagged, implied or asserted true.

  Scenario Outline: A condition brings the findings that concern what it flags
    Given nothing is asserted about the situation
    And the condition "<condition>" holds
    When the situation is assessed
    Then the assessment notes the finding "<finding>"
    And the finding "<finding>" concerns "<concerns>"

    Examples: the introduction
      | condition               | finding                            | concerns                |
      | I4                      | kazakhstan_seeks_equal_partnership | S3                      |
      | cooperation_intensifies | nato_draws_kazakhstan_west         | cooperation_intensifies |

    Examples: the stimuli section
      | condition               | finding                             | concerns                |
      | I3                      | kazakhstan_key_to_regional_projects | I3                      |
      | cooperation_intensifies | nato_values_but_limits              | W1                      |
      | cooperation_intensifies | flexible_policy_task                | cooperation_intensifies |

    Examples: the problems of close cooperation (stimuli section)
      | condition                  | finding                    | concerns                   |
      | nato_standard_hardware     | problems_reach_the_forces  | T2                         |
      | nato_image_criticised      | image_islamic_dimension    | nato_image_criticised      |
      | peacekeeping_participation | problems_latent            | T4                         |

    Examples: regional security
      | condition               | finding                        | concerns                |
      | active_in_csto_and_nato | sco_china_prevents_bipolarity  | O1                      |
      | tough_rivalry           | dialogue_platform              | tough_rivalry           |
      | tough_rivalry           | contest_for_kazakhstan         | tough_rivalry           |
      | active_in_csto_and_nato | multilateral_security_approach | active_in_csto_and_nato |
      | joint_exercises         | multilateral_security_approach | joint_exercises         |

    Examples: the cooperation vectors
      | condition                      | finding                     | concerns                       |
      | peacekeeping_participation     | peacekeeping_prestige       | peacekeeping_participation     |
      | non_military_cooperation_grows | non_military_ahead          | non_military_cooperation_grows |
      | D4                             | active_nucleus              | D4                             |
      | B3                             | what_each_side_seeks        | B3                             |
      | D4                             | kazbrig_model_for_region    | D4                             |
      | I6                             | new_kinds_of_forces         | S4                             |
      | nato_standard_hardware         | new_kinds_of_forces         | S5                             |
      | I7                             | reform_carried_into_defence | O5                             |
      | non_military_cooperation_grows | information_sphere_key      | O7                             |

    Examples: the conclusion
      | condition               | finding                          | concerns                |
      | cooperation_intensifies | russia_china_used_to_manoeuvring | cooperation_intensifies |
      | tough_rivalry           | security_depends_on_region       | C2                      |
      | joint_exercises         | advantages_outweigh_problems     | S6                      |

  Scenario Outline: A scenario brings the findings on it
    Given the situation described by the preset "<preset>"
    When the situation is assessed
    Then the implied scenario is "<preset>"
    And the assessment notes the finding "<finding>"
    And the finding "<finding>" concerns "<preset>"

    Examples:
      | preset      | finding                         |
      | integration | region_sensitive_to_extremes    |
      | integration | no_sharp_turn_west              |
      | distancing  | region_sensitive_to_extremes    |
      | distancing  | scenarios_name_problems         |
      | balance     | balanced_cooperation_optimal    |
      | balance     | optimal_partnership_model       |
      | balance     | scenarios_name_problems         |
      | integration | nato_draws_kazakhstan_west      |
      | balance     | bridge_between_nato_and_russia  |
      | balance     | flexible_policy_task            |
      | balance     | integration_versus_independence |
      | balance     | nato_only_stable_bastion        |

  @stated
  Scenario Outline: Every assessment notes that the scenarios are hypothetical forecasts
    Given the situation described by the preset "<preset>"
    When the situation is assessed
    Then the implied scenario is "<scenario>"
    And the assessment notes the finding "scenarios_are_hypothetical"
    And the finding "scenarios_are_hypothetical" concerns "<scenario>"

    Examples:
      | preset       | scenario    |
      | integration  | integration |
      | balance      | balance     |
      | distancing   | distancing  |
      | article-2010 | balance     |

  Scenario: Distancing notes the bridge it would lose and the foothold the West wants back
    Given the situation described by the preset "distancing"
    When the situation is assessed
    Then the implied scenario is "distancing"
    And the outcomes "DC4, DC5" are flagged
    And the assessment notes the finding "bridge_between_nato_and_russia"
    And the finding "bridge_between_nato_and_russia" concerns "DC5"
    And the assessment notes the finding "nato_only_stable_bastion"
    And the finding "nato_only_stable_bastion" concerns "DC4"
    But the assessment does not note the finding "integration_versus_independence"

  Scenario: With nothing asserted only the findings on the default scenario are noted
    Given nothing is asserted about the situation
    When the situation is assessed
    Then the implied scenario is "balance"
    And the assessment notes the finding "balanced_cooperation_optimal"
    And the assessment notes the finding "scenarios_are_hypothetical"
    And the assessment does not note the finding "dialogue_platform"
    And the assessment does not note the finding "problems_reach_the_forces"
    And the assessment does not note the finding "no_sharp_turn_west"
    And the assessment does not note the finding "advantages_outweigh_problems"

  Scenario: A condition asserted false brings no finding on it
    Given nothing is asserted about the situation
    And the condition "tough_rivalry" does not hold
    When the situation is assessed
    Then the assessment does not note the finding "dialogue_platform"
    And the assessment does not note the finding "security_depends_on_region"
    And the assessment does not note the finding "contest_for_kazakhstan"

  @stated
  Scenario: Deeper cooperation can draw Kazakhstan into conflicts through peacekeeping
    Given nothing is asserted about the situation
    And the condition "cooperation_intensifies" holds
    When the situation is assessed
    Then the threat "T4" is flagged
    And the explanation of "T4" goes through the rule "intensify_t4"
    And the explanation of "T4" cites the section "stimuli"
    And the assessment notes the finding "problems_latent"
