//! Numbers as an Italian (or English) reader writes them: `10.000`, `48,7%`.

/// Which separators numbers use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Locale {
    /// Thousands ".", decimals ",": `12.345,6`. The default: reports are Italian documents.
    #[default]
    Italian,
    /// Thousands ",", decimals ".": `12,345.6` (for the English UI).
    English,
}

/// How the values of a chart (its labels and axis ticks) are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    /// Decimal places of value labels. Axis ticks use as many as their step needs.
    pub decimals: usize,
    /// Written right after the number, e.g. `"%"` (`48,7%`) or `" ab./km²"`.
    pub suffix: String,
    pub locale: Locale,
}

impl Default for NumberFormat {
    fn default() -> Self {
        Self::integer()
    }
}

impl NumberFormat {
    /// Whole numbers, Italian separators: `10.000`.
    pub fn integer() -> Self {
        Self { decimals: 0, suffix: String::new(), locale: Locale::Italian }
    }

    /// `decimals` places, Italian separators: `1.234,5`.
    pub fn decimal(decimals: usize) -> Self {
        Self { decimals, ..Self::integer() }
    }

    /// Percentages (values 0–100), Italian separators: `48,7%`.
    pub fn percent(decimals: usize) -> Self {
        Self { decimals, suffix: "%".to_owned(), locale: Locale::Italian }
    }

    /// The same format with other separators.
    #[must_use]
    pub fn with_locale(mut self, locale: Locale) -> Self {
        self.locale = locale;
        self
    }

    /// `x` with [`Self::decimals`] places and the suffix.
    pub fn format(&self, x: f64) -> String {
        self.format_with(x, self.decimals)
    }

    /// `x` with `decimals` places and the suffix.
    pub fn format_with(&self, x: f64, decimals: usize) -> String {
        let mut s = number(x, decimals, self.locale);
        s.push_str(&self.suffix);
        s
    }
}

/// `x` rounded to `decimals` places (halves away from zero) with the locale's separators; `-0`
/// is written `0`, and a value that is not finite is written `–` (charts reject such values
/// before drawing). The reports' formatter ([`argine_domain::report::fmt::number`]).
pub fn number(x: f64, decimals: usize, locale: Locale) -> String {
    let (thousands, point) = match locale {
        Locale::Italian => ('.', ','),
        Locale::English => (',', '.'),
    };
    argine_domain::report::fmt::number(x, decimals, thousands, point)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_and_english_separators() {
        let it = |x, d| number(x, d, Locale::Italian);
        assert_eq!(it(10_000.0, 0), "10.000");
        assert_eq!(it(1_234_567.891, 2), "1.234.567,89");
        assert_eq!(it(999.0, 0), "999");
        assert_eq!(it(1000.0, 0), "1.000");
        assert_eq!(it(0.0, 1), "0,0");
        assert_eq!(it(-0.04, 1), "0,0");
        assert_eq!(it(-1500.5, 1), "-1.500,5");
        assert_eq!(it(f64::NAN, 1), "–");
        assert_eq!(NumberFormat::percent(1).format(48.66), "48,7%");
        assert_eq!(number(12_345.6, 1, Locale::English), "12,345.6");
    }
}
