//! Tables uploaded by people: CSV (comma or semicolon, UTF-8 or Windows-1252, as Excel saves it
//! in Italy) and spreadsheets (XLSX, XLS, ODS; the first sheet). Everything becomes text, with
//! the row number the user sees in their program, so reports can point at the right line.

use crate::territory::istat;
use std::io::Cursor;

/// A table with a header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    /// (row number as shown by the spreadsheet program, cells); empty rows are skipped.
    pub rows: Vec<(usize, Vec<String>)>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SheetError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not a CSV, XLSX, XLS or ODS table: {0}")]
    Format(String),
    #[error("CSV row {row}: {message}")]
    Csv { row: usize, message: String },
    #[error("the table has {0} rows; at most {1} are accepted")]
    TooManyRows(usize, usize),
    #[error("the table has {0} columns; at most {1} are accepted")]
    TooManyColumns(usize, usize),
}

/// Rows accepted in one upload.
pub const MAX_ROWS: usize = 20_000;

/// Normalises a header: lower case, accents and punctuation folded, single spaces
/// ("Telefono " → "telefono", "Città" → "citta", "E-mail" → "e mail").
pub fn header_key(h: &str) -> String {
    crate::territory::search::normalise(h)
}

impl Table {
    /// Index of the first column whose normalised header is one of `names`.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers.iter().position(|h| names.contains(&header_key(h).as_str()))
    }

    /// The cell at `col` of a row, trimmed ("" when the row is short or the column is absent).
    pub fn cell(cells: &[String], col: Option<usize>) -> &str {
        col.and_then(|c| cells.get(c)).map_or("", |s| s.trim())
    }
}

/// Whether the bytes are a workbook (XLSX, ODS: ZIP; XLS: OLE) rather than CSV text.
pub(crate) fn looks_like_zip_or_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Reads a table; the format is taken from the content (a spreadsheet is a ZIP or OLE file),
/// not from the file name.
pub fn read(bytes: &[u8]) -> Result<Table, SheetError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SheetError::Empty);
    }
    let table = if looks_like_zip_or_ole(bytes) { read_workbook(bytes)? } else { read_csv(bytes)? };
    if table.headers.iter().all(|h| h.trim().is_empty()) {
        return Err(SheetError::Empty);
    }
    if table.rows.len() > MAX_ROWS {
        return Err(SheetError::TooManyRows(table.rows.len(), MAX_ROWS));
    }
    Ok(table)
}

fn read_csv(bytes: &[u8]) -> Result<Table, SheetError> {
    let text = istat::decode(bytes);
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers = match records.next() {
        Some(Ok(r)) => r.iter().map(|s| s.trim().to_owned()).collect(),
        Some(Err(e)) => return Err(SheetError::Csv { row: 1, message: e.to_string() }),
        None => return Err(SheetError::Empty),
    };
    let mut rows = Vec::new();
    let mut lines = LineCounter::new(text.as_bytes());
    for rec in records {
        let rec = rec.map_err(|e| SheetError::Csv {
            row: e.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0)),
            message: e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| lines.line_at(usize::try_from(p.byte()).unwrap_or(usize::MAX)));
        let cells: Vec<String> = rec.iter().map(str::to_owned).collect();
        if cells.iter().any(|c| !c.trim().is_empty()) {
            rows.push((line, cells));
        }
    }
    Ok(Table { headers, rows })
}

/// The line (1-based, as a text editor or spreadsheet program shows it) where a CSV record
/// starts. The reader's own line counter starts a record at the line terminator or blank lines
/// before it (so with Windows line endings every row was one line early); this skips them.
/// Lines end with `\n`, `\r\n` or a lone `\r` (old Mac files).
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> Self {
        Self { text, offset: 0, line: 1 }
    }

    /// Whether the byte at `i` ends a line.
    fn ends_line(&self, i: usize) -> bool {
        match self.text.get(i) {
            Some(b'\n') => true,
            Some(b'\r') => self.text.get(i + 1) != Some(&b'\n'),
            _ => false,
        }
    }

    /// The line of the first byte at or after `byte` that is not a line terminator. Offsets
    /// must not decrease from one call to the next.
    fn line_at(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if byte > self.offset {
            self.line += (self.offset..byte).filter(|&i| self.ends_line(i)).count();
            self.offset = byte;
        }
        let mut line = self.line;
        let mut i = self.offset;
        while let Some(b'\n' | b'\r') = self.text.get(i) {
            line += usize::from(self.ends_line(i));
            i += 1;
        }
        line
    }
}

