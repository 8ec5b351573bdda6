@vectors @partnership_table
Feature: The comparative table of NATO's partnership with the Central Asian states
  Source: section on the main cooperation vectors, the table comparing the
  partnership of the five states (nineteen rows) and its three footnotes. The
  table's marks were lost in the text the project works from, so a cell is yes
  or no only where the prose or a footnote says so; every other cell is
  unknown, never guessed.

  Scenario Outline: Cells the prose or the footnotes make known
    When I look up "<state>" in the row "<row>" of the partnership table
    Then the cell reads "<value>"
    And the evidence for the cell cites the section "<section>"

    Examples: Kazakhstan, from the prose
      | state      | row                  | value | section      |
      | Kazakhstan | CEAP                 | yes   | vectors      |
      | Kazakhstan | PfP                  | yes   | vectors      |
      | Kazakhstan | IPAP                 | yes   | vectors      |
      | Kazakhstan | PARP                 | yes   | vectors      |
      | Kazakhstan | PAP-T                | yes   | vectors      |
      | Kazakhstan | defence_reform       | yes   | vectors      |
      | Kazakhstan | military_education   | yes   | vectors      |
      | Kazakhstan | joint_exercises      | yes   | vectors      |
      | Kazakhstan | peacekeeping_forces  | yes   | vectors      |
      | Kazakhstan | nato_operations      | yes   | vectors      |
      | Kazakhstan | political_dialogue   | yes   | vectors      |
      | Kazakhstan | public_awareness     | yes   | vectors      |
      | Kazakhstan | nato_forces_deployed | no    | introduction |
      | Kazakhstan | membership_goal      | no    | introduction |

    Examples: the other states, from the prose on IPAP and the third footnote
      | state        | row                  | value | section |
      | Kyrgyzstan   | IPAP                 | no    | vectors |
      | Tajikistan   | IPAP                 | no    | vectors |
      | Turkmenistan | IPAP                 | no    | vectors |
      | Uzbekistan   | IPAP                 | no    | vectors |
      | Uzbekistan   | nato_forces_deployed | no    | vectors |

    Examples: read by the project from the prose (stance interpretation, with a note)
      | state      | row                      | value | section |
      | Kazakhstan | civil_emergency_planning | yes   | vectors |
      | Kazakhstan | science_for_peace        | yes   | vectors |
      | Kyrgyzstan | military_education       | yes   | vectors |
      | Tajikistan | military_education       | yes   | vectors |

  Scenario Outline: Cells the article leaves open stay unknown
    When I look up "<state>" in the row "<row>" of the partnership table
    Then the cell reads "unknown"

    Examples:
      | state        | row                   |
      | Kyrgyzstan   | PfP                   |
      | Tajikistan   | CEAP                  |
      | Turkmenistan | PARP                  |
      | Uzbekistan   | PAP-T                 |
      | Kazakhstan   | IPP                   |
      | Kazakhstan   | virtual_silk_road     |
      | Kazakhstan   | membership_invitation |
      | Kyrgyzstan   | nato_forces_deployed  |
