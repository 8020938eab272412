//! The SVG every chart shares: the root element with its accessible name, the title block,
//! the legend, the source line, text measuring and wrapping, and number writing.

use std::fmt::Write as _;

use super::{ChartError, Frame};

/// Body text and titles (the dark blue of the web UI).
pub(crate) const INK: &str = "#17324d";
/// Secondary text: axis labels, source line.
pub(crate) const GREY: &str = "#5d7083";
/// Grid lines.
pub(crate) const GRID: &str = "#dde3ea";
/// The zero line and axis lines.
pub(crate) const AXIS: &str = "#8a9bad";
/// The family list: typst renders with its embedded Titillium Web (DejaVu Sans for missing
/// characters); browsers fall back to their sans-serif.
pub(crate) const FONT_FAMILY: &str = "Titillium Web, DejaVu Sans, sans-serif";
/// The margin around everything.
pub(crate) const PAD: f64 = 8.0;
/// The smallest frame a chart accepts.
pub(crate) const MIN_WIDTH: u32 = 160;
pub(crate) const MIN_HEIGHT: u32 = 120;

/// Text for XML character data and attribute values (in double quotes).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow at all (controls other than tab and newlines).
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate: at most two decimals, no `-0`, never NaN (a non-finite number becomes 0).
pub(crate) fn n(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0 + 0.0;
    if r.is_finite() { format!("{r}") } else { "0".to_owned() }
}

/// The width of `s` in Titillium Web at `size`, estimated from its average glyph (a little
/// generous, so that labels judged to fit do fit).
pub(crate) fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.54
}

/// Greedy word wrap of `s` into at most `max_lines` lines of `width`; a word too long for a
/// line, or text left over after the last line, is cut with "…".
pub(crate) fn wrap(s: &str, width: f64, size: f64, max_lines: usize) -> Vec<String> {
    let fits = |t: &str| text_width(t, size) <= width;
    let mut lines: Vec<String> = Vec::new();
    let mut words = s.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let mut line = word.to_owned();
        while let Some(next) = words.peek() {
            let candidate = format!("{line} {next}");
            if !fits(&candidate) {
                break;
            }
            line = candidate;
            words.next();
        }
        let last = lines.len() + 1 == max_lines.max(1);
        let leftover = last && words.peek().is_some();
        if !fits(&line) || leftover {
            line = ellipsis(&line, width, size, leftover);
        }
        lines.push(line);
        if last {
            break;
        }
    }
    lines
}

/// `s` cut to fit `width` with "…" at the end (always ending in "…" when `force`).
fn ellipsis(s: &str, width: f64, size: f64, force: bool) -> String {
    if !force && text_width(s, size) <= width {
        return s.to_owned();
    }
    let mut chars: Vec<char> = s.chars().collect();
    while !chars.is_empty() && text_width(&chars.iter().collect::<String>(), size) + size * 0.54 > width {
        chars.pop();
    }
    let mut out: String = chars.into_iter().collect::<String>().trim_end().to_owned();
    out.push('…');
    out
}

/// White or ink, whichever reads better on `fill` (`#rrggbb`).
pub(crate) fn text_on(fill: &str) -> &'static str {
    let channel = |i: usize| {
        let v = f64::from(u8::from_str_radix(fill.get(i..i + 2).unwrap_or("ff"), 16).unwrap_or(255)) / 255.0;
        if v <= 0.039_28 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    let l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    // Contrast against white (L = 1) and against the ink (L ≈ 0.03).
    if (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.08) { "#ffffff" } else { INK }
}

/// One legend entry: a swatch colour and a name.
pub(crate) struct Key<'a> {
    pub colour: &'a str,
    pub name: &'a str,
    /// A line (for line charts) rather than a square.
    pub line: bool,
}

/// An SVG document being written, and the area left for the plot.
pub(crate) struct Doc {
    pub s: String,
    pub width: f64,
    /// The top of the area under the title, subtitle and legend.
    pub top: f64,
    /// The bottom of the area above the source line.
    pub bottom: f64,
}