/// Excel's serial day number → ISO date (1900 date system; serial 1 = 1900-01-01, with Excel's
/// fictitious 29 Feb 1900 only affecting serials below 61).
fn excel_date(serial: f64) -> Option<String> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Julian day of 1899-12-30 is 2415019.
    #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
    let days = serial.floor() as i32;
    // Serials 1–59 are before Excel's fictitious 29 Feb 1900, so one day later than the count.
    let days = if days < 60 { days + 1 } else { days };
    let d = time::Date::from_julian_day(2_415_019 + days).ok()?;
    Some(format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
}

fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Whole numbers (a phone number, a code typed as a number) without ".0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => excel_date(dt.as_f64()).unwrap_or_else(|| dt.as_f64().to_string()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn read_workbook(bytes: &[u8]) -> Result<Table, SheetError> {
    use calamine::Reader;
    let mut book =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| SheetError::Format(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| SheetError::Format("the workbook has no sheet".into()))?
        .map_err(|e| SheetError::Format(e.to_string()))?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut iter = range.rows();
    let headers = iter.next().ok_or(SheetError::Empty)?.iter().map(|c| cell_text(c).trim().to_owned()).collect();
    let mut rows = Vec::new();
    for (i, r) in iter.enumerate() {
        let cells: Vec<String> = r.iter().map(cell_text).collect();
        if cells.iter().any(|c| !c.trim().is_empty()) {
            // Header is on sheet row first_row + 1 (1-based); data rows follow.
            rows.push((usize::try_from(first_row).unwrap_or(0) + i + 2, cells));
        }
    }
    Ok(Table { headers, rows })
}

/// Rows (blank ones included) read from one sheet by [`read_workbook_sheets`].
pub const MAX_SHEET_ROWS: usize = 50_000;
/// Columns read from one sheet by [`read_workbook_sheets`].
pub const MAX_SHEET_COLUMNS: usize = 1_000;
/// Cells (blank padding included) kept from one workbook by [`read_workbook_sheets`].
const MAX_WORKBOOK_CELLS: usize = 5_000_000;

/// One sheet as a grid of text from cell A1: `grid[r][c]` is the cell on spreadsheet row `r + 1`
/// and column `c + 1` (rows end at their last non-empty cell; trailing empty rows are dropped).
pub type SheetGrid = Vec<Vec<String>>;

/// Reads every sheet of a workbook (XLSX, XLS, ODS), in workbook order, as text grids anchored
/// at A1 (so the row index + 1 is the row number the user sees). Cells become text as in
/// [`read`]. XLSX is read cell by cell, so a file that places one cell far away (row 1,000,000)
/// is refused instead of allocating the whole range; past [`MAX_SHEET_ROWS`] rows,
/// [`MAX_SHEET_COLUMNS`] columns or a few million cells in all, the file is refused.
pub fn read_workbook_sheets(bytes: &[u8]) -> Result<Vec<(String, SheetGrid)>, SheetError> {
    use calamine::Reader;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SheetError::Empty);
    }
    if !looks_like_zip_or_ole(bytes) {
        return Err(SheetError::Format("not an XLSX, XLS or ODS workbook".into()));
    }
    let mut budget = MAX_WORKBOOK_CELLS;
    if bytes.starts_with(b"PK\x03\x04")
        && let Ok(mut xlsx) = calamine::Xlsx::new(Cursor::new(bytes))
    {
        let mut out = Vec::new();
        for name in xlsx.sheet_names() {
            let mut reader = xlsx.worksheet_cells_reader(&name).map_err(|e| SheetError::Format(e.to_string()))?;
            let mut grid = SheetGrid::new();
            while let Some(cell) = reader.next_cell().map_err(|e| SheetError::Format(e.to_string()))? {
                let (r, c) = cell.get_position();
                let text = workbook_cell_text(&calamine::Data::from(cell.get_value().clone()));
                put_cell(
                    &mut grid,
                    &mut budget,
                    usize::try_from(r).unwrap_or(usize::MAX),
                    usize::try_from(c).unwrap_or(usize::MAX),
                    text,
                )?;
            }
            out.push((name, grid));
        }
        return Ok(out);
    }
    let mut book =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| SheetError::Format(e.to_string()))?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| SheetError::Format(e.to_string()))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut grid = SheetGrid::new();
        for (i, row) in range.rows().enumerate() {
            for (j, c) in row.iter().enumerate() {
                let r = usize::try_from(r0).unwrap_or(usize::MAX).saturating_add(i);
                let col = usize::try_from(c0).unwrap_or(usize::MAX).saturating_add(j);
                put_cell(&mut grid, &mut budget, r, col, workbook_cell_text(c))?;
            }
        }
        out.push((name, grid));
    }
    Ok(out)
}

