@stimuli @history
Feature: History of relations: stages, military doctrines and programmes
  Source: section on cooperation stimuli (the four stages of relations from 1991
  to the article's present, and the comparison of the military doctrines of
  2000 and 2007) and the opening paragraph of the section on the main
  cooperation vectors (the programmes with their years). Consecutive stages
  share their boundary years in the article; the project gives such a year to
  the stage that starts in it (rules/history.yaml, an interpretation).
  Programmes go by the article's own abbreviation where it gives one and by
  the name it uses where it gives none: the project coins no abbreviation.

  Scenario Outline: Each year of relations falls in one stage
    When I look up the stage of the year <year>
    Then the year falls in the stage "<stage>"

    Examples:
      | year | stage                                     |
      | 1991 | Beginning and goal-setting                |
      | 1993 | Beginning and goal-setting                |
      | 1994 | Interests, contacts, forms of partnership |
      | 2000 | Interests, contacts, forms of partnership |
      | 2001 | Intensified military-political cooperation |
      | 2004 | Intensified military-political cooperation |
      | 2006 | Special strategic partnership             |
      | 2010 | Special strategic partnership             |

  @interpretation
  Scenario Outline: A year shared by two stages goes to the stage that starts in it
    When I look up the stage of the year <year>
    Then the year falls in the stage "<stage>"

    Examples:
      | year | stage  |
      | 1994 | stage2 |
      | 2001 | stage3 |
      | 2006 | stage4 |

  Scenario Outline: Years outside the article's account fall in no stage
    When I look up the stage of the year <year>
    Then the year falls in no stage

    Examples:
      | year |
      | 1990 |
      | 2011 |

  Scenario: The 2000 doctrine mentions NATO only in passing
    Then the military doctrine of 2000 gives NATO a "peripheral" role
    And the military doctrine of 2000 belongs to the stage "Interests, contacts, forms of partnership"

  Scenario: The 2007 doctrine gives NATO a far larger place
    Then the military doctrine of 2007 gives NATO a "significant" role
    And the military doctrine of 2007 belongs to the stage "Special strategic partnership"

  @vectors
  Scenario Outline: The programmes the article dates
    Then the programme "<programme>" dates from <year>

    Examples:
      | programme                        | year |
      | PfP                              | 1994 |
      | PARP                             | 2002 |
      | Operational Capabilities Concept | 2004 |
      | IPAP                             | 2006 |

  @vectors
  Scenario Outline: The programmes the article names without a year
    Then the article gives no year for the programme "<programme>"

    Examples:
      | programme                                                       |
      | CEAP                                                            |
      | Partnership Work Programme                                      |
      | PAP-T                                                           |
      | Partnership Action Plan on the building of defence institutions |
      | IPP                                                             |
      | Science in the name of peace                                    |
      | Virtual Silk Road                                               |

  @vectors
  Scenario Outline: The milestones the article dates
    Then the milestone "<milestone>" dates from <year>

    Examples:
      | milestone                    | year |
      | afghan_transit_2001          | 2001 |
      | us_kazbrig_agreement_2003    | 2003 |
      | info_centre_2004             | 2004 |
      | representative_office_2005   | 2005 |
      | uzbekistan_forces_until_2005 | 2005 |
      | steppe_eagle_2005_2009       | 2005 |
      | ipap_2006                    | 2006 |
      | doctrine_2007                | 2007 |
      | media_seminar_2007           | 2007 |
      | iraq_until_2008              | 2008 |
      | eapc_forum_2009              | 2009 |

  @vectors
  Scenario Outline: The milestones and facts the article gives without a year
    Then the article gives no year for the milestone "<milestone>"

    Examples:
      | milestone                        |
      | officers_at_nato_hq              |
      | liaison_officers_trained         |
      | relations_eighteen_years         |
      | andijan_shift                    |
      | uzbekistan_focus_1990s           |
      | first_peacekeeping_participation |
      | airborne_peacekeeping_battalion  |
      | french_military_agreement        |
      | pfp_learning_centre_planned      |
      | military_cooperation_areas       |
      | caspian_naval_project            |
      | depository_libraries             |
      | rose_roth_seminar                |
