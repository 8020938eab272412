#!/usr/bin/env python3
"""Build the default census questionnaire, data/census/incas_2021.xlsx.

The 2021 InCaS questionnaire «Le condizioni abitative dei migranti che lavorano
nel settore agro-alimentare» as an XLSForm (sheets survey, choices, settings),
following the sketch in shared/docs/QUESTIONNAIRE.md, Part 2. Section A was read
from the real questionnaire; everything from B1 on is reconstructed (the `fonte`
column keeps the sketch's R/I marks; pyxform ignores unknown columns).

The script then converts the workbook with pyxform (and, when Java is available,
with the ODK Validate jar that pyxform bundles) and fails on any error or on any
warning not listed in EXPECTED_WARNINGS. Output is byte-identical across reruns.

Usage:
    python scripts/census/build_incas_form.py [--xml PATH] [--no-odk-validate]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in scripts/census (not git-ignored)
sys.path.insert(0, str(Path(__file__).resolve().parent))
import xlsform_tools as xt  # noqa: E402

OUT = xt.REPO_ROOT / "data" / "census" / "incas_2021.xlsx"
DEFAULT_XML = xt.REPO_ROOT / "build" / "census" / "incas_2021.xml"

IT = "Italiano (it)"
EN = "English (en)"

TITLE = "Le condizioni abitative dei migranti che lavorano nel settore agro-alimentare"

# pyxform warnings this form is allowed to produce (none).
EXPECTED_WARNINGS: list[str] = []

SURVEY_COLUMNS = [
    "type",
    "name",
    f"label::{IT}",
    f"label::{EN}",
    f"hint::{IT}",
    f"hint::{EN}",
    "required",
    f"required_message::{IT}",
    f"required_message::{EN}",
    "relevant",
    "constraint",
    f"constraint_message::{IT}",
    f"constraint_message::{EN}",
    "calculation",
    "appearance",
    "fonte",
]

_rows: list[dict] = []


def q(type_, name, it=None, en=None, *, hint=None, req=None, relevant=None,
      constraint=None, cmsg=None, calculation=None, appearance=None, fonte=None):
    """One survey row. `req` is the (it, en) required message and makes the
    question required; `cmsg` is the (it, en) constraint message."""
    if constraint and not cmsg:
        raise xt.ToolError(f"{name}: a constraint needs a constraint message in both languages")
    if (it is None) != (en is None):
        raise xt.ToolError(f"{name}: label needs both languages")
    row = {
        "type": type_,
        "name": name,
        f"label::{IT}": it,
        f"label::{EN}": en,
        "relevant": relevant,
        "constraint": constraint,
        "calculation": calculation,
        "appearance": appearance,
        "fonte": fonte,
    }
    if hint:
        row[f"hint::{IT}"], row[f"hint::{EN}"] = hint
    if req:
        row["required"] = "yes"
        row[f"required_message::{IT}"], row[f"required_message::{EN}"] = req
    if cmsg:
        row[f"constraint_message::{IT}"], row[f"constraint_message::{EN}"] = cmsg
    _rows.append(row)


def end(type_, name):
    """Close a group or repeat; the name is for readers (pyxform ignores it)."""
    _rows.append({"type": type_, "name": name})


MULTI = ("È possibile indicare più risposte.", "More than one answer may be selected.")
SERVIZI_CONSTRAINT = "not(selected(., 'nessuno') and count-selected(.) > 1)"
SERVIZI_MSG = (
    "«Nessun servizio» non può essere indicato insieme ad altri servizi.",
    "\"No services\" cannot be selected together with other services.",
)


def build_survey() -> None:
    q("start", "start")
    q("end", "end")

    # ---------------------------------------------------------------- Sezione A
    q("begin_group", "sez_a",
      "Sezione A - Informazioni sul Comune e sul Rispondente",
      "Section A - Information on the Municipality and the Respondent",
      appearance="field-list", fonte="R S1")
    q("note", "avvertenza",
      "Attenzione! Per le domande contrassegnate dall'asterisco \"*\" è obbligatorio "
      "fornire una risposta.",
      "Please note: questions marked with an asterisk \"*\" must be answered.",
      fonte="R S1")
    q("text", "A1", "Denominazione Comune:", "Name of the Municipality (Comune):",
      hint=("Ad es. San Severo", "E.g. San Severo"),
      req=("Indicare la denominazione del Comune.", "Please enter the name of the Municipality."),
      fonte="R")
    q("text", "A1a",
      "Codice Catastale del Comune:",
      "Cadastral code (codice catastale) of the Municipality:",
      hint=("4 caratteri, ad es. H501", "4 characters, e.g. H501"),
      req=("Indicare il codice catastale del Comune.",
           "Please enter the cadastral code of the Municipality."),
      constraint="regex(., '^[A-Z][0-9]{3}$')",
      cmsg=("Il codice catastale è composto da una lettera maiuscola e tre cifre, ad es. H501.",
            "The cadastral code is one capital letter followed by three digits, e.g. H501."),
      fonte="R; regex I")
    q("text", "A2", "Nome e Cognome del Referente della compilazione:",
      "Full name of the person completing the questionnaire:",
      req=("Indicare nome e cognome del Referente.",
           "Please enter the full name of the contact person."),
      fonte="R")
    q("select_one ruolo", "A3", "Ruolo del Referente della compilazione:",
      "Role of the person completing the questionnaire:",
      req=("Indicare il ruolo del Referente.", "Please select the role of the contact person."),
      fonte="R")
    q("text", "A3_altro", "Altro (specificare):", "Other (please specify):",
      req=("Specificare il ruolo del Referente.", "Please specify the role of the contact person."),
      relevant="${A3} = '6'", fonte="R option; required I")
    q("text", "A3a", "Indicare di seguito la/le materia/e delegata/e:",
      "Please state the delegated portfolio(s):",
      hint=("Ad es. politiche sociali, agricoltura, immigrazione",
            "E.g. social policies, agriculture, immigration"),
      req=("Indicare la/le materia/e delegata/e all'Assessore.",
           "Please state the portfolio(s) delegated to the councillor."),
      relevant="${A3} = '2'", fonte="R (condition read)")
    q("text", "A3b", "Indicare di seguito settore/area/ufficio di competenza:",
      "Please state your department/area/office:",
      relevant="${A3} = '3'", fonte="R up to «comp…»; relevant I")
    q("text", "A4_tel", "Recapito telefonico del Referente:",
      "Telephone number of the contact person:",
      hint=("Con prefisso, ad es. 0882 123456 oppure +39 333 1234567",
            "Including the area code, e.g. 0882 123456 or +39 333 1234567"),
      constraint=("regex(., '^[+]?[0-9 ]+$') and string-length(translate(., '+ ', '')) >= 6"
                  " and string-length(translate(., '+ ', '')) <= 15"),
      cmsg=("Il numero di telefono può contenere solo cifre, spazi e il prefisso internazionale "
            "«+», e deve avere da 6 a 15 cifre.",
            "The telephone number may contain only digits, spaces and a leading \"+\", "
            "and must have 6 to 15 digits."),
      fonte="I")
    q("text", "A4_email", "E-mail del Referente:", "E-mail address of the contact person:",
      hint=("Ad es. nome.cognome@comune.esempio.it", "E.g. name.surname@comune.esempio.it"),
      constraint="regex(., '^[^@ ]+@[^@ ]+[.][^@ ]+$')",
      cmsg=("L'indirizzo e-mail non è valido: deve avere la forma nome@dominio.it, senza spazi.",
            "The e-mail address is not valid: it must look like name@domain.it, with no spaces."),
      fonte="I")
    end("end_group", "sez_a")

    # ---------------------------------------------------------------- Sezione B
    q("begin_group", "sez_b",
      "Sezione B - Presenza di lavoratori stranieri nel settore agro-alimentare",
      "Section B - Presence of foreign workers in the agri-food sector",
      appearance="field-list", fonte="I")
    q("select_one si_no", "B1",
      "Nel territorio comunale sono presenti lavoratori stranieri (regolari e non in regola "
      "con il titolo di soggiorno) impiegati nel settore agro-alimentare?",
      "Are there foreign workers (with or without a valid residence permit) employed in the "
      "agri-food sector in the municipal area?",
      hint=("Rispondendo «No» il questionario si conclude.",
            "If you answer \"No\", the questionnaire ends here."),
      req=("Indicare se nel Comune sono presenti lavoratori stranieri del settore.",
           "Please state whether foreign agri-food workers are present in the Municipality."),
      fonte="I (target wording R S2; filter implied by the 608 base)")
    q("select_multiple tipo_presenza", "B2", "Tipologia di presenza:", "Type of presence:",
      hint=MULTI,
      req=("Indicare se la presenza è stabile, stagionale o entrambe.",
           "Please state whether the presence is permanent, seasonal or both."),
      relevant="${B1} = '1'", fonte="I (S10 «stabili e/o stagionali»)")
    q("integer", "B3a", "Numero stimato di lavoratori stranieri stabili:",
      "Estimated number of permanently resident foreign workers:",
      hint=("Anche una stima approssimativa.", "A rough estimate is fine."),
      relevant="selected(${B2}, 'stab')", constraint=". >= 0",
      cmsg=("Il numero non può essere negativo.", "The number cannot be negative."),
      fonte="I")
    q("integer", "B3b", "Numero stimato di lavoratori stranieri stagionali:",
      "Estimated number of seasonal foreign workers:",
      hint=("Anche una stima approssimativa; nel periodo di picco indicare il numero massimo.",
            "A rough estimate is fine; give the highest number at peak season."),
      relevant="selected(${B2}, 'stag')", constraint=". >= 0",
      cmsg=("Il numero non può essere negativo.", "The number cannot be negative."),
      fonte="I")
    q("select_multiple mesi", "B4", "Mesi di maggiore presenza dei lavoratori stagionali:",
      "Months when most seasonal workers are present:",
      hint=MULTI, relevant="selected(${B2}, 'stag')", fonte="I («flussi» S7)")
    end("end_group", "sez_b")

    # ---------------------------------------------------------------- Sezione C
    q("begin_group", "sez_c", "Sezione C - Sistemazioni alloggiative",
      "Section C - Housing arrangements",
      relevant="${B1} = '1'", appearance="field-list", fonte="I")
    q("select_multiple sistemazione", "C1",
      "Dove alloggiano i lavoratori stranieri del settore?",
      "Where do the foreign workers of the sector live?",
      hint=("È possibile indicare più risposte. Per le strutture e gli insediamenti informali "
            "verrà chiesta una scheda per ciascuno.",
            "More than one answer may be selected. A separate card will be requested for each "
            "structure and each informal settlement."),
      req=("Indicare almeno una sistemazione alloggiativa.",
           "Please select at least one type of housing."),
      fonte="I; categories from S7/S8")
    end("end_group", "sez_c")

    # ----------------------------------------------------- Sezione D (repeat)
    q("begin_repeat", "strutture",
      "Sezione D - Strutture alloggiative temporanee o stabili attivate da soggetti pubblici "
      "o privati",
      "Section D - Temporary or permanent housing facilities set up by public or private bodies",
      relevant="selected(${C1}, 'strutture')", appearance="field-list", fonte="I")
    q("select_one tipo_struttura", "D1", "Tipologia della struttura:", "Type of facility:",
      req=("Indicare la tipologia della struttura.", "Please select the type of facility."),
      fonte="I; options partly from S8")
    q("text", "D1_altro", "Specificare la tipologia della struttura:",
      "Please specify the type of facility:",
      req=("Specificare la tipologia della struttura.", "Please specify the type of facility."),
      relevant="${D1} = 'altro'", fonte="I (explicit 'altro' instead of or_other)")
    q("select_one soggetto", "D2", "Soggetto che ha attivato la struttura:",
      "Body that set up the facility:",
      req=("Indicare il soggetto che ha attivato la struttura.",
           "Please select the body that set up the facility."),
      fonte="I")
    q("integer", "D3", "Numero di lavoratori ospitati:", "Number of workers housed:",
      hint=("Numero di lavoratori del settore agro-alimentare ospitati al momento della "
            "compilazione.",
            "Number of agri-food workers housed at the time of completing the questionnaire."),
      req=("Indicare il numero di lavoratori ospitati (0 se nessuno).",
           "Please enter the number of workers housed (0 if none)."),
      constraint=". >= 0",
      cmsg=("Il numero non può essere negativo.", "The number cannot be negative."),
      fonte="I (≈7,000 total, S8)")
    q("select_multiple servizi", "D4", "Servizi a disposizione degli ospiti:",
      "Services available to residents:",
      hint=MULTI, constraint=SERVIZI_CONSTRAINT, cmsg=SERVIZI_MSG, fonte="I (S7)")
    end("end_repeat", "strutture")

    # ----------------------------------------------------- Sezione E (repeat)
    q("begin_repeat", "insediamenti",
      "Sezione E - Insediamenti informali o spontanei non autorizzati",
      "Section E - Informal or spontaneous unauthorised settlements",
      relevant="selected(${C1}, 'informali')", appearance="field-list", fonte="I")
    q("text", "E1", "Località/denominazione dell'insediamento:",
      "Location/name of the settlement:",
      hint=("Ad es. il nome con cui l'insediamento è conosciuto, o la località",
            "E.g. the name by which the settlement is known, or the locality"),
      req=("Indicare la località o la denominazione dell'insediamento.",
           "Please enter the location or name of the settlement."),
      fonte="I")
    q("select_multiple tipo_sist", "E2", "Tipologia di sistemazione:", "Type of shelter:",
      hint=MULTI,
      req=("Indicare almeno una tipologia di sistemazione.",
           "Please select at least one type of shelter."),
      fonte="I; options from S7")
    q("integer", "E3", "Numero stimato di persone presenti:",
      "Estimated number of people present:",
      hint=("Anche una stima approssimativa; nel periodo di picco indicare il numero massimo.",
            "A rough estimate is fine; give the highest number at peak season."),
      req=("Indicare il numero stimato di persone presenti.",
           "Please enter the estimated number of people present."),
      constraint=". >= 0 and . <= 20000",
      cmsg=("Indicare un numero compreso tra 0 e 20.000.",
            "Please enter a number between 0 and 20,000."),
      fonte="I (≥10,000 total; the largest, Borgo Mezzanone, ≈4,000)")
    q("select_one carattere", "E4", "Carattere dell'insediamento:",
      "Nature of the settlement:", fonte="I (41.3% stable, S12)")
    q("integer", "E5", "Anno di formazione dell'insediamento:",
      "Year the settlement was formed:",
      hint=("Anno in quattro cifre, ad es. 2015. Lasciare vuoto se non noto.",
            "Four-digit year, e.g. 2015. Leave blank if unknown."),
      constraint=". >= 1950 and . <= 2021",
      cmsg=("Indicare un anno compreso tra il 1950 e il 2021.",
            "Please enter a year between 1950 and 2021."),
      fonte="I (age classes S6/S12)")
    q("calculate", "anni_insediamento",
      calculation="if(${E5} != '', 2021 - ${E5}, '')", fonte="I (age in 2021)")
    q("note", "E5_nota",
      "L'insediamento risulta presente da circa ${anni_insediamento} anni.",
      "The settlement has existed for about ${anni_insediamento} years.",
      relevant="${E5} != ''", fonte="I")
    q("select_multiple servizi", "E6", "Servizi presenti nell'insediamento:",
      "Services available in the settlement:",
      hint=MULTI, constraint=SERVIZI_CONSTRAINT, cmsg=SERVIZI_MSG, fonte="I (S6, S12)")
    q("decimal", "E7", "Distanza dai luoghi di lavoro (km):",
      "Distance from the workplaces (km):",
      hint=("Distanza approssimativa, in chilometri.", "Approximate distance, in kilometres."),
      constraint=". >= 0",
      cmsg=("La distanza non può essere negativa.", "The distance cannot be negative."),
      fonte="I (S6)")
    q("select_one si_no_nd", "E8", "Presenza di trasporto pubblico nelle vicinanze:",
      "Is there public transport nearby?", fonte="I (S6)")
    q("select_one si_no_nd", "E9", "Presenza di fenomeni di caporalato:",
      "Is there evidence of gangmaster exploitation (caporalato)?", fonte="I (S6)")
    q("select_one si_no_nd", "E10", "Presenza di donne, minori o nuclei familiari:",
      "Are there women, minors or families?", fonte="I (S6)")
    end("end_repeat", "insediamenti")

    # ---------------------------------------------------------------- Sezione F
    q("begin_group", "sez_f", "Sezione F - Interventi del Comune",
      "Section F - Measures taken by the Municipality",
      relevant="${B1} = '1'", appearance="field-list", fonte="I")
    q("select_one si_no", "F1",
      "Il Comune ha promosso interventi per l'inserimento abitativo dei lavoratori stranieri "
      "del settore?",
      "Has the Municipality promoted measures for the housing inclusion of the foreign workers "
      "of the sector?", fonte="I (S7)")
    q("text", "F2", "Descrivere gli interventi:", "Please describe the measures:",
      hint=("Ad es. tipologia, soggetti coinvolti, risorse impiegate, numero di persone "
            "raggiunte.",
            "E.g. type, partners involved, resources used, number of people reached."),
      relevant="${F1} = '1'", appearance="multiline", fonte="I")
    end("end_group", "sez_f")

    # ------------------------------------------------------------------ closing
    q("calculate", "n_strutture", calculation="count(${strutture})", fonte="I")
    q("calculate", "tot_ospiti_strutture",
      calculation="sum(${D3})", fonte="I")
    q("calculate", "n_insediamenti", calculation="count(${insediamenti})", fonte="I")
    q("calculate", "tot_persone_insediamenti",
      calculation="sum(${E3})", fonte="I")
    q("note", "riepilogo",
      "Riepilogo: ${n_strutture} strutture alloggiative (${tot_ospiti_strutture} lavoratori "
      "ospitati) e ${n_insediamenti} insediamenti informali (${tot_persone_insediamenti} "
      "persone stimate).",
      "Summary: ${n_strutture} housing facilities (${tot_ospiti_strutture} workers housed) "
      "and ${n_insediamenti} informal settlements (${tot_persone_insediamenti} people "
      "estimated).",
      relevant="${B1} = '1'", fonte="I")
    q("note", "fine",
      "Grazie. Il questionario è concluso.",
      "Thank you. The questionnaire is complete.",
      fonte="I (B1 = 'no' jumps here)")


MONTHS = [
    ("Gennaio", "January"), ("Febbraio", "February"), ("Marzo", "March"),
    ("Aprile", "April"), ("Maggio", "May"), ("Giugno", "June"), ("Luglio", "July"),
    ("Agosto", "August"), ("Settembre", "September"), ("Ottobre", "October"),
    ("Novembre", "November"), ("Dicembre", "December"),
]

CHOICES: list[tuple[str, str, str, str]] = [
    ("ruolo", "1", "Sindaco/Vicesindaco/Commissario Straordinario",
     "Mayor/Deputy Mayor/Extraordinary Commissioner"),
    ("ruolo", "2", "Assessore", "Councillor (Assessore)"),
    ("ruolo", "3", "Dirigente/Responsabile di Settore/Funzionario",
     "Director/Head of Department/Officer"),
    ("ruolo", "4", "Comandante/Agente Polizia Locale", "Chief/Officer of the Local Police"),
    ("ruolo", "5", "Referente Servizi Sociali/Assistente Sociale",
     "Social Services contact/Social worker"),
    ("ruolo", "6", "Altro (specificare)", "Other (please specify)"),
    ("si_no", "1", "Sì", "Yes"),
    ("si_no", "2", "No", "No"),
    ("si_no_nd", "1", "Sì", "Yes"),
    ("si_no_nd", "2", "No", "No"),
    ("si_no_nd", "9", "Non so", "Don't know"),
    ("tipo_presenza", "stab", "Stabili/stanziali", "Permanent/resident"),
    ("tipo_presenza", "stag", "Stagionali", "Seasonal"),
    *[("mesi", f"m{i:02d}", it, en) for i, (it, en) in enumerate(MONTHS, start=1)],
    ("sistemazione", "private", "Abitazioni private", "Private dwellings"),
    ("sistemazione", "strutture",
     "Strutture temporanee o stabili attivate da soggetti pubblici o privati",
     "Temporary or permanent facilities set up by public or private bodies"),
    ("sistemazione", "informali", "Insediamenti informali o spontanei non autorizzati",
     "Informal or spontaneous unauthorised settlements"),
    ("tipo_struttura", "sai", "Appartamenti rete SAI/SIPROIMI/SPRAR",
     "Flats of the SAI/SIPROIMI/SPRAR reception network"),
    ("tipo_struttura", "cas", "Centro di Accoglienza Straordinaria (CAS)",
     "Emergency Reception Centre (CAS)"),
    ("tipo_struttura", "altro", "Altro (foresterie, strutture temporanee, …)",
     "Other (worker hostels, temporary facilities, …)"),
    ("soggetto", "pubbl", "Soggetto pubblico", "Public body"),
    ("soggetto", "priv", "Soggetto privato", "Private body"),
    ("tipo_sist", "casolari", "Casolari occupati", "Occupied farmhouses"),
    ("tipo_sist", "palazzi", "Palazzi occupati", "Occupied buildings"),
    ("tipo_sist", "baracche", "Baracche", "Shacks"),
    ("tipo_sist", "tende", "Tende", "Tents"),
    ("tipo_sist", "roulotte", "Roulotte", "Caravans"),
    ("carattere", "stabile", "Stabile e permanente", "Stable and permanent"),
    ("carattere", "stagionale", "Stagionale", "Seasonal"),
    ("servizi", "acqua", "Acqua", "Water"),
    ("servizi", "elettr", "Elettricità", "Electricity"),
    ("servizi", "igien", "Servizi igienici", "Toilets"),
    ("servizi", "mediaz", "Mediazione culturale", "Cultural mediation"),
    ("servizi", "alfab", "Alfabetizzazione", "Literacy courses"),
    ("servizi", "nessuno", "Nessun servizio", "No services"),
]

SETTINGS = {
    "form_title": TITLE,
    "form_id": "incas_2021",
    "version": "2021-10",
    "default_language": IT,
    "instance_name": "concat(${A1a}, ' - ', ${A1})",
    "style": "pages",
}

WIDTHS = {
    "survey": {"type": 26, "name": 22, f"label::{IT}": 60, f"label::{EN}": 60,
               f"hint::{IT}": 40, f"hint::{EN}": 40, "relevant": 28, "constraint": 40,
               "calculation": 36, "appearance": 12, "fonte": 24},
    "choices": {"list_name": 16, "name": 10, f"label::{IT}": 60, f"label::{EN}": 60},
    "settings": {"form_title": 60, "form_id": 14, "version": 10, "default_language": 16,
                 "instance_name": 30},
}


def sheets() -> dict[str, list[list]]:
    _rows.clear()
    build_survey()
    names = [r["name"] for r in _rows if r.get("name") and not r["type"].startswith("end_")]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise xt.ToolError(f"duplicate names in the survey: {dupes}")
    survey = [SURVEY_COLUMNS] + [[r.get(c) for c in SURVEY_COLUMNS] for r in _rows]
    choices = [["list_name", "name", f"label::{IT}", f"label::{EN}"]] + [
        list(c) for c in CHOICES
    ]
    settings = [list(SETTINGS), list(SETTINGS.values())]
    return {"survey": survey, "choices": choices, "settings": settings}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--xml", type=Path, default=DEFAULT_XML,
                    help=f"where to write pyxform's XForm (default {DEFAULT_XML.relative_to(xt.REPO_ROOT)})")
    ap.add_argument("--no-odk-validate", action="store_true",
                    help="skip ODK Validate (it needs java); pyxform's own checks always run")
    args = ap.parse_args()
    xt.check_versions()

    odk = not args.no_odk_validate
    if odk and not xt.java_available():
        raise xt.ToolError("java not found: install a JRE or pass --no-odk-validate")

    # Build and check in a scratch directory; only a form that passes replaces the output.
    with tempfile.TemporaryDirectory(prefix="incas_form_") as tmp:
        candidate = Path(tmp) / args.out.name
        data = xt.write_xlsx(candidate, sheets(), widths=WIDTHS, bold_header=True,
                             freeze_header=True)
        v = xt.run_pyxform(candidate, odk=odk, pretty=True)
    if not v.valid:
        raise xt.ToolError(f"pyxform rejected {args.out.name}: {v.error}")
    unexpected = [w for w in v.warnings if w not in EXPECTED_WARNINGS]
    if unexpected:
        raise xt.ToolError("unexpected pyxform warnings:\n  " + "\n  ".join(unexpected))
    if odk:
        if not v.odk_valid:
            raise xt.ToolError(f"ODK Validate rejected {args.out.name}:\n{v.odk_message}")
        if v.odk_message:
            raise xt.ToolError(f"unexpected ODK Validate warnings:\n{v.odk_message}")
    # pyxform accepts a default_language that no column uses; check it is really the default.
    tags = re.findall(r"<translation\b[^>]*>", v.xform)
    if not any(f'lang="{IT}"' in t and 'default="true()"' in t for t in tags):
        raise xt.ToolError(f"the XForm does not mark {IT!r} as the default translation")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out}")
    args.xml.parent.mkdir(parents=True, exist_ok=True)
    args.xml.write_text(v.xform, encoding="utf-8")
    checks = "pyxform " + xt.PYXFORM_VERSION + (f" + ODK Validate {xt.ODK_VALIDATE_VERSION}" if odk else "")
    print(f"ok: {checks}, no errors or warnings; XForm written to {args.xml}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
