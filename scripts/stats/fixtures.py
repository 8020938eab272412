#!/usr/bin/env python3
"""Expected values for the statistics engine (crates/domain/src/stats), computed with pandas.

Writes, under crates/domain/tests/fixtures/stats/:

* units.csv     a deterministic synthetic census of a few hundred real Comuni (codes,
                provinces and populations from data/territory/comuni.csv; participation and
                answers drawn with Python's `random.Random(SEED)`, stable across versions);
* expected.json frequencies, cross-tabulations with margins, numeric summaries (count, sum,
                mean, median, quantiles 0.25/0.5/0.75/0.9, pandas' default `linear` method),
                response rates and the post-stratified national total with its standard error
                and 95% interval, plus the versions of Python, pandas and NumPy used.

The Rust test crates/domain/tests/stats_fixtures.rs recomputes everything with the engine.
CI does not run this script (it has no pandas): run it only to change the fixtures, with
    python3 -m venv /tmp/stats-venv && /tmp/stats-venv/bin/pip install -r scripts/stats/requirements.txt
    /tmp/stats-venv/bin/python scripts/stats/fixtures.py
Reruns with the same pandas are byte-identical.
"""

from __future__ import annotations

import csv
import json
import math
import platform
import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20211001
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "crates/domain/tests/fixtures/stats"
Z_95 = 1.959963984540054
PROBS = [0.25, 0.5, 0.75, 0.9]

# Population classes (upper bounds inclusive), codes 1..5: see docs/STATISTICS.md.
CLASS_BOUNDS = [5_000, 20_000, 50_000, 100_000]


def pop_class(pop: int) -> int:
    for code, bound in enumerate(CLASS_BOUNDS, start=1):
        if pop <= bound:
            return code
    return 5


def macro_areas() -> dict[str, int]:
    with open(ROOT / "data/territory/regioni.csv", encoding="utf-8") as f:
        return {r["code"]: int(r["macroarea_code"]) for r in csv.DictReader(f)}


def build_units() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    with open(ROOT / "data/territory/comuni.csv", encoding="utf-8") as f:
        comuni = [r for r in csv.DictReader(f) if r["pop_total"]]
    comuni.sort(key=lambda r: r["istat"])
    by_region: dict[str, list[dict[str, str]]] = {}
    for r in comuni:
        by_region.setdefault(r["region_code"], []).append(r)
    # Small regions on purpose, to exercise the collapse of strata: Valle d'Aosta with 2 Comuni
    # and no respondent, Molise with 3 Comuni and 1 respondent.
    sizes = {"02": 2, "14": 3}
    chosen: list[dict[str, str]] = []
    for code in sorted(by_region):
        chosen.extend(rng.sample(by_region[code], sizes.get(code, 18)))
    taken = {r["istat"] for r in chosen}
    large = [r for r in comuni if int(r["pop_total"]) > 50_000 and r["istat"] not in taken
             and r["region_code"] not in sizes]
    chosen.extend(rng.sample(large, 16))
    chosen.sort(key=lambda r: r["istat"])

    areas = macro_areas()
    molise_left = 1
    units = []
    for r in chosen:
        region, pop = r["region_code"], int(r["pop_total"])
        cls = pop_class(pop)
        invited = rng.random() < 0.97
        if region == "02":
            responded = False
        elif region == "14":
            responded = invited and molise_left > 0
            molise_left -= int(responded)
        else:
            responded = invited and rng.random() < 0.30 + 0.1 * cls
        u = {
            "istat": r["istat"],
            "region": region,
            "province": r["province_code"],
            "macro_area": str(areas[region]),
            "population": str(pop),
            "pop_class": str(cls),
            "invited": str(int(invited)),
            "responded": str(int(responded)),
            "presenza": "",
            "alloggio": "",
            "lavoratori": "",
            "distanza_km": "",
        }
        if responded:
            roll = rng.random()
            presenza = "" if roll < 0.04 else ("si" if roll < 0.45 else "no")
            u["presenza"] = presenza
            if presenza == "si":
                a = rng.random()
                if a >= 0.05:
                    u["alloggio"] = "private" if a < 0.72 else ("strutture" if a < 0.91 else "informali")
                if rng.random() >= 0.06:
                    u["lavoratori"] = str(int(rng.expovariate(1.0 / (4 + pop / 1500))))
                if rng.random() >= 0.10:
                    u["distanza_km"] = f"{rng.uniform(0.2, 35.0):.2f}"
            elif presenza == "no":
                u["lavoratori"] = "0"
        units.append(u)
    return units


def num(x) -> float | None:
    """A float for JSON (None for NaN)."""
    x = float(x)
    return None if math.isnan(x) else x


GROUPINGS = {"national": None, "region": "region", "macro_area": "macro_area", "pop_class": "pop_class"}


def groups(df: pd.DataFrame, grouping: str):
    col = GROUPINGS.get(grouping, grouping)
    if col is None:
        yield "IT", df
    else:
        for key, g in df.groupby(col, sort=True):
            yield str(key), g


def frequencies(resp: pd.DataFrame, var: str, grouping: str) -> list[dict]:
    out = []
    for key, g in groups(resp, grouping):
        counts = g[var].value_counts(dropna=True).sort_index()
        pct = g[var].value_counts(normalize=True, dropna=True).sort_index() * 100
        out.append({
            "group": key,
            "total": int(len(g)),
            "missing": int(g[var].isna().sum()),
            "categories": [{"category": str(c), "count": int(counts[c]), "percent": num(pct[c])} for c in counts.index],
        })
    return out


