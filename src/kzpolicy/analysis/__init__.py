"""Analysis over many assessments: what-if, tipping points, landscape, Monte Carlo.

Built on the bitset engine (numpy); loaded only when one of them is first used.
"""
