//! Blind indexes: keyed hashes (HMAC-SHA-256 under a deployment secret) of a person's
//! normalised name, birth date, nationality and phone, with phonetic variants of the name.
//! Two agencies that register the same person with spelling variants produce equal hashes, so
//! the duplicate is found; the hashes reveal nothing without the key, and not even the key
//! turns a hash back into a name (only a guess can be checked, which needs database access,
//! the key and the guess).
//!
//! What is hashed, each under its own kind so that a match says how strong it is:
//! - `exact`: the name's words in alphabetical order (surname and given names may be swapped),
//!   birth date, nationality;
//! - `phonetic`: the words' phonetic codes, birth date, nationality (Mohamed/Muhammad,
//!   Diallo/Dialo, Ousmane/Usman);
//! - `phonetic_year`: phonetic codes, birth year, nationality (day and month swapped or
//!   mistyped);
//! - `name_birth`: the name's words and birth date (nationality recorded differently);
//! - `phone`: the last nine digits of the telephone;
//! - `name`: the name's words alone, for an organisation to find its own records by name (not
//!   used to screen for duplicates: a name alone is no evidence).

use super::identity::Identity;
use crate::territory::search::normalise;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlindKind {
    Exact,
    Phonetic,
    PhoneticYear,
    NameBirth,
    Phone,
    Name,
}

impl BlindKind {
    pub const ALL: [BlindKind; 6] =
        [Self::Exact, Self::Phonetic, Self::PhoneticYear, Self::NameBirth, Self::Phone, Self::Name];

    pub fn code(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Phonetic => "phonetic",
            Self::PhoneticYear => "phonetic_year",
            Self::NameBirth => "name_birth",
            Self::Phone => "phone",
            Self::Name => "name",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Whether a match on this kind is evidence of a duplicate at all.
    pub fn screens(self) -> bool {
        self != Self::Name
    }

    /// A match on this kind alone makes a likely duplicate; the others only a possible one.
    pub fn is_strong(self) -> bool {
        matches!(self, Self::Exact | Self::Phonetic | Self::Phone)
    }
}

/// One stored index value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BlindToken {
    pub kind: BlindKind,
    /// Lower-case hex of the first 16 bytes of the HMAC.
    pub digest: String,
}

/// How likely two records are the same person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Likelihood {
    Possible,
    Likely,
}

impl Likelihood {
    pub fn code(self) -> &'static str {
        match self {
            Self::Possible => "possible",
            Self::Likely => "likely",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "possible" => Some(Self::Possible),
            "likely" => Some(Self::Likely),
            _ => None,
        }
    }

    pub fn of(kinds: &[BlindKind]) -> Option<Self> {
        if kinds.iter().any(|k| k.is_strong()) {
            Some(Self::Likely)
        } else if kinds.is_empty() {
            None
        } else {
            Some(Self::Possible)
        }
    }
}

/// The name's words, normalised (lower case, no accents) and sorted.
pub fn name_words(identity: &Identity) -> Vec<String> {
    let full = format!("{} {}", identity.given_names, identity.family_name);
    let mut words: Vec<String> = normalise(&full)
        .split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_alphabetic()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect();
    words.sort();
    words
}

/// A phonetic code of one word, tuned to the transliteration variants of names met in the
/// field (Arabic, West African, South Asian, Balkan names written by Italian operators):
/// digraphs folded (ph→f, kh→k, ou→u, …), similar consonants merged, `h` dropped, vowels
/// dropped after the first letter (a leading vowel kept as one class), doubles collapsed.
pub fn phonetic(word: &str) -> String {
    let w: String = normalise(word).chars().filter(char::is_ascii_alphabetic).collect();
    let mut s = w;
    for (from, to) in [
        ("sch", "s"),
        ("ph", "f"),
        ("kh", "k"),
        ("gh", "g"),
        ("th", "t"),
        ("dh", "d"),
        ("sh", "s"),
        ("ch", "k"),
        ("ck", "k"),
        ("ou", "u"),
        ("oo", "u"),
        ("ee", "i"),
        ("gn", "n"),
    ] {
        s = s.replace(from, to);
    }
    let class = |c: char| -> char {
        match c {
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' => 'a',
            'c' | 'k' | 'q' | 'g' | 'j' => 'k',
            's' | 'z' | 'x' => 's',
            'd' | 't' => 't',
            'b' | 'p' => 'p',
            'v' | 'w' | 'f' => 'f',
            'm' | 'n' => 'n',
            'h' => 'h',
            other => other,
        }
    };
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        let k = class(c);
        if k == 'h' || (k == 'a' && i > 0) {
            continue;
        }
        if out.ends_with(k) {
            continue;
        }
        out.push(k);
    }
    out
}

