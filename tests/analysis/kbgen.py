"""Generated knowledge bases for the exact-probability tests and the benchmark: the stock
rules with more factors per scenario and random rules (negation, ``any``, chains through
items and scenarios) over them."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import yaml

from kzpolicy.kb.loading import stock_rules_path

FLAGGED_KINDS = ("strength", "weakness", "opportunity", "threat", "rivalry")


def many_factors(folder: Path, total: int, *, rules: int = 60, seed: int = 13) -> Path:
    """Write a rules folder with ``total`` factors split over the three scenarios and
    ``rules`` random rules reading them; return the folder."""
    import kzpolicy

    shutil.copytree(stock_rules_path(), folder, dirs_exist_ok=True)
    rng = random.Random(seed)
    sc_file = folder / "scenarios.yaml"
    data = yaml.safe_load(sc_file.read_text(encoding="utf-8"))
    per = [total // 3 + (1 if i < total % 3 else 0) for i in range(3)]
    sizes: dict[str, int] = {}
    new: list[str] = []
    for sc, n in zip(data["scenarios"], per, strict=True):
        first = sc["factors"][0]
        lst, prefix = first["locator"]["list"], first["id"][0]
        for k in range(len(sc["factors"]) + 1, n + 1):
            fid = f"{prefix}{k}"
            sc["factors"].append({"id": fid, "label": f"Generated factor {fid}",
                                  "statement": f"A generated factor {fid}.",
                                  "locator": {"section": "scenarios", "list": lst, "item": k}})
            new.append(fid)
        sizes[lst] = max(n, len(sc["factors"]))
    sc_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    art = folder / "article.yaml"
    article = yaml.safe_load(art.read_text(encoding="utf-8"))
    for sec in article["sections"]:
        for entry in sec["lists"]:
            if entry["id"] in sizes:
                entry["size"] = sizes[entry["id"]]
    art.write_text(yaml.safe_dump(article, sort_keys=False), encoding="utf-8")
    stock = kzpolicy.load()
    items = sorted(i for i, info in stock.items.items() if info.kind in FLAGGED_KINDS)
    pool = new or list(stock.factors)
    out: list[dict[str, Any]] = []
    for i in range(rules):
        f1, f2 = rng.sample(pool, 2)
        when: Any
        if i % 10 == 9:  # a chain through an item and a scenario
            when = {"all": [rng.choice(["T1", "T2", "O1"]),
                            rng.choice(["integration", "distancing", f1])]}
        elif i % 3 == 0:
            when = {"all": [f1, {"not": f2}]}
        elif i % 3 == 1:
            when = {"any": [f1, f2]}
        else:
            when = f1
        out.append({"id": f"gen_{i}", "label": f"Generated rule {i}", "when": when,
                    "then": [rng.choice(items)], "stance": "interpretation",
                    "reason": "a generated rule",
                    "locator": {"section": "scenarios", "list": "threats", "item": 1}})
    (folder / "zz_generated.yaml").write_text(yaml.safe_dump({"rules": out}), encoding="utf-8")
    return folder
