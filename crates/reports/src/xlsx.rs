//! Spreadsheets: sheets of text → an `.xlsx` file, in memory ([`write_workbook`], for
//! XLSForm questionnaires) or row by row with bounded memory ([`StreamingWorkbook`], for the
//! census exports).

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    /// A cell, sheet name or size that Excel does not accept (e.g. a text over 32,767
    /// characters, a sheet name over 31 characters or with `[]:*?/\`).
    #[error("sheet '{sheet}': {message}")]
    Invalid { sheet: String, message: String },
    /// The temporary files of a streamed workbook, or its output, could not be written.
    #[error("writing the workbook: {0}")]
    Write(String),
}

/// Widest column, in characters.
const MAX_WIDTH: usize = 60;
/// Narrowest column, in characters.
const MIN_WIDTH: usize = 8;

/// Writes `sheets` (name, rows; the first row is the header) as an `.xlsx` workbook: the
/// header in bold and frozen, columns as wide as their content (within 8–60 characters).
/// Every cell is written as text, so `=SUM(A1)`, `0012` or `1e3` stay what they are (no
/// formula, no number). Empty cells are left out.
pub fn write_workbook(sheets: &[(String, Vec<Vec<String>>)]) -> Result<Vec<u8>, XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let invalid = |sheet: &str| {
        let sheet = sheet.to_owned();
        move |e: rust_xlsxwriter::XlsxError| XlsxError::Invalid { sheet: sheet.clone(), message: e.to_string() }
    };
    let bold = Format::new().set_bold();
    let mut workbook = Workbook::new();
    for (name, rows) in sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(name.as_str()).map_err(invalid(name))?;
        let mut widths: Vec<usize> = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r)
                .map_err(|_| XlsxError::Invalid { sheet: name.clone(), message: "too many rows".into() })?;
            for (c, text) in row.iter().enumerate() {
                if text.is_empty() {
                    continue;
                }
                let col = u16::try_from(c)
                    .map_err(|_| XlsxError::Invalid { sheet: name.clone(), message: "too many columns".into() })?;
                if r == 0 {
                    ws.write_string_with_format(r, col, text, &bold).map_err(invalid(name))?;
                } else {
                    ws.write_string(r, col, text).map_err(invalid(name))?;
                }
                let width = text_width(text);
                if widths.len() <= c {
                    widths.resize(c + 1, 0);
                }
                widths[c] = widths[c].max(width);
            }
        }
        for (c, w) in widths.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            ws.set_column_width(col, column_width(*w)).map_err(invalid(name))?;
        }
        if !rows.is_empty() {
            ws.set_freeze_panes(1, 0).map_err(invalid(name))?;
        }
    }
    workbook.save_to_buffer().map_err(invalid("workbook"))
}

