//! Search of comuni that forgives accents, case, punctuation and one typo, and finds
//! second-language names (Bozen, Sovodnje ob Soči), ISTAT codes and Belfiore codes.
//!
//! The index is built once from the reference data and queried in memory: 7,900 names fit
//! in a few hundred kilobytes and a query scans them in well under a millisecond.

/// Lower case, accents removed, every run of non-alphanumeric characters a single space.
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.chars() {
        let folded: &str = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => "a",
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => "o",
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
            'ç' | 'Ç' | 'č' | 'Č' | 'ć' | 'Ć' => "c",
            'ñ' | 'Ñ' | 'ń' => "n",
            'š' | 'Š' | 'ś' => "s",
            'ž' | 'Ž' | 'ź' | 'ż' => "z",
            'ß' => "ss",
            'đ' | 'Đ' => "d",
            _ => "",
        };
        if !folded.is_empty() {
            out.push_str(folded);
            space = false;
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions), giving
/// up as soon as it exceeds `max`. Allocation-free for ASCII strings up to 63 bytes (every
/// normalised Italian name), which the search scans thousands of times per query.
pub fn edit_distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max && a.is_ascii() && b.is_ascii() {
        return None;
    }
    if a.is_ascii() && b.is_ascii() && a.len() < 64 && b.len() < 64 {
        return osa_bytes(a.as_bytes(), b.as_bytes(), max);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    osa(&a, &b, max)
}

fn osa_bytes(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    let mut rows = [[0usize; 64]; 3];
    osa_rows(a, b, max, &mut rows)
}

fn osa<T: PartialEq>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut prev2 = vec![0usize; w];
    let mut prev: Vec<usize> = (0..w).collect();
    let mut cur = vec![0usize; w];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