def crosstab(resp: pd.DataFrame, rows: str, cols: str) -> dict:
    t = pd.crosstab(resp[rows], resp[cols], margins=True, margins_name="__all__")
    return {
        "row_labels": [str(r) for r in t.index if r != "__all__"],
        "col_labels": [str(c) for c in t.columns if c != "__all__"],
        "grid": [[int(v) for v in row] for row in t.to_numpy()],
    }


def summaries(resp: pd.DataFrame, var: str, grouping: str) -> list[dict]:
    out = []
    for key, g in groups(resp, grouping):
        s = g[var]
        out.append({
            "group": key,
            "count": int(s.count()),
            "missing": int(s.isna().sum()),
            "sum": num(s.sum()),
            "mean": num(s.mean()),
            "median": num(s.median()),
            "quantiles": [[p, num(s.quantile(p))] for p in PROBS],
        })
    return out


def response_rates(df: pd.DataFrame, grouping: str) -> list[dict]:
    inv = df[df["invited"] == 1]
    out = []
    for key, g in groups(inv, grouping):
        out.append({
            "group": key,
            "invited": int(len(g)),
            "respondents": int(g["responded"].sum()),
            "rate": num(g["responded"].sum() / len(g)),
        })
    return out


def post_stratified(df: pd.DataFrame, var: str) -> dict:
    """The collapse rule of docs/STATISTICS.md, written again from the text, not from the Rust."""
    df = df.copy()
    df["y"] = df[var].where(df["responded"] == 1)
    cells = df.groupby(["region", "pop_class"], sort=True)

    def n_of(pool):
        return sum(int(c["y"].notna().sum()) for _, c in pool)

    by_area: dict[int, tuple[list, list]] = {}
    for region, rdf in df.groupby("region", sort=True):
        closed, current = [], []
        for cls, cdf in rdf.groupby("pop_class", sort=True):
            current.append(((region, int(cls)), cdf))
            if n_of(current) >= 2:
                closed.append(current)
                current = []
        area = int(rdf["macro_area"].iloc[0])
        strata, deficient = by_area.setdefault(area, ([], []))
        if current:
            if closed:
                closed[-1].extend(current)
            else:
                deficient.extend(current)
        strata.extend(closed)
    final = []
    for area in sorted(by_area):
        strata, deficient = by_area[area]
        if deficient:
            if n_of(deficient) >= 2:
                first = deficient[0][0][0]
                at = next((i for i, s in enumerate(strata) if s[0][0][0] > first), len(strata))
                strata.insert(at, deficient)
            elif strata:
                strata[-1].extend(deficient)
            else:
                raise SystemExit(f"error: macro-area {area} has fewer than 2 respondents")
        final.extend(strata)
    assert len(cells) == sum(len(s) for s in final)

    out_strata = []
    total = variance = 0.0
    for pool in final:
        frame = pd.concat([c for _, c in pool])
        y = frame["y"].dropna()
        big_n, n = len(frame), len(y)
        mean, s2 = y.mean(), y.var(ddof=1)
        t_h = big_n * mean
        v_h = big_n**2 * (1 - n / big_n) * s2 / n
        total += t_h
        variance += v_h
        out_strata.append({
            "cells": [[k[0], k[1]] for k, _ in pool],
            "universe": big_n,
            "respondents": n,
            "mean": num(mean),
            "sample_variance": num(s2),
            "total": num(t_h),
            "variance": num(v_h),
        })
    se = math.sqrt(variance)
    return {
        "variable": var,
        "total": total,
        "variance": variance,
        "std_error": se,
        "ci_low": total - Z_95 * se,
        "ci_high": total + Z_95 * se,
        "strata": out_strata,
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    units = build_units()
    with open(OUT / "units.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(units[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(units)

    df = pd.read_csv(OUT / "units.csv", dtype={"istat": str, "region": str, "province": str,
                                                 "presenza": "string", "alloggio": "string"})
    resp = df[df["responded"] == 1]
    expected = {
        "generated_by": "scripts/stats/fixtures.py",
        "seed": SEED,
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "units": len(df),
        "frequencies": {
            var: {g: frequencies(resp, var, g) for g in GROUPINGS} for var in ["presenza", "alloggio"]
        },
        "crosstabs": [
            {"rows": "region", "cols": "alloggio", **crosstab(resp, "region", "alloggio")},
            {"rows": "macro_area", "cols": "presenza", **crosstab(resp, "macro_area", "presenza")},
            {"rows": "pop_class", "cols": "alloggio", **crosstab(resp, "pop_class", "alloggio")},
            {"rows": "presenza", "cols": "alloggio", **crosstab(resp, "presenza", "alloggio")},
        ],
        "summaries": {
            var: {g: summaries(resp, var, g) for g in GROUPINGS} for var in ["lavoratori", "distanza_km"]
        },
        "response_rates": {g: response_rates(df, g) for g in [*GROUPINGS, "province"]},
        "post_stratified": post_stratified(df, "lavoratori"),
    }
    with open(OUT / "expected.json", "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(df)} units and expected.json (pandas {pd.__version__}, numpy {np.__version__})",
          file=sys.stderr)


if __name__ == "__main__":
    main()