impl Doc {
    /// Opens the document: checks the frame, writes the root element, the accessible title and
    /// description, the visible title, subtitle and source line, and the legend if `keys` has
    /// more than one entry.
    pub(crate) fn open(frame: &Frame, keys: &[Key<'_>]) -> Result<Self, ChartError> {
        let id = &frame.id;
        let id_ok = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !id_ok {
            return Err(ChartError::BadId(id.clone()));
        }
        if frame.width < MIN_WIDTH || frame.height < MIN_HEIGHT {
            return Err(ChartError::TooSmall { width: frame.width, height: frame.height });
        }
        let (width, height) = (f64::from(frame.width), f64::from(frame.height));
        let mut s = String::with_capacity(8192);
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"{FONT_FAMILY}\">",
            w = frame.width,
            h = frame.height,
        );
        let _ = write!(s, "<title id=\"{id}-title\">{}</title>", esc(&frame.title));
        let _ = write!(s, "<desc id=\"{id}-desc\">{}</desc>", esc(&frame.description));
        s.push_str("<rect class=\"background\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
        let mut top = PAD;
        let text_width_max = width - 2.0 * PAD;
        for line in wrap(&frame.title, text_width_max, 16.0, 2) {
            top += 18.0;
            let _ = write!(
                s,
                "<text class=\"title\" x=\"{PAD}\" y=\"{}\" font-size=\"16\" font-weight=\"600\" fill=\"{INK}\">{}</text>",
                n(top - 4.0),
                esc(&line)
            );
        }
        if !frame.subtitle.is_empty() {
            top += 16.0;
            let _ = write!(
                s,
                "<text class=\"subtitle\" x=\"{PAD}\" y=\"{}\" font-size=\"12\" fill=\"{GREY}\">{}</text>",
                n(top - 3.0),
                esc(&ellipsis(&frame.subtitle, text_width_max, 12.0, false))
            );
        }
        if keys.len() > 1 {
            top += 6.0;
            let mut x = PAD;
            let mut row_y = top;
            s.push_str("<g class=\"legend\">");
            for key in keys {
                let label = ellipsis(key.name, text_width_max - 18.0, 12.0, false);
                let item = 18.0 + text_width(&label, 12.0) + 14.0;
                if x > PAD && x + item > width - PAD {
                    x = PAD;
                    row_y += 18.0;
                }
                if key.line {
                    let _ = write!(
                        s,
                        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2.5\"/>",
                        n(x),
                        n(row_y + 7.0),
                        n(x + 13.0),
                        n(row_y + 7.0),
                        key.colour
                    );
                } else {
                    let _ = write!(
                        s,
                        "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>",
                        n(x),
                        n(row_y + 1.0),
                        key.colour
                    );
                }
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{INK}\">{}</text>",
                    n(x + 18.0),
                    n(row_y + 11.5),
                    esc(&label)
                );
                x += item;
            }
            s.push_str("</g>");
            top = row_y + 18.0;
        }
        top += 8.0;
        let mut bottom = height - PAD;
        if !frame.source.is_empty() {
            let _ = write!(
                s,
                "<text class=\"source\" x=\"{PAD}\" y=\"{}\" font-size=\"10.5\" fill=\"{GREY}\">{}</text>",
                n(bottom - 2.0),
                esc(&ellipsis(&frame.source, text_width_max, 10.5, false))
            );
            bottom -= 18.0;
        }
        Ok(Self { s, width, top, bottom })
    }

    /// Writes `text` at (x, y) (y is the baseline).
    #[expect(clippy::too_many_arguments, reason = "an SVG text element has this many knobs")]
    pub(crate) fn text(&mut self, class: &str, x: f64, y: f64, size: f64, fill: &str, anchor: &str, text: &str) {
        let anchor = if anchor == "start" { String::new() } else { format!(" text-anchor=\"{anchor}\"") };
        let _ = write!(
            self.s,
            "<text class=\"{class}\" x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{fill}\"{anchor}>{}</text>",
            n(x),
            n(y),
            n(size),
            esc(text)
        );
    }

    /// The document with only the caller's "no data" message in the plot area.
    pub(crate) fn no_data(mut self, message: &str) -> String {
        let y = (self.top + self.bottom) / 2.0;
        let _ = write!(
            self.s,
            "<rect class=\"no-data-area\" x=\"{PAD}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#f3f5f7\" stroke=\"{GRID}\"/>",
            n(self.top),
            n((self.width - 2.0 * PAD).max(0.0)),
            n((self.bottom - self.top).max(0.0))
        );
        let message = ellipsis(message, self.width - 4.0 * PAD, 14.0, false);
        self.text("no-data", self.width / 2.0, y + 5.0, 14.0, GREY, "middle", &message);
        self.finish()
    }

    pub(crate) fn finish(mut self) -> String {
        self.s.push_str("</svg>");
        self.s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_wraps_and_writes_numbers() {
        assert_eq!(esc("a<b & \"c\" 'd'\u{1}"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(f64::NAN), "0");
        assert_eq!(n(12.345_6), "12.35");
        let lines = wrap("Provincia autonoma di Bolzano/Bozen", 80.0, 12.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| text_width(l, 12.0) <= 80.0 + 1e-9), "{lines:?}");
        assert!(lines[1].ends_with('…'), "{lines:?}");
        assert_eq!(wrap("Lazio", 80.0, 12.0, 2), vec!["Lazio"]);
        assert_eq!(text_on("#08519c"), "#ffffff");
        assert_eq!(text_on("#deebf7"), INK);
        assert_eq!(text_on("#f0e442"), INK);
    }
}
