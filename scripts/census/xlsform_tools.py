"""Shared helpers for the census scripts: pinned versions, a deterministic .xlsx
writer, and a wrapper that runs pyxform (and optionally ODK Validate) on one file.

Imported by build_incas_form.py and build_corpus.py; not a script of its own.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import shutil
import sys
import warnings as _warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# Versions the committed outputs were produced with (see requirements.txt).
PYXFORM_VERSION = "4.5.0"
OPENPYXL_VERSION = "3.1.5"
# ODK Validate is the jar that ships inside the pyxform wheel; its version is in
# pyxform/validators/odk_validate/bin/installed.json.
ODK_VALIDATE_VERSION = "v1.20.0"

# Every workbook gets the same document properties and zip timestamps, so that a
# rerun produces byte-identical files.
FIXED_DATETIME = _dt.datetime(2021, 10, 1, 0, 0, 0)
FIXED_ZIP_DATE = (2021, 10, 1, 0, 0, 0)
CREATOR = "argine scripts/census"

REPO_ROOT = Path(__file__).resolve().parents[2]


class ToolError(SystemExit):
    """Fatal error: print the message and exit non-zero."""

    def __init__(self, msg: str):
        super().__init__(f"error: {msg}")


def check_versions() -> None:
    """Refuse to run with other pyxform/openpyxl versions than the pinned ones."""
    try:
        import openpyxl
        import pyxform
    except ImportError as e:  # pragma: no cover - environment problem
        raise ToolError(
            f"{e}. Install the pinned tools first: scripts/census/run.sh does it, or "
            "pip install --require-hashes -r scripts/census/requirements.txt"
        ) from e
    found = {"pyxform": pyxform.__version__, "openpyxl": openpyxl.__version__}
    want = {"pyxform": PYXFORM_VERSION, "openpyxl": OPENPYXL_VERSION}
    if found != want:
        raise ToolError(
            f"version mismatch: found {found}, pinned {want}. The committed outputs "
            "depend on these versions; update requirements.txt, xlsform_tools.py and "
            "the README together if you mean to move."
        )
    installed = Path(pyxform.__file__).parent / "validators" / "odk_validate" / "bin" / "installed.json"
    try:
        import json

        odk_tag = json.loads(installed.read_text(encoding="utf-8")).get("tag_name")
    except (OSError, ValueError) as e:
        raise ToolError(f"cannot read the bundled ODK Validate version from {installed}: {e}") from e
    if odk_tag != ODK_VALIDATE_VERSION:
        raise ToolError(f"bundled ODK Validate is {odk_tag}, pinned {ODK_VALIDATE_VERSION}")
    # openpyxl warns about Excel extensions it drops when *reading* third-party
    # files (the pyxform examples); that is noise, not a finding.
    _warnings.filterwarnings(
        "ignore", message="Unknown extension is not supported", category=UserWarning
    )
    _warnings.filterwarnings(
        "ignore", message="Data Validation extension is not supported", category=UserWarning
    )


def java_available() -> bool:
    return shutil.which("java") is not None


# --------------------------------------------------------------------------- xlsx


def write_xlsx(
    path: Path,
    sheets: dict[str, list[list]],
    *,
    widths: dict[str, dict[str, float]] | None = None,
    bold_header: bool = False,
    freeze_header: bool = False,
) -> bytes:
    """Write `sheets` (sheet name -> rows, first row = header) to `path`.

    Cells that are None are left empty. The output is deterministic: fixed
    document properties and fixed zip entry timestamps. Returns the bytes written.
    """
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        if rows and bold_header:
            for cell in ws[1]:
                cell.font = Font(bold=True)
        if rows and freeze_header:
            ws.freeze_panes = "A2"
        if widths and name in widths and rows:
            for idx, header in enumerate(rows[0], start=1):
                w = widths[name].get(header) if header is not None else None
                if w is not None:
                    ws.column_dimensions[get_column_letter(idx)].width = w

    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.created = FIXED_DATETIME
    props.modified = FIXED_DATETIME

    buf = io.BytesIO()
    wb.save(buf)  # save_workbook() stamps properties.modified with "now": fixed below
    data = _normalise_zip(buf.getvalue())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return data


_MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _normalise_zip(data: bytes) -> bytes:
    fixed = FIXED_DATETIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
        out, "w", compression=zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content, n = _MODIFIED_RE.subn(rb"\g<1>" + fixed + rb"\g<2>", content)
                if n != 1:
                    raise ToolError("docProps/core.xml: could not pin dcterms:modified")
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 0
            zi.external_attr = 0
            dst.writestr(zi, content, compresslevel=6)
    return out.getvalue()


# ------------------------------------------------------------------------ pyxform


@dataclass
class Verdict:
    valid: bool
    error: str = ""
    error_class: str = ""
    warnings: list[str] = field(default_factory=list)
    xform: str | None = None
    # ODK Validate (JavaRosa), only run when pyxform accepted the form
    odk_valid: bool | None = None
    odk_message: str = ""


_TMP_RE = re.compile(r"\$\{tmp[A-Za-z0-9_]+\}")
_HASH_RE = re.compile(r"@[0-9a-f]{5,}\b")


def _clean(msg: str, path: Path) -> str:
    """Remove run-dependent details (paths, temp file names, Java object hashes)."""
    msg = msg.replace(str(path.resolve()), path.name).replace(str(path), path.name)
    msg = _TMP_RE.sub("${<xform>}", msg)
    msg = _HASH_RE.sub("@<hash>", msg)
    lines = [ln.rstrip() for ln in msg.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    for ln in lines:
        if ln == "" and (not out or out[-1] == ""):
            continue
        out.append(ln)
    return "\n".join(out).strip()


def run_pyxform(path: Path, *, odk: bool = False, pretty: bool = False) -> Verdict:
    """Convert one XLSForm with pyxform's own checks; with odk=True and a pyxform
    success, also run the ODK Validate jar bundled with pyxform."""
    from pyxform.errors import PyXFormError
    from pyxform.validators.odk_validate import ODKValidateError
    from pyxform.xls2xform import convert

    warns: list[str] = []
    try:
        result = convert(xlsform=str(path), warnings=warns, validate=False, pretty_print=pretty)
    except PyXFormError as e:
        return Verdict(valid=False, error=_clean(str(e), path), error_class=type(e).__name__,
                       warnings=[_clean(w, path) for w in warns])
    except Exception as e:  # a pyxform crash is a verdict too, but say what it was
        return Verdict(valid=False, error=_clean(f"{type(e).__name__}: {e}", path),
                       error_class=type(e).__name__, warnings=[_clean(w, path) for w in warns])
    v = Verdict(valid=True, warnings=[_clean(w, path) for w in warns], xform=result.xform)
    if odk:
        if not java_available():
            raise ToolError("ODK Validate needs 'java' on PATH (apt-get install default-jre-headless)")
        warns2: list[str] = []
        try:
            convert(xlsform=str(path), warnings=warns2, validate=True)
            v.odk_valid = True
            extra = [w for w in warns2 if w not in warns]
            v.odk_message = _clean("\n".join(extra), path)
        except ODKValidateError as e:
            v.odk_valid = False
            v.odk_message = _clean(str(e), path)
    return v


def eprint(*a) -> None:
    print(*a, file=sys.stderr)