/// The display width of a cell: its longest line, in characters.
fn text_width(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

fn column_width(chars: usize) -> f64 {
    (chars + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64
}

/// One sheet of a [`StreamingWorkbook`]: rows written so far and the widest cell per column.
struct StreamedSheet {
    name: String,
    rows: u32,
    widths: Vec<usize>,
}

/// An `.xlsx` workbook written row by row, with the look of [`write_workbook`] (header in
/// bold and frozen, columns as wide as their content within 8–60 characters, every cell
/// text, empty cells left out) and memory that does not depend on the number of rows:
/// rust_xlsxwriter's constant-memory mode keeps one row per sheet in memory and writes the
/// others to an anonymous temporary file per sheet (in `tempdir`), strings inline in the
/// cells rather than in a shared-string table. Rows of different sheets may interleave; the
/// first row of each sheet is its header.
pub struct StreamingWorkbook {
    workbook: rust_xlsxwriter::Workbook,
    sheets: Vec<StreamedSheet>,
    bold: rust_xlsxwriter::Format,
}

impl StreamingWorkbook {
    /// A workbook with these sheets, in order; temporary files go to `tempdir`.
    ///
    /// # Errors
    /// A sheet name Excel refuses, or a temporary directory that cannot be written.
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>, tempdir: &std::path::Path) -> Result<Self, XlsxError> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook.set_tempdir(tempdir).map_err(|e| XlsxError::Write(e.to_string()))?;
        let mut sheets = Vec::new();
        for name in names {
            let ws = workbook.add_worksheet_with_constant_memory().map_err(|e| XlsxError::Write(e.to_string()))?;
            ws.set_name(name).map_err(|e| XlsxError::Invalid { sheet: name.to_owned(), message: e.to_string() })?;
            sheets.push(StreamedSheet { name: name.to_owned(), rows: 0, widths: Vec::new() });
        }
        Ok(Self { workbook, sheets, bold: rust_xlsxwriter::Format::new().set_bold() })
    }

    /// Appends a row to sheet `sheet` (the first row of a sheet is its header).
    ///
    /// # Errors
    /// No such sheet, too many rows or columns, or a cell Excel refuses (over 32,767
    /// characters).
    pub fn row(&mut self, sheet: usize, cells: &[String]) -> Result<(), XlsxError> {
        let Some(state) = self.sheets.get_mut(sheet) else {
            return Err(XlsxError::Invalid { sheet: sheet.to_string(), message: "no such sheet".into() });
        };
        let invalid = |message: String| XlsxError::Invalid { sheet: state.name.clone(), message };
        let ws = self.workbook.worksheet_from_index(sheet).map_err(|e| invalid(e.to_string()))?;
        let r = state.rows;
        if state.widths.len() < cells.len() {
            state.widths.resize(cells.len(), 0);
        }
        for (c, text) in cells.iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            let col = u16::try_from(c).map_err(|_| invalid("too many columns".into()))?;
            let written = if r == 0 {
                ws.write_string_with_format(r, col, text.as_str(), &self.bold)
            } else {
                ws.write_string(r, col, text.as_str())
            };
            written.map_err(|e| invalid(e.to_string()))?;
            state.widths[c] = state.widths[c].max(text_width(text));
        }
        state.rows = r.checked_add(1).ok_or_else(|| invalid("too many rows".into()))?;
        Ok(())
    }

    /// Rows written to sheet `sheet` so far (header included).
    pub fn rows(&self, sheet: usize) -> u32 {
        self.sheets.get(sheet).map_or(0, |s| s.rows)
    }

    /// Sets the column widths, freezes the headers and writes the workbook to `out`.
    ///
    /// # Errors
    /// When the output or the temporary files cannot be written or read.
    pub fn finish<W: std::io::Write + Send>(mut self, out: W) -> Result<(), XlsxError> {
        for (n, state) in self.sheets.iter().enumerate() {
            let invalid = |e: rust_xlsxwriter::XlsxError| XlsxError::Invalid {
                sheet: state.name.clone(),
                message: e.to_string(),
            };
            let ws = self.workbook.worksheet_from_index(n).map_err(invalid)?;
            for (c, w) in state.widths.iter().enumerate() {
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                ws.set_column_width(col, column_width(*w)).map_err(invalid)?;
            }
            if state.rows > 0 {
                ws.set_freeze_panes(1, 0).map_err(invalid)?;
            }
        }
        self.workbook.save_to_writer(out).map_err(|e| XlsxError::Write(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(name: &str, rows: &[&[&str]]) -> (String, Vec<Vec<String>>) {
        (name.to_owned(), rows.iter().map(|r| r.iter().map(|c| (*c).to_owned()).collect()).collect())
    }

    #[test]
    fn cells_stay_text_and_header_is_bold_and_frozen() {
        let bytes = write_workbook(&[
            sheet(
                "survey",
                &[&["type", "name", "calculation"], &["calculate", "x", "=SUM(A1)"], &[], &["integer", "0012", "1e3"]],
            ),
            sheet("choices", &[&["list_name", "name"]]),
        ])
        .unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let text = unzip_text(&bytes);
        assert!(text.contains("=SUM(A1)"), "the formula text is a shared string");
        assert!(!text.contains("<f>"), "no cell is a formula");
        assert!(text.contains("0012") && text.contains("1e3"));
        assert!(text.contains("<pane ySplit=\"1\""), "the header is frozen");
        assert!(text.contains("<b/>"), "a bold format exists");
        // "calculation" is 11 characters: width 13; "calculate"/"integer"… stay at the minimum of 8.
        assert!(text.contains("<col min=\"3\" max=\"3\" width=\"13.7109375\""), "column widths follow content");
        assert!(text.contains("<col min=\"2\" max=\"2\" width=\"8.7109375\""));
        assert!(text.contains("name=\"choices\""));
    }

    #[test]
    fn invalid_sheet_names_and_cells_are_errors() {
        assert!(write_workbook(&[sheet("a/b", &[&["x"]])]).is_err());
        let long = "x".repeat(40_000);
        assert!(write_workbook(&[sheet("s", &[&[long.as_str()]])]).is_err());
    }

    #[test]
    fn a_streamed_workbook_reads_back_as_the_in_memory_one() {
        let sheets = [
            sheet(
                "risposte",
                &[&["comune_istat", "comune", "A1"], &["071029", "Manfredonia", "'=SUM(A1)"], &["071051", "", "0012"]],
            ),
            sheet("insediamenti", &[&["comune_istat", "insediamenti_n", "E1"], &["071029", "1", "Borgo\nMezzanone"]]),
            sheet("vuoto", &[&["comune_istat"]]),
        ];
        let dir = tempfile::tempdir().unwrap();
        let mut w = StreamingWorkbook::new(sheets.iter().map(|(n, _)| n.as_str()), dir.path()).unwrap();
        // Interleaved: headers first, then a row of each sheet in turn.
        for (n, (_, rows)) in sheets.iter().enumerate() {
            w.row(n, &rows[0]).unwrap();
        }
        w.row(0, &sheets[0].1[1]).unwrap();
        w.row(1, &sheets[1].1[1]).unwrap();
        w.row(0, &sheets[0].1[2]).unwrap();
        assert_eq!((w.rows(0), w.rows(1), w.rows(2)), (3, 2, 1));
        let mut streamed = Vec::new();
        w.finish(&mut streamed).unwrap();
        let in_memory = write_workbook(&sheets).unwrap();
        let read = |b: &[u8]| argine_domain::sheet::read_workbook_sheets(b).unwrap();
        assert_eq!(read(&streamed), read(&in_memory), "same sheets, same cells");
        let text = unzip_text(&streamed);
        assert!(!text.contains("<f>") && text.contains("inlineStr"), "text cells, inline");
        assert!(text.contains("<pane ySplit=\"1\"") && text.contains("<b/>"));
        let cols = |t: &str| {
            t.split("<col ").skip(1).map(|c| c.split('/').next().unwrap_or("").to_owned()).collect::<Vec<_>>()
        };
        assert_eq!(cols(&text), cols(&unzip_text(&in_memory)), "the same column widths");
        assert!(StreamingWorkbook::new(["a/b"], dir.path()).is_err());
        let mut w = StreamingWorkbook::new(["s"], dir.path()).unwrap();
        assert!(w.row(0, &["x".repeat(40_000)]).is_err());
        assert!(w.row(1, &[]).is_err(), "no such sheet");
    }

    /// The XML parts of the zip, inflated and concatenated (enough to look for markup).
    fn unzip_text(bytes: &[u8]) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = String::new();
        for i in 0..zip.len() {
            zip.by_index(i).unwrap().read_to_string(&mut out).unwrap();
        }
        out
    }
}