/// A cell as [`read_workbook_sheets`] gives it: as [`read`] does, except booleans, which are
/// `TRUE`/`FALSE` as the spreadsheet shows them (and as pyxform reads them).
fn workbook_cell_text(c: &calamine::Data) -> String {
    match c {
        calamine::Data::Bool(true) => "TRUE".to_owned(),
        calamine::Data::Bool(false) => "FALSE".to_owned(),
        _ => cell_text(c),
    }
}

fn put_cell(grid: &mut SheetGrid, budget: &mut usize, r: usize, c: usize, text: String) -> Result<(), SheetError> {
    if text.trim().is_empty() {
        return Ok(());
    }
    if r >= MAX_SHEET_ROWS {
        return Err(SheetError::TooManyRows(r.saturating_add(1), MAX_SHEET_ROWS));
    }
    if c >= MAX_SHEET_COLUMNS {
        return Err(SheetError::TooManyColumns(c.saturating_add(1), MAX_SHEET_COLUMNS));
    }
    let new_rows = (r + 1).saturating_sub(grid.len());
    let row_len = grid.get(r).map_or(0, Vec::len);
    let new_cells = new_rows + (c + 1).saturating_sub(row_len);
    if new_cells > *budget {
        return Err(SheetError::Format("the workbook has too many cells".into()));
    }
    *budget -= new_cells;
    if grid.len() <= r {
        grid.resize_with(r + 1, Vec::new);
    }
    let row = &mut grid[r];
    if row.len() <= c {
        row.resize(c + 1, String::new());
    }
    row[c] = text;
    Ok(())
}

