//! Spreadsheets: sheets of text → an `.xlsx` file (used to export XLSForm questionnaires).

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    /// A cell, sheet name or size that Excel does not accept (e.g. a text over 32,767
    /// characters, a sheet name over 31 characters or with `[]:*?/\`).
    #[error("sheet '{sheet}': {message}")]
    Invalid { sheet: String, message: String },
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
                let width = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
                if widths.len() <= c {
                    widths.resize(c + 1, 0);
                }
                widths[c] = widths[c].max(width);
            }
        }
        for (c, w) in widths.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            let width = (w + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64;
            ws.set_column_width(col, width).map_err(invalid(name))?;
        }
        if !rows.is_empty() {
            ws.set_freeze_panes(1, 0).map_err(invalid(name))?;
        }
    }
    workbook.save_to_buffer().map_err(invalid("workbook"))
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
