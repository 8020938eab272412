#!/usr/bin/env python3
"""Build the XLSForm test corpus in crates/domain/tests/xlsform/corpus/.

Writes small .xlsx XLSForms (one feature or one error each), copies a few real
example forms from the pyxform 1.0.0 source distribution (prefix `pyxform_`),
runs pyxform on each, and writes verdicts.json. Everything is built and judged in
a scratch directory first; the corpus directory changes only when all verdicts
match their file names (stale .xlsx files there are removed).

Verdicts come from pyxform, never from this file. The file-name prefixes are an
*expectation* that is checked against pyxform's verdict, so that a pyxform
upgrade that changes a rule stops the script instead of silently relabelling:

  valid_*        pyxform accepts, no warnings; ODK Validate accepts
  warn_*         pyxform accepts with at least one warning
  invalid_*      pyxform rejects (its own checks)
  odk_invalid_*  pyxform accepts, ODK Validate (JavaRosa) rejects
  pyxform_*      real forms from pyxform's own test suite; no expectation

verdicts.json, per file:
  valid                 pyxform's own verdict (pyxform.xls2xform.convert, validate=False)
  pyxform_error         pyxform's message when valid is false, else ""
  pyxform_warnings      pyxform's warnings (list, may be empty)
  odk_validate_valid    ODK Validate's verdict on pyxform's XForm; null when pyxform rejected
  odk_validate_message  ODK Validate's errors or warnings, else ""
  what                  one line: what the file tests

Usage:
    python scripts/census/build_corpus.py [--fetch]

--fetch downloads the pinned pyxform 1.0.0 sdist (pip download, into
build/census-sdist/) when the pyxform_* files are missing; without it the
committed copies are checked against their sha256 and reused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in scripts/census (not git-ignored)
sys.path.insert(0, str(Path(__file__).resolve().parent))
import xlsform_tools as xt  # noqa: E402

CORPUS = xt.REPO_ROOT / "crates" / "domain" / "tests" / "xlsform" / "corpus"
SDIST_DIR = xt.REPO_ROOT / "build" / "census-sdist"
MAX_CORPUS_BYTES = 2 * 1024 * 1024

IT = "Italiano (it)"
EN = "English (en)"

# ----------------------------------------------------------------- building blocks
H = ["type", "name", "label"]
CH = ["list_name", "name", "label"]
COLORS = [CH, ["colore", "rosso", "Rosso"], ["colore", "verde", "Verde"], ["colore", "blu", "Blu"]]


def S(*rows, header=H):
    return [list(header)] + [list(r) for r in rows]


# (file name, what it tests, sheets). Order does not matter; output is sorted.
CASES: list[tuple[str, str, dict]] = []


def case(name: str, what: str, **sheets):
    CASES.append((name, what, sheets))


# ---------------------------------------------------------------------- valid_*
case("valid_text_integer_decimal.xlsx",
     "text, integer and decimal questions with a plain label column",
     survey=S(["text", "nome", "Nome"], ["integer", "eta", "Età"], ["decimal", "km", "Distanza (km)"]))
case("valid_date.xlsx",
     "date question with a constraint against today()",
     survey=S(["date", "data_visita", "Data della visita", ". <= today()", "La data non può essere futura"],
              header=H + ["constraint", "constraint_message"]))
case("valid_select_one.xlsx",
     "select_one with a choice list",
     survey=S(["select_one colore", "colore", "Colore preferito"]), choices=COLORS)
case("valid_select_multiple.xlsx",
     "select_multiple with a count-selected() constraint and message",
     survey=S(["select_multiple colore", "colori", "Colori", "count-selected(.) <= 2", "Al massimo due colori"],
              header=H + ["constraint", "constraint_message"]),
     choices=COLORS)
case("valid_or_other.xlsx",
     "select_one ... or_other in a single-language form (pyxform adds an 'other' choice and a <name>_other text question)",
     survey=S(["select_one colore or_other", "colore", "Colore"]), choices=COLORS)
case("valid_note.xlsx",
     "note with a ${ref} in its label",
     survey=S(["text", "nome", "Nome"], ["note", "saluto", "Buongiorno ${nome}"]))
case("valid_calculate.xlsx",
     "calculate with if() and a ${ref}, shown in a note",
     survey=S(["integer", "anno", "Anno di formazione", ""],
              ["calculate", "anni", "", "if(${anno} != '', 2021 - ${anno}, '')"],
              ["note", "n_anni", "Anni: ${anni}", ""],
              header=H + ["calculation"]))
case("valid_acknowledge.xlsx",
     "acknowledge question type",
     survey=S(["acknowledge", "consenso", "Confermo di aver letto l'informativa"]))
case("valid_geopoint.xlsx",
     "geopoint question type",
     survey=S(["geopoint", "posizione", "Posizione dell'insediamento"]))
case("valid_groups_repeats.xlsx",
     "group containing a repeat containing a group (begin/end group and repeat, with end names)",
     survey=S(["begin_group", "sezione", "Sezione"],
              ["text", "comune", "Comune"],
              ["begin_repeat", "insediamenti", "Insediamenti"],
              ["text", "localita", "Località"],
              ["begin_group", "servizi", "Servizi"],
              ["integer", "n_bagni", "Numero di servizi igienici"],
              ["end_group", "servizi", ""],
              ["end_repeat", "insediamenti", ""],
              ["end_group", "sezione", ""]))
case("valid_metadata_start_end_today.xlsx",
     "start, end and today metadata (no label needed) plus one question",
     survey=S(["start", "start", ""], ["end", "end", ""], ["today", "today", ""], ["text", "nome", "Nome"]))
case("valid_multilingual_label_hint.xlsx",
     "label::/hint:: columns in two languages, translated choices, settings default_language",
     survey=S(["select_one si_no", "b1", "Presenza di lavoratori?", "Are there workers?", "Una sola risposta", "One answer only"],
              ["text", "nota", "Note", "Notes", "", ""],
              header=["type", "name", f"label::{IT}", f"label::{EN}", f"hint::{IT}", f"hint::{EN}"]),
     choices=S(["si_no", "1", "Sì", "Yes"], ["si_no", "2", "No", "No"],
               header=["list_name", "name", f"label::{IT}", f"label::{EN}"]),
     settings=S(["Test multilingue", "test_multilingue", IT], header=["form_title", "form_id", "default_language"]))
case("valid_single_colon_language_columns.xlsx",
     "language columns written with a single colon (label:Italiano (it)), which pyxform accepts like '::'",
     survey=S(["text", "nome", "Nome", "Name"], header=["type", "name", f"label:{IT}", f"label:{EN}"]),
     settings=S([IT], header=["default_language"]))
case("valid_required_with_message.xlsx",
     "required=yes with required_message in two languages, and required given as an expression",
     survey=S(["text", "a", "Nome", "Name", "yes", "Campo obbligatorio", "Required field"],
              ["text", "b", "Cognome", "Surname", "${a} != ''", "Indicare il cognome", "Please give the surname"],
              header=["type", "name", f"label::{IT}", f"label::{EN}", "required",
                      f"required_message::{IT}", f"required_message::{EN}"]),
     settings=S([IT], header=["default_language"]))
case("valid_relevant.xlsx",
     "relevant with = and selected() on earlier questions",
     survey=S(["select_one si_no", "b1", "Presenza?", ""],
              ["select_multiple tipo", "b2", "Tipo", "${b1} = 'si'"],
              ["integer", "b3", "Stagionali", "selected(${b2}, 'stag')"],
              header=H + ["relevant"]),
     choices=S(["si_no", "si", "Sì"], ["si_no", "no", "No"], ["tipo", "stab", "Stabili"], ["tipo", "stag", "Stagionali"], header=CH))
case("valid_constraint_with_message.xlsx",
     "regex() and string-length() constraints with constraint_message in two languages",
     survey=S(["text", "catastale", "Codice catastale", "Cadastral code", "regex(., '^[A-Z][0-9]{3}$')",
               "Una lettera e tre cifre, ad es. H501", "One letter and three digits, e.g. H501"],
              ["text", "cap", "CAP", "Postcode", "string-length(.) = 5", "Il CAP ha 5 cifre", "The postcode has 5 digits"],
              header=["type", "name", f"label::{IT}", f"label::{EN}", "constraint",
                      f"constraint_message::{IT}", f"constraint_message::{EN}"]),
     settings=S([IT], header=["default_language"]))
case("valid_default.xlsx",
     "default values on text, integer, select_one and date",
     survey=S(["text", "paese", "Paese", "Italia"], ["integer", "n", "Numero", "0"],
              ["select_one colore", "colore", "Colore", "verde"], ["date", "d", "Data", "2021-10-15"],
              header=H + ["default"]),
     choices=COLORS)
case("valid_read_only.xlsx",
     "read_only=yes on a question with a default",
     survey=S(["text", "campagna", "Campagna", "InCaS 2021", "yes"], header=H + ["default", "read_only"]))
case("valid_choice_filter_extra_column.xlsx",
     "cascading select: choice_filter on an extra choices column (provincia)",
     survey=S(["select_one provincia", "provincia", "Provincia", ""],
              ["select_one comune", "comune", "Comune", "provincia = ${provincia}"],
              header=H + ["choice_filter"]),
     choices=S(["provincia", "FG", "Foggia", ""], ["provincia", "LT", "Latina", ""],
               ["comune", "I158", "San Severo", "FG"], ["comune", "E885", "Manfredonia", "FG"],
               ["comune", "E472", "Latina", "LT"],
               header=CH + ["provincia"]))
case("valid_repeat_count.xlsx",
     "repeat with repeat_count taken from an earlier integer",
     survey=S(["integer", "n_strutture", "Quante strutture?", ""],
              ["begin_repeat", "strutture", "Struttura", "${n_strutture}"],
              ["integer", "ospiti", "Ospiti", ""],
              ["end_repeat", "", "", ""],
              header=H + ["repeat_count"]))
case("valid_appearance_field_list.xlsx",
     "group with appearance field-list (one page) and a select with appearance minimal",
     survey=S(["begin_group", "pagina", "Pagina unica", "field-list"],
              ["text", "a", "A", ""], ["select_one colore", "b", "B", "minimal"],
              ["end_group", "", "", ""],
              header=H + ["appearance"]),
     choices=COLORS)
case("valid_same_name_different_groups.xlsx",
     "the same question name in two different groups, never referenced with ${}: allowed",
     survey=S(["begin_group", "strutture", "Strutture"], ["integer", "numero", "Numero"], ["end_group", "", ""],
              ["begin_group", "insediamenti", "Insediamenti"], ["integer", "numero", "Numero"], ["end_group", "", ""]))
case("valid_single_sheet_any_name.xlsx",
     "a workbook with one sheet not named 'survey' (here 'Foglio1'): pyxform reads it as the survey sheet",
     Foglio1=S(["text", "nome", "Nome"]))
case("valid_cell_types_numeric_boolean.xlsx",
     "non-text cells: integer choice names, boolean TRUE in required, number default (pyxform stringifies them)",
     survey=S(["select_one n", "scelta", "Scelta", True, 2], header=H + ["required", "default"]),
     choices=S(["n", 1, "Uno"], ["n", 2, "Due"], ["n", 3.0, "Tre"], header=CH))
case("valid_hint_without_label.xlsx",
     "text question with a hint but no label: pyxform only requires one of the two",
     survey=S(["text", "a", None, "Indicare il nome"], header=H + ["hint"]))
case("valid_group_without_label.xlsx",
     "begin_group without a label: accepted silently (unlike a repeat without a label, which warns)",
     survey=S(["begin_group", "g", None], ["text", "a", "A"], ["end_group", "", ""]))
case("valid_unchecked_unknown_function.xlsx",
     "constraint calling a function that does not exist: neither pyxform nor ODK Validate checks function names",
     survey=S(["integer", "n", "Numero", "frobnicate(.) > 1", "Numero non valido"], header=H + ["constraint", "constraint_message"]))
case("valid_unchecked_function_arity.xlsx",
     "regex() called with one argument instead of two: neither pyxform nor ODK Validate checks arity",
     survey=S(["text", "a", "A", "regex(.)", "Valore non valido"], header=H + ["constraint", "constraint_message"]))
case("valid_unchecked_default_language_not_used.xlsx",
     "settings default_language names a language that no column uses: accepted silently, no translation is marked default",
     survey=S(["text", "a", "Nome", "Name"], header=["type", "name", f"label::{IT}", f"label::{EN}"]),
     settings=S(["Deutsch (de)"], header=["default_language"]))
case("valid_unchecked_end_group_name_mismatch.xlsx",
     "end_group whose name differs from its begin_group: pyxform ignores end names",
     survey=S(["begin_group", "sez_a", "Sezione A"], ["text", "a", "A"], ["end_group", "sez_b", ""]))

# ----------------------------------------------------------------------- warn_*
case("warn_or_other_with_translations.xlsx",
     "or_other in a multilingual form: accepted, but the 'Other' choice and its text question are untranslated",
     survey=S(["select_one colore or_other", "colore", "Colore", "Colour"], header=["type", "name", f"label::{IT}", f"label::{EN}"]),
     choices=S(["colore", "rosso", "Rosso", "Red"], ["colore", "verde", "Verde", "Green"],
               header=["list_name", "name", f"label::{IT}", f"label::{EN}"]),
     settings=S([IT], header=["default_language"]))
case("warn_case_insensitive_duplicate_names.xlsx",
     "sibling names that differ only by case (a, A): a warning, not an error",
     survey=S(["text", "a", "Primo"], ["text", "A", "Secondo"]))
case("warn_choice_missing_label.xlsx",
     "a choice row with a name but no label: a warning, not an error",
     survey=S(["select_one colore", "colore", "Colore"]), choices=COLORS + [["colore", "giallo", None]])
case("warn_repeat_without_label.xlsx",
     "begin_repeat without a label: a warning (a group without a label is silent)",
     survey=S(["begin_repeat", "strutture", None], ["text", "nome", "Nome"], ["end_repeat", "", ""]))
case("warn_language_without_code.xlsx",
     "language column 'label::Italiano' without an (xx) code: a warning",
     survey=S(["text", "nome", "Nome"], header=["type", "name", "label::Italiano"]))

# -------------------------------------------------------------------- invalid_*
case("invalid_no_survey_sheet.xlsx",
     "workbook with choices and settings sheets but no survey sheet",
     choices=COLORS, settings=S(["x"], header=["form_id"]))
case("invalid_survey_sheet_misspelled.xlsx",
     "survey sheet named 'surveys' next to a choices sheet (pyxform suggests the right name)",
     surveys=S(["text", "nome", "Nome"]), choices=COLORS)
case("invalid_missing_name_column.xlsx",
     "survey sheet without a name column",
     survey=S(["text", "Nome"], header=["type", "label"]))
case("invalid_missing_type_column.xlsx",
     "survey sheet without a type column",
     survey=S(["nome", "Nome"], header=["name", "label"]))
case("invalid_unknown_type.xlsx",
     "unknown question type 'texte'",
     survey=S(["texte", "nome", "Nome"]))
case("invalid_name_with_space.xlsx",
     "question name containing a space",
     survey=S(["text", "nome comune", "Nome"]))
case("invalid_name_starts_with_digit.xlsx",
     "question name starting with a digit",
     survey=S(["text", "1a", "Domanda"]))
case("invalid_duplicate_name_siblings.xlsx",
     "two sibling questions with the same name",
     survey=S(["text", "a", "Primo"], ["integer", "a", "Secondo"]))
case("invalid_select_list_not_in_choices.xlsx",
     "select_one naming a list that is not in the choices sheet",
     survey=S(["select_one ruolo", "ruolo", "Ruolo"]), choices=COLORS)
case("invalid_select_without_choices_sheet.xlsx",
     "select_one in a workbook that has no choices sheet",
     survey=S(["select_one colore", "colore", "Colore"]))
case("invalid_select_one_without_list_name.xlsx",
     "'select_one' with no list name (reported as an unknown type)",
     survey=S(["select_one", "colore", "Colore"]), choices=COLORS)
case("invalid_duplicate_choice_name.xlsx",
     "the same choice name twice in one list",
     survey=S(["select_one colore", "colore", "Colore"]), choices=COLORS + [["colore", "rosso", "Rosso scuro"]])
case("invalid_choice_missing_name.xlsx",
     "a choice row with a label but no name",
     survey=S(["select_one colore", "colore", "Colore"]), choices=COLORS + [["colore", None, "Giallo"]])
case("invalid_unmatched_begin_group.xlsx",
     "begin_group never closed",
     survey=S(["begin_group", "sez_a", "Sezione A"], ["text", "a", "A"]))
case("invalid_unmatched_end_group.xlsx",
     "end_group with no begin_group",
     survey=S(["text", "a", "A"], ["end_group", "", ""]))
case("invalid_end_repeat_closes_group.xlsx",
     "a begin_group closed by end_repeat",
     survey=S(["begin_group", "sez_a", "Sezione A"], ["text", "a", "A"], ["end_repeat", "", ""]))
case("invalid_reference_unknown_name.xlsx",
     "relevant with ${ref} to a name that does not exist",
     survey=S(["text", "a", "A", ""], ["text", "b", "B", "${zz} = 'x'"], header=H + ["relevant"]))
case("invalid_reference_ambiguous_same_name_different_groups.xlsx",
     "same name in two groups (allowed) referenced with ${}: refs must be unique in the whole survey",
     survey=S(["begin_group", "g1", "G1", ""], ["integer", "numero", "Numero", ""], ["end_group", "", "", ""],
              ["begin_group", "g2", "G2", ""], ["integer", "numero", "Numero", ""], ["end_group", "", "", ""],
              ["note", "n", "Totale", "${numero} > 0"],
              header=H + ["relevant"]))
case("invalid_reference_malformed.xlsx",
     "malformed reference '${a' (no closing brace) in relevant",
     survey=S(["text", "a", "A", ""], ["text", "b", "B", "${a = 'x'"], header=H + ["relevant"]))
case("invalid_calculate_without_calculation.xlsx",
     "calculate row with an empty calculation",
     survey=S(["calculate", "c", ""]))
case("invalid_question_without_label.xlsx",
     "text question with neither label nor hint",
     survey=S(["text", "a", None]))
case("invalid_reserved_name_meta.xlsx",
     "question named 'meta' (reserved for form metadata)",
     survey=S(["text", "meta", "Meta"]))
case("invalid_duplicate_repeat_name.xlsx",
     "two repeats with the same name in different groups: repeat names must be unique in the whole survey",
     survey=S(["begin_group", "g", "G"], ["begin_repeat", "r", "R"], ["text", "a", "A"], ["end_repeat", "", ""], ["end_group", "", ""],
              ["begin_repeat", "r", "R"], ["text", "b", "B"], ["end_repeat", "", ""]))
case("invalid_or_other_with_choice_filter.xlsx",
     "or_other combined with a choice_filter",
     survey=S(["text", "t", "T", ""], ["select_one colore or_other", "colore", "Colore", "name != ${t}"], header=H + ["choice_filter"]),
     choices=COLORS)
case("invalid_duplicate_column_header.xlsx",
     "two 'label' columns in the survey sheet",
     survey=S(["text", "a", "A", "B"], header=["type", "name", "label", "label"]))
case("invalid_repeat_count_unknown_reference.xlsx",
     "repeat_count with ${ref} to a name that does not exist",
     survey=S(["begin_repeat", "r", "R", "${n}"], ["text", "a", "A", ""], ["end_repeat", "", "", ""], header=H + ["repeat_count"]))

# ---------------------------------------------------------------- odk_invalid_*
case("odk_invalid_xpath_mismatched_parenthesis.xlsx",
     "relevant with broken XPath syntax ('= =' and an open parenthesis): pyxform does not parse XPath, ODK Validate does",
     survey=S(["text", "a", "A", ""], ["text", "b", "B", "${a} = = 1 and ("], header=H + ["relevant"]))
case("odk_invalid_xpath_bad_operator.xlsx",
     "constraint '. >> 1' (not an XPath operator): only ODK Validate rejects it",
     survey=S(["integer", "n", "Numero", ". >> 1", "Numero non valido"], header=H + ["constraint", "constraint_message"]))
case("odk_invalid_calculation_cycle.xlsx",
     "two calculates that depend on each other: only ODK Validate detects the cycle",
     survey=S(["calculate", "c", "", "${d} + 1"], ["calculate", "d", "", "${c} + 1"], header=H + ["calculation"]))
case("odk_invalid_empty_group.xlsx",
     "a group with no questions: pyxform accepts it, ODK Validate rejects it",
     survey=S(["begin_group", "vuoto", "Vuoto"], ["end_group", "", ""], ["text", "a", "A"]))

# ------------------------------------------------------------------- pyxform_*
# Real forms from pyxform's own test suite. The current sdist (4.5.0) ships no
# tests; the 1.0.0 sdist (2020) still has them under pyxform/tests/. Each file is
# pinned by sha256; BSD-2-Clause (see SOURCES.md).
SDIST_REQ = "pyxform==1.0.0"
SDIST_FILE = "pyxform-1.0.0.tar.gz"
SDIST_ROOT = "pyxform-1.0.0"
SDIST_SHA256 = "8e59c90588c9d00d2b6ef4f42393529bfbc69cb8fe8ea6314be441aa8032e041"
_EX = "pyxform/tests/example_xls/"
_BUG = "pyxform/tests/bug_example_xls/"
PYXFORM_EXAMPLES: list[tuple[str, str, str, str]] = [
    # (corpus name, path inside the sdist, sha256, what)
    ("pyxform_xlsform_spec_test.xlsx", _EX + "xlsform_spec_test.xlsx",
     "29cd50c17d5bfe3a43e58df37711b335e99c2d78d72d01dd4badc25868a2722f",
     "pyxform's spec test: most question types, media columns, two languages without codes, settings (public_key, instance_name)"),
    ("pyxform_choice_filter_test.xlsx", _EX + "choice_filter_test.xlsx",
     "2a4131ed91b11a39723b42e7cf1ac391bbc22737330b9dc2095da1bbfb487bad",
     "three-level cascading selects on a 'cf' column, duplicate choice names allowed by allow_choice_duplicates=yes"),
    ("pyxform_or_other.xlsx", _EX + "or_other.xlsx",
     "f03b4d2715450e39772e875384d955129a06019292bf7109295dece1a872276e",
     "select_one ... or_other next to a choice_filter on another question; 'list name' header alias"),
    ("pyxform_pull_data.xlsx", _EX + "pull_data.xlsx",
     "d117a4bfc1d4e29988932927c84a4dac29531d921fa4e43aaf754e8212503646",
     "calculate with pulldata() from an attached CSV (adds a secondary instance)"),
    ("pyxform_search_and_select.xlsx", _EX + "search_and_select.xlsx",
     "a29d5c7b19c92f2558ab88d2ac1f879cba583aa66f09e7ce4d4e5b397acd39d2",
     "select_one with appearance search('fruits') (choices from an attached CSV)"),
    ("pyxform_select_one_external.xlsx", _EX + "select_one_external.xlsx",
     "8a9cfbc4ad3f2c478bc5ebcb9eac70527bcfa0b6e6296716e431563d70c71409",
     "select_one_external with an external_choices sheet and choice_filter"),
    ("pyxform_survey_no_name.xlsx", _EX + "survey_no_name.xlsx",
     "9238f3078691cb753eed9a8690bdd6457a7adff1a3df6e19076f7c99f4e1df53",
     "single sheet called 'Sheet1' read as the survey sheet"),
    ("pyxform_text_and_integer_xlsx.xlsx", _EX + "text_and_integer_xlsx.xlsx",
     "9f8a06ca1d3c149500789cb0d43cd976da0126bc0af9f4d05630ee397c6f608d",
     "old-style 'text:english' label column and 'list name'/'value' choices headers, no longer understood by pyxform 4"),
    ("pyxform_duplicate_columns.xlsx", _EX + "duplicate_columns.xlsx",
     "d293e333c989cf53aa38ea7c5038dc2825b64f11f30ba6ed788dcde28ac31ae5",
     "large spec-like form whose survey sheet has two 'label' columns"),
    ("pyxform_bad_calc.xlsx", _EX + "bad_calc.xlsx",
     "7463ccef2616b0d8ff113e5836e0ca3b8a150e869358b73d37266c28e0620d9a",
     "calculation that is English prose, not XPath: pyxform accepts it, ODK Validate does not"),
    ("pyxform_ODKValidateWarnings.xlsx", _BUG + "ODKValidateWarnings.xlsx",
     "2b38d039bdc1c8ecc8f289e0046b7467e165f09b2f893b778ec50a3d94439698",
     "odd cells: 'label:English' (no code), a choices sheet without labels, stray values in unnamed columns"),
    ("pyxform_xl_date_ambiguous.xlsx", _BUG + "xl_date_ambiguous.xlsx",
     "73521a84cd33bb94fe7e3fab002a0d3a3c9f6b6c64845cac63ac10f9e326d4ca",
     "labels, choice labels and settings given as Excel formulas (=B2), read as their cached values; a choice_filter on label::English"),
    ("pyxform_xl_date_ambiguous_v1.xlsx", _BUG + "xl_date_ambiguous_v1.xlsx",
     "5fca6824467b105ba01c3bcdc4d202dc2c6a37fa3554f0abe12103035d2cd4d0",
     "Excel formula cells and a date default stored as an Excel date cell (1900-01-01)"),
]


# --------------------------------------------------------------------- running


def expected_ok(name: str, v: xt.Verdict) -> str | None:
    """Return a problem description if pyxform's verdict contradicts the prefix."""
    if name.startswith("odk_invalid_"):
        if not v.valid:
            return f"pyxform rejected it: {v.error}"
        if v.odk_valid is not False:
            return "ODK Validate accepted it"
    elif name.startswith("valid_"):
        if not v.valid:
            return f"pyxform rejected it: {v.error}"
        if v.warnings:
            return f"pyxform warned: {v.warnings}"
        if v.odk_valid is not True:
            return f"ODK Validate rejected it: {v.odk_message}"
    elif name.startswith("warn_"):
        if not v.valid:
            return f"pyxform rejected it: {v.error}"
        if not v.warnings:
            return "pyxform gave no warning"
    elif name.startswith("invalid_"):
        if v.valid:
            return "pyxform accepted it"
    elif not name.startswith("pyxform_"):
        return "unknown prefix"
    return None