/// Neutralises a cell that a spreadsheet program would run as a formula (CSV/XLSX injection):
/// text starting with `= + - @` or a tab/CR gets a leading apostrophe.
pub fn safe_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_semicolons_bom_and_cp1252() {
        let mut bytes = b"\xEF\xBB\xBFNome;Tipo;Citt\xC3\xA0\n".to_vec();
        bytes.extend_from_slice("Caritas; terzo_settore ;Mantova\n;;\n\"A; B\";comune;X\n".as_bytes());
        let t = read(&bytes).unwrap();
        assert_eq!(t.headers, ["Nome", "Tipo", "Città"]);
        assert_eq!(t.rows.len(), 2, "the empty row is skipped");
        assert_eq!(t.rows[0].0, 2);
        assert_eq!(t.rows[1], (4, vec!["A; B".into(), "comune".into(), "X".into()]));
        assert_eq!(t.column(&["citta"]), Some(2));
        assert_eq!(Table::cell(&t.rows[0].1, Some(1)), "terzo_settore");

        let latin = b"nome,indirizzo\nComune di Forl\xEC,via \xABRoma\xBB 1\n";
        let t = read(latin).unwrap();
        assert_eq!(t.rows[0].1, ["Comune di Forlì", "via «Roma» 1"]);
    }

    #[test]
    fn csv_rows_keep_their_line_numbers_with_any_line_ending() {
        for text in ["a;b\r\n1;2\r\n\r\n3;4\r\n", "a;b\n1;2\n\n3;4\n", "a;b\r1;2\r\r3;4", "a;b\n1;\"x\ny\"\n\n3;4"] {
            let t = read(text.as_bytes()).unwrap();
            let lines: Vec<usize> = t.rows.iter().map(|(l, _)| *l).collect();
            let expected = if text.contains('"') { [2, 5] } else { [2, 4] };
            assert_eq!(lines, expected, "{text:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_table() {
        assert_eq!(read(b"  \n"), Err(SheetError::Empty));
        assert!(matches!(read(b"PK\x03\x04garbage"), Err(SheetError::Format(_))));
    }

    #[test]
    fn xlsx_cells_become_text() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "Nome").unwrap();
        ws.write_string(0, 1, "Telefono").unwrap();
        ws.write_string(0, 2, "Firmato il").unwrap();
        ws.write_string(1, 0, "Prefettura di Mantova").unwrap();
        ws.write_number(1, 1, 376_123_456.0).unwrap();
        let date = ExcelDateTime::from_ymd(2024, 5, 17).unwrap();
        ws.write_datetime_with_format(1, 2, &date, &Format::new().set_num_format("dd/mm/yyyy")).unwrap();
        ws.write_string(3, 0, "Riga dopo una vuota").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let t = read(&bytes).unwrap();
        assert_eq!(t.headers, ["Nome", "Telefono", "Firmato il"]);
        assert_eq!(t.rows[0], (2, vec!["Prefettura di Mantova".into(), "376123456".into(), "2024-05-17".into()]));
        assert_eq!(t.rows[1].0, 4);
    }

    #[test]
    fn excel_dates_around_1900() {
        assert_eq!(excel_date(1.0).as_deref(), Some("1900-01-01"));
        assert_eq!(excel_date(59.0).as_deref(), Some("1900-02-28"));
        assert_eq!(excel_date(61.0).as_deref(), Some("1900-03-01"));
        assert_eq!(excel_date(45_429.0).as_deref(), Some("2024-05-17"));
    }

    #[test]
    fn formula_injection_is_neutralised() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("+39 0376"), "'+39 0376");
        assert_eq!(safe_cell("Mantova"), "Mantova");
    }

    #[test]
    fn all_sheets_from_a1_and_far_cells_refused() {
        use rust_xlsxwriter::Workbook;
        let mut wb = Workbook::new();
        let a = wb.add_worksheet().set_name("survey").unwrap();
        a.write_string(2, 1, "B3").unwrap();
        a.write_number(3, 0, 7.0).unwrap();
        a.write_string(4, 0, "   ").unwrap();
        wb.add_worksheet().set_name("Choices").unwrap().write_string(0, 0, "list_name").unwrap();
        wb.add_worksheet().set_name("empty").unwrap();
        let sheets = read_workbook_sheets(&wb.save_to_buffer().unwrap()).unwrap();
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["survey", "Choices", "empty"]);
        assert_eq!(sheets[0].1, vec![vec![], vec![], vec![String::new(), "B3".into()], vec!["7".into()]]);
        assert_eq!(sheets[1].1, vec![vec!["list_name".to_owned()]]);
        assert!(sheets[2].1.is_empty());

        let mut wb = Workbook::new();
        wb.add_worksheet().write_string(1_000_000, 0, "far").unwrap();
        assert_eq!(
            read_workbook_sheets(&wb.save_to_buffer().unwrap()),
            Err(SheetError::TooManyRows(1_000_001, MAX_SHEET_ROWS))
        );
        let mut wb = Workbook::new();
        wb.add_worksheet().write_string(0, 5_000, "wide").unwrap();
        assert_eq!(
            read_workbook_sheets(&wb.save_to_buffer().unwrap()),
            Err(SheetError::TooManyColumns(5_001, MAX_SHEET_COLUMNS))
        );
        assert!(matches!(read_workbook_sheets(b"a,b\n"), Err(SheetError::Format(_))));
    }
}