/// The same recurrence on three fixed rows (rotated by index, no allocation).
fn osa_rows(a: &[u8], b: &[u8], max: usize, rows: &mut [[usize; 64]; 3]) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    for (j, cell) in rows[0].iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    // rows[(i) % 3] is row i; row i-1 and i-2 are the other two.
    for i in 1..=a.len() {
        let (c, p, p2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[c][0] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (rows[p][j] + 1).min(rows[c][j - 1] + 1).min(rows[p][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[p2][j - 2] + 1);
            }
            rows[c][j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
    }
    let d = rows[a.len() % 3][b.len()];
    (d <= max).then_some(d)
}

/// A cheap necessary condition for an edit distance of at most 1: lengths within one, and the
/// first two bytes related (any single edit leaves one of them in place or shifted by one).
fn one_edit_candidate(w: &str, q: &str) -> bool {
    let (w, q) = (w.as_bytes(), q.as_bytes());
    if w.len().abs_diff(q.len()) > 1 || w.len() < 2 || q.len() < 2 {
        return w.len().abs_diff(q.len()) <= 1;
    }
    w[0] == q[0] || w[1] == q[1] || w[0] == q[1] || w[1] == q[0]
}

/// One searchable comune.
#[derive(Debug, Clone)]
pub struct Entry {
    pub istat: String,
    pub belfiore: String,
    /// Normalised names: Italian, second language, and former names.
    pub keys: Vec<String>,
    /// Used to order equally good matches (bigger first).
    pub population: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    Typo = 1,
    Substring = 2,
    WordPrefix = 3,
    Prefix = 4,
    Exact = 5,
    Code = 6,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub istat: String,
    pub kind: MatchKind,
}

#[derive(Debug, Clone, Default)]
pub struct Index {
    entries: Vec<Entry>,
}

impl Index {
    pub fn new(entries: Vec<Entry>) -> Self {
        Self { entries }
    }

    /// The best `limit` matches, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let raw = query.trim();
        let q = normalise(raw);
        if q.is_empty() {
            return Vec::new();
        }
        let upper = raw.to_ascii_uppercase();
        let is_istat = raw.len() == 6 && raw.bytes().all(|b| b.is_ascii_digit());
        let is_belfiore = upper.len() == 4
            && upper.as_bytes()[0].is_ascii_uppercase()
            && upper[1..].bytes().all(|b| b.is_ascii_digit());
        let mut scored: Vec<(MatchKind, i64, usize)> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if (is_istat && e.istat == raw) || (is_belfiore && e.belfiore == upper) {
                scored.push((MatchKind::Code, e.population, i));
                continue;
            }
            let mut best: Option<MatchKind> = None;
            for k in &e.keys {
                let kind = if *k == q {
                    Some(MatchKind::Exact)
                } else if k.starts_with(&q) {
                    Some(MatchKind::Prefix)
                } else if k.split(' ').any(|w| w.starts_with(&q)) {
                    Some(MatchKind::WordPrefix)
                } else if q.len() >= 3 && k.contains(&q) {
                    Some(MatchKind::Substring)
                } else if q.chars().count() >= 4
                    && (one_edit_candidate(k, &q) && edit_distance_within(k, &q, 1).is_some()
                        || k.split(' ').any(|w| one_edit_candidate(w, &q) && edit_distance_within(w, &q, 1).is_some()))
                {
                    Some(MatchKind::Typo)
                } else {
                    None
                };
                best = best.max(kind);
            }
            if let Some(kind) = best {
                scored.push((kind, e.population, i));
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        scored.into_iter().take(limit).map(|(kind, _, i)| Hit { istat: self.entries[i].istat.clone(), kind }).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx() -> Index {
        let e = |istat: &str, bf: &str, names: &[&str], pop| Entry {
            istat: istat.into(),
            belfiore: bf.into(),
            keys: names.iter().map(|n| normalise(n)).collect(),
            population: pop,
        };
        Index::new(vec![
            e("058091", "H501", &["Roma"], 2_750_000),
            e("089017", "I754", &["Siracusa"], 117_000),
            e("078157", "M403", &["Corigliano-Rossano", "Corigliano Calabro", "Rossano"], 74_000),
            e("021008", "A952", &["Bolzano", "Bozen"], 106_000),
            e("031023", "I479", &["Savogna d'Isonzo", "Sovodnje ob Soči"], 1_600),
            e("020030", "E897", &["Mantova"], 49_000),
            e("063049", "F839", &["Napoli"], 910_000),
            e("071051", "I158", &["San Severo"], 51_000),
            e("071049", "I054", &["San Marco in Lamis"], 13_000),
        ])
    }

    fn first(q: &str) -> Option<String> {
        idx().search(q, 5).first().map(|h| h.istat.clone())
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalise("  Sovodnje ob Soči "), "sovodnje ob soci");
        assert_eq!(normalise("Savogna d'Isonzo"), "savogna d isonzo");
        assert_eq!(normalise("CORIGLIANO-ROSSANO"), "corigliano rossano");
        assert_eq!(normalise("Agliè"), "aglie");
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance_within("siracusa", "sircusa", 1), Some(1));
        assert_eq!(edit_distance_within("mantova", "mantvoa", 1), Some(1));
        assert_eq!(edit_distance_within("mantova", "mntvoa", 1), None);
        assert_eq!(edit_distance_within("roma", "roma", 0), Some(0));
    }

    #[test]
    fn fast_and_general_distances_agree() {
        let words = [
            "siracusa", "sircusa", "siracsua", "mantova", "mantvoa", "roma", "rom", "romaa", "", "a", "ab", "ba", "abc",
        ];
        for a in words {
            for b in words {
                let ca: Vec<char> = a.chars().collect();
                let cb: Vec<char> = b.chars().collect();
                for max in 0..3 {
                    assert_eq!(osa_bytes(a.as_bytes(), b.as_bytes(), max), osa(&ca, &cb, max), "{a} {b} {max}");
                }
            }
        }
        assert_eq!(edit_distance_within("sovodnje ob soči", "sovodnje ob soci", 1), Some(1));
        // The prefilter never rejects a pair within one edit.
        for a in words {
            for b in words {
                if edit_distance_within(a, b, 1).is_some() {
                    assert!(one_edit_candidate(a, b), "{a} {b}");
                }
            }
        }
        for (a, b) in
            [("xsiracusa", "siracusa"), ("isracusa", "siracusa"), ("iracusa", "siracusa"), ("siracusa", "iracusa")]
        {
            assert!(one_edit_candidate(a, b), "{a} {b}");
        }
    }

    #[test]
    fn finds_what_people_type() {
        assert_eq!(first("corigliano").as_deref(), Some("078157"));
        assert_eq!(first("bozen").as_deref(), Some("021008"));
        assert_eq!(first("H501").as_deref(), Some("058091"));
        assert_eq!(first("h501").as_deref(), Some("058091"));
        assert_eq!(first("058091").as_deref(), Some("058091"));
        assert_eq!(first("Sircusa").as_deref(), Some("089017"));
        assert_eq!(first("SOCI").as_deref(), Some("031023"));
        assert_eq!(first("severo").as_deref(), Some("071051"));
        assert_eq!(first("rossano").as_deref(), Some("078157"));
        assert_eq!(first("zzzz"), None);
        assert_eq!(first("  "), None);
    }

    #[test]
    fn exact_beats_prefix_and_population_breaks_ties() {
        let hits = idx().search("san", 5);
        assert_eq!(hits[0].istat, "071051", "larger San… first");
        assert_eq!(hits[0].kind, MatchKind::Prefix);
        assert_eq!(idx().search("roma", 5)[0].kind, MatchKind::Exact);
    }
}