def fetch_sdist() -> Path:
    SDIST_DIR.mkdir(parents=True, exist_ok=True)
    tarball = SDIST_DIR / SDIST_FILE
    if not tarball.exists():
        cmd = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
               "--disable-pip-version-check", "-q", "-d", str(SDIST_DIR), SDIST_REQ]
        xt.eprint("running:", " ".join(cmd))
        subprocess.run(cmd, check=True)
    got = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if got != SDIST_SHA256:
        raise xt.ToolError(f"{tarball}: sha256 {got}, expected {SDIST_SHA256}")
    return tarball


def pyxform_examples(fetch: bool) -> dict[str, bytes]:
    """The pinned pyxform example files: the committed copies, or (with --fetch) the
    ones in the pinned sdist for those that are missing. Every file is checked."""
    out: dict[str, bytes] = {}
    missing = [(dst, src) for dst, src, _h, _w in PYXFORM_EXAMPLES if not (CORPUS / dst).exists()]
    if missing and not fetch:
        raise xt.ToolError(f"missing pyxform examples {[m[0] for m in missing]}; rerun with --fetch")
    if missing:
        tarball = fetch_sdist()
        with tarfile.open(tarball) as tf:
            for dst, src in missing:
                member = tf.extractfile(f"{SDIST_ROOT}/{src}")
                if member is None:
                    raise xt.ToolError(f"{src} not in {tarball.name}")
                out[dst] = member.read()
    for dst, src, h, _w in PYXFORM_EXAMPLES:
        data = out.get(dst) or (CORPUS / dst).read_bytes()
        got = hashlib.sha256(data).hexdigest()
        if got != h:
            raise xt.ToolError(f"{dst}: sha256 {got}, expected {h} ({SDIST_FILE}:{src})")
        out[dst] = data
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fetch", action="store_true",
                    help="download the pinned pyxform 1.0.0 sdist if example files are missing")
    args = ap.parse_args()
    xt.check_versions()
    if not xt.java_available():
        raise xt.ToolError("java not found: ODK Validate (bundled with pyxform) needs a JRE "
                           "(apt-get install default-jre-headless)")

    names = [c[0] for c in CASES] + [e[0] for e in PYXFORM_EXAMPLES]
    if len(names) != len(set(names)):
        raise xt.ToolError("duplicate file names")
    whats = {c[0]: c[1] for c in CASES} | {e[0]: e[3] for e in PYXFORM_EXAMPLES}
    examples = pyxform_examples(args.fetch)
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    for dst, src, h, _w in PYXFORM_EXAMPLES:
        if f"`{dst}` | `{SDIST_ROOT}/{src}` | `{h}`" not in sources:
            raise xt.ToolError(f"SOURCES.md does not list {dst} with its path and sha256")
    if SDIST_SHA256 not in sources:
        raise xt.ToolError("SOURCES.md does not give the sdist sha256")

    # Build and judge everything in a scratch directory; the corpus directory is
    # only touched once every verdict matches its file name.
    with tempfile.TemporaryDirectory(prefix="xlsform_corpus_") as tmp:
        scratch = Path(tmp)
        files: dict[str, bytes] = {}
        for name, _what, sheets in CASES:
            files[name] = xt.write_xlsx(scratch / name, sheets)
        for name, data in examples.items():
            (scratch / name).write_bytes(data)
            files[name] = data

        verdicts: dict[str, dict] = {}
        problems: list[str] = []
        for name in sorted(files):
            v = xt.run_pyxform(scratch / name, odk=True)
            verdicts[name] = {
                "valid": v.valid,
                "pyxform_error": v.error,
                "pyxform_warnings": v.warnings,
                "odk_validate_valid": v.odk_valid,
                "odk_validate_message": v.odk_message,
                "what": whats[name],
            }
            p = expected_ok(name, v)
            if p:
                problems.append(f"{name}: {p}")
    if problems:
        raise xt.ToolError("pyxform's verdicts contradict the file names (rename the "
                           "file or fix the case); corpus left unchanged:\n  "
                           + "\n  ".join(problems))
    verdicts_json = json.dumps(verdicts, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    total = sum(len(d) for d in files.values()) + len(verdicts_json.encode())
    if total > MAX_CORPUS_BYTES:
        raise xt.ToolError(f"corpus would be {total} bytes, over the {MAX_CORPUS_BYTES} limit")

    CORPUS.mkdir(parents=True, exist_ok=True)
    for old in CORPUS.glob("*.xlsx"):
        if old.name not in files:
            xt.eprint(f"removing stale {old.name}")
            old.unlink()
    for name, data in files.items():
        target = CORPUS / name
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
    (CORPUS / "verdicts.json").write_text(verdicts_json, encoding="utf-8")

    n_valid = sum(1 for v in verdicts.values() if v["valid"])
    n_odk_bad = sum(1 for v in verdicts.values() if v["odk_validate_valid"] is False)
    print(f"wrote {len(files)} forms and verdicts.json to {CORPUS}: pyxform valid {n_valid} "
          f"(ODK Validate rejects {n_odk_bad} of them), invalid {len(verdicts) - n_valid}; "
          f"{total} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