fn digits_of_phone(phone: &str) -> Option<String> {
    let d: String = phone.chars().filter(char::is_ascii_digit).collect();
    (d.len() >= 6).then(|| d[d.len().saturating_sub(9)..].to_owned())
}

/// The deployment's blind-index key.
pub struct Indexer {
    key: [u8; 32],
}

impl Indexer {
    pub fn new(key: &[u8; 32]) -> Self {
        Self { key: *key }
    }

    fn digest(&self, kind: BlindKind, value: &str) -> BlindToken {
        // A 32-byte key is always accepted; the fallback cannot happen.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        mac.update(kind.code().as_bytes());
        mac.update(b"\x1f");
        mac.update(value.as_bytes());
        let bytes = mac.finalize().into_bytes();
        BlindToken { kind, digest: data_encoding::HEXLOWER.encode(&bytes[..16]) }
    }

    /// The token an organisation searches its own records by name with.
    pub fn name_token(&self, name: &str) -> Option<BlindToken> {
        let words = name_words(&Identity { given_names: name.to_owned(), ..Identity::default() });
        (!words.is_empty()).then(|| self.digest(BlindKind::Name, &words.join(" ")))
    }

    /// The tokens of a person (`nationality`: the ISO 3166 alpha-3 code, may be empty).
    /// Parts that are unknown are left out: no token is made of missing values.
    pub fn tokens(&self, identity: &Identity, nationality: &str) -> Vec<BlindToken> {
        let words = name_words(identity);
        let nat = nationality.trim().to_ascii_uppercase();
        let birth = identity.birth_date.as_deref().map(str::trim).filter(|b| !b.is_empty());
        let mut out = Vec::new();
        if !words.is_empty() {
            let name = words.join(" ");
            let mut codes: Vec<String> = words.iter().map(|w| phonetic(w)).filter(|c| !c.is_empty()).collect();
            codes.sort();
            let phon = codes.join(" ");
            out.push(self.digest(BlindKind::Name, &name));
            if let Some(b) = birth {
                if !nat.is_empty() {
                    out.push(self.digest(BlindKind::Exact, &format!("{name}|{b}|{nat}")));
                    out.push(self.digest(BlindKind::Phonetic, &format!("{phon}|{b}|{nat}")));
                }
                out.push(self.digest(BlindKind::NameBirth, &format!("{name}|{b}")));
                if !nat.is_empty() && b.len() >= 4 {
                    out.push(self.digest(BlindKind::PhoneticYear, &format!("{phon}|{}|{nat}", &b[..4])));
                }
            }
        }
        if let Some(p) = digits_of_phone(&identity.phone) {
            out.push(self.digest(BlindKind::Phone, &p));
        }
        out
    }
}

/// A pair of records that share blind tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The smaller person id first.
    pub a: i64,
    pub b: i64,
    pub kinds: Vec<BlindKind>,
    pub likelihood: Likelihood,
}

/// Buckets larger than this are not evidence (a common phonetic code and a common year).
pub const MAX_BUCKET: usize = 50;

/// Screens a whole population: every pair of different people sharing at least one token.
/// `people` yields (person id, its tokens). Runs in time linear in the tokens (a hash map of
/// digests), plus the pairs found.
pub fn screen<'a, I>(people: I) -> Vec<Match>
where
    I: IntoIterator<Item = (i64, &'a [BlindToken])>,
{
    let mut buckets: HashMap<(&'a str, BlindKind), Vec<i64>> = HashMap::new();
    for (id, tokens) in people {
        for t in tokens.iter().filter(|t| t.kind.screens()) {
            buckets.entry((t.digest.as_str(), t.kind)).or_default().push(id);
        }
    }
    let mut pairs: HashMap<(i64, i64), Vec<BlindKind>> = HashMap::new();
    for ((_, kind), ids) in buckets {
        if ids.len() < 2 || ids.len() > MAX_BUCKET {
            continue;
        }
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                if a == b {
                    continue;
                }
                let key = if a < b { (*a, *b) } else { (*b, *a) };
                let kinds = pairs.entry(key).or_default();
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
        }
    }
    let mut out: Vec<Match> = pairs
        .into_iter()
        .filter_map(|((a, b), mut kinds)| {
            kinds.sort();
            let likelihood = Likelihood::of(&kinds)?;
            Some(Match { a, b, kinds, likelihood })
        })
        .collect();
    out.sort_by_key(|m| (m.a, m.b));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(given: &str, family: &str, birth: &str) -> Identity {
        Identity {
            given_names: given.into(),
            family_name: family.into(),
            birth_date: Some(birth.into()),
            ..Identity::default()
        }
    }

    #[test]
    fn transliteration_variants_share_a_code() {
        for (a, b) in [
            ("Mohamed", "Muhammad"),
            ("Mohammed", "Mohamed"),
            ("Diallo", "Dialo"),
            ("Ousmane", "Usman"),
            ("Ibrahim", "Ebrahim"),
            ("Fatoumata", "Fatumata"),
            ("Youssef", "Yusuf"),
            ("Khadija", "Kadija"),
            ("Sékou", "Sekou"),
        ] {
            assert_eq!(phonetic(a), phonetic(b), "{a} / {b}");
        }
        assert_ne!(phonetic("Amina"), phonetic("Fatima"));
        assert_ne!(phonetic("Singh"), phonetic("Diallo"));
    }

    #[test]
    fn spelling_variants_match_and_strangers_do_not() {
        let ix = Indexer::new(&[7; 32]);
        let a = ix.tokens(&person("Mohamed", "Diallo", "1998-03-14"), "GIN");
        let b = ix.tokens(&person("Dialo", "Muhammad", "1998-03-14"), "gin");
        let c = ix.tokens(&person("Mohamed", "Diallo", "1998-04-13"), "GIN");
        let d = ix.tokens(&person("Amina", "Diallo", "1998-03-14"), "GIN");
        let found = screen([(1, a.as_slice()), (2, b.as_slice()), (3, c.as_slice()), (4, d.as_slice())]);
        let pair = |x, y| found.iter().find(|m| m.a == x && m.b == y);
        assert_eq!(pair(1, 2).unwrap().likelihood, Likelihood::Likely);
        assert_eq!(pair(1, 2).unwrap().kinds, vec![BlindKind::Phonetic, BlindKind::PhoneticYear]);
        // Same year, different day: only possible.
        assert_eq!(pair(1, 3).unwrap().likelihood, Likelihood::Possible);
        assert!(pair(1, 4).is_none(), "{found:?}");
    }

    #[test]
    fn tokens_reveal_nothing_and_depend_on_the_key() {
        let p = Identity { phone: "+39 333 123 4567".into(), ..person("Amina", "Diallo", "1998-03-14") };
        let t1 = Indexer::new(&[1; 32]).tokens(&p, "GIN");
        let t2 = Indexer::new(&[2; 32]).tokens(&p, "GIN");
        assert_eq!(t1.len(), 6);
        for (x, y) in t1.iter().zip(&t2) {
            assert_ne!(x.digest, y.digest);
            assert!(!x.digest.contains("amina") && x.digest.len() == 32);
        }
        // The phone matches whatever the prefix.
        let q = Identity { phone: "3331234567".into(), ..Identity::default() };
        let tq = Indexer::new(&[1; 32]).tokens(&q, "");
        assert_eq!(tq, vec![t1[5].clone()]);
        // The name alone finds the record (words in any order) but is no duplicate evidence.
        let by_name = Indexer::new(&[1; 32]).name_token("diallo  AMINA").unwrap();
        assert_eq!(by_name, t1[0]);
        let other = Identity { birth_date: Some("2001-01-01".into()), ..person("Amina", "Diallo", "") };
        let t3 = Indexer::new(&[1; 32]).tokens(&other, "SEN");
        assert!(screen([(1, t1.as_slice()), (2, t3.as_slice())]).is_empty());
        assert!(Indexer::new(&[1; 32]).tokens(&Identity::default(), "GIN").is_empty());
    }

    #[test]
    fn huge_buckets_are_ignored() {
        let t = vec![BlindToken { kind: BlindKind::PhoneticYear, digest: "x".into() }];
        let many: Vec<(i64, &[BlindToken])> = (0..=MAX_BUCKET as i64).map(|i| (i, t.as_slice())).collect();
        assert!(screen(many).is_empty());
    }
}
