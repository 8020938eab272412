//! Numbers as an Italian publication writes them: `10.000`, `48,7`, `48,7%`.

/// An integer with `.` between thousands: `7904` → `7.904`; negative numbers keep their sign.
pub fn int(n: i64) -> String {
    // Counts of Comuni and people: exact as f64 (far below 2^53).
    number(n as f64, 0, '.', ',')
}

/// A number with `digits` decimals, `,` as decimal separator and `.` between thousands
/// (rounded half away from zero): `1234.56, 1` → `1.234,6`. Not finite → `–`.
pub fn decimal(x: f64, digits: usize) -> String {
    number(x, digits, '.', ',')
}

/// A number with `digits` decimals and the given separators (`'.', ','` in Italian, `',', '.'`
/// in English), rounded half away from zero; `-0` is written `0`, a value that is not finite
/// `–`. The one number formatter of reports and charts.
pub fn number(x: f64, digits: usize, thousands: char, point: char) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let r = round_half_away(x, digits);
    let plain = format!("{:.digits$}", r.abs());
    let negative = r < 0.0 && plain.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    let (whole, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 2);
    if negative {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(thousands);
        }
        out.push(digit);
    }
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// A fraction as a percentage with one decimal: `0.48716` → `48,7%`.
pub fn percent(fraction: f64) -> String {
    format!("{}%", decimal(fraction * 100.0, 1))
}

/// `x` rounded to `digits` decimals, halves away from zero (`format!` alone rounds halves to
/// even: 0.25 → 0.2).
fn round_half_away(x: f64, digits: usize) -> f64 {
    let scale = 10f64.powi(i32::try_from(digits).unwrap_or(i32::MAX));
    (x * scale).round() / scale
}

/// An ISO date (`2021-10-15`) as Italian prose writes it (`15 ottobre 2021`); anything else
/// is returned as it is.
pub fn date_long(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ];
    let mut parts = iso.trim().splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else { return iso.to_owned() };
    match (y.parse::<u32>(), m.parse::<usize>(), d.parse::<u32>()) {
        (Ok(y), Ok(m @ 1..=12), Ok(d @ 1..=31)) => format!("{d} {} {y}", MONTHS[m - 1]),
        _ => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_numbers() {
        assert_eq!(int(0), "0");
        assert_eq!(int(608), "608");
        assert_eq!(int(7904), "7.904");
        assert_eq!(int(10_000), "10.000");
        assert_eq!(int(-1_234_567), "-1.234.567");
        assert_eq!(decimal(48.7165, 1), "48,7");
        assert_eq!(decimal(1234.56, 1), "1.234,6");
        assert_eq!(decimal(0.25, 1), "0,3");
        assert_eq!(decimal(-0.04, 1), "0,0");
        assert_eq!(decimal(-2.5, 0), "-3");
        assert_eq!(decimal(f64::NAN, 1), "–");
        assert_eq!(percent(3851.0 / 7904.0), "48,7%");
        assert_eq!(percent(62.0 / 150.0), "41,3%");
        assert_eq!(percent(11.0 / 90.0), "12,2%");
        assert_eq!(percent(1.0), "100,0%");
        assert_eq!(date_long("2021-10-15"), "15 ottobre 2021");
        assert_eq!(date_long("2022-07-01"), "1 luglio 2022");
        assert_eq!(date_long("luglio 2022"), "luglio 2022");
    }
}
