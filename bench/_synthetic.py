"""Synthetic knowledge bases at a multiple of the stock rules' size, for the scale figures.

``synthetic(folder, factor)`` copies the stock rules/ and adds ``factor - 1`` times as many
rules again (and a context condition per five of them), in extra files of 2,000 rules
each; the result passes every check. The added rules read one to three literals (a new
condition, sometimes negated, or a stock condition, or a threat the stock rules flag) and flag a
strength, opportunity or weakness, so the whole stays acyclic and every baseline runs it.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import yaml

from kzpolicy.kb.loading import load, stock_rules_path


def synthetic(folder: Path, factor: int, seed: int = 7) -> Path:
    """A rules folder with about ``factor`` times the stock rules; returns ``folder``."""
    stock = load()
    shutil.copytree(stock_rules_path(), folder, dirs_exist_ok=True)
    extra = max(0, (factor - 1) * len(stock.rules))
    if extra == 0:
        return folder
    rng = random.Random(seed)
    targets = [i for i, info in stock.items.items()
               if info.kind in ("strength", "opportunity", "weakness")]
    threats = [i for i, info in stock.items.items()
               if info.kind == "threat" and not info.presupposes]  # contested: not read
    old_conditions = list(stock.condition_ids)
    new_conditions = [f"syn_c{n}" for n in range(max(1, extra // 5))]
    conditions = [
        {"id": c, "label": f"Synthetic condition {n}",
         "description": "A condition generated for the benchmark.",
         "locator": {"section": "scenarios", "where": "benchmark"}}
        for n, c in enumerate(new_conditions)
    ]
    rules: list[dict[str, Any]] = []
    for n in range(extra):
        own = new_conditions[n % len(new_conditions)]  # every new condition is used
        lits: list[Any] = [own if rng.random() < 0.8 else {"not": own}]
        for _ in range(rng.randint(0, 2)):
            pick = rng.random()
            if pick < 0.5:
                c = rng.choice(new_conditions)
                lit = c if rng.random() < 0.8 else {"not": c}
                if c != own and c not in lits and {"not": c} not in lits:
                    lits.append(lit)  # never X and not X: a rule that can never hold
            elif pick < 0.8:
                lits.append(rng.choice(old_conditions))
            else:
                lits.append(rng.choice(threats))
        when: Any = lits[0] if len(lits) == 1 else {"all": lits}
        rules.append({"id": f"syn_r{n}", "label": f"Synthetic rule {n}", "when": when,
                      "then": [rng.choice(targets)], "stance": "interpretation",
                      "reason": "generated for the benchmark",
                      "locator": {"section": "scenarios", "where": "benchmark"}})
    # files of at most 2,000 rules (about half a megabyte), as a maintainer would split them
    chunks = [rules[i:i + 2000] for i in range(0, len(rules), 2000)]
    for n, chunk in enumerate(chunks):
        data: dict[str, Any] = {"rules": chunk} if n else {"conditions": conditions,
                                                           "rules": chunk}
        (folder / f"zz_synthetic_{n:02d}.yaml").write_text(
            yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder
