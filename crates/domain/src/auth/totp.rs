//! Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30-second steps), as used by
//! every authenticator app, and one-time recovery codes.

use super::token::random_bytes;
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;

/// A new 160-bit TOTP secret.
pub fn new_secret() -> Vec<u8> {
    random_bytes::<20>().to_vec()
}

/// Base32 form shown to the user for manual entry.
pub fn secret_base32(secret: &[u8]) -> String {
    BASE32_NOPAD.encode(secret)
}

/// `otpauth://` URI understood by authenticator apps.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        secret_base32(secret),
        enc(issuer)
    )
}

/// HOTP value (RFC 4226) for a counter.
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(secret) else { return 0 };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[h.len() - 1] & 0x0f);
    let bin = (u32::from(h[offset]) & 0x7f) << 24
        | u32::from(h[offset + 1]) << 16
        | u32::from(h[offset + 2]) << 8
        | u32::from(h[offset + 3]);
    bin % 10u32.pow(DIGITS)
}

/// The time step of a Unix time.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The code for a Unix time, zero-padded.
pub fn code_at(secret: &[u8], unix_seconds: i64) -> String {
    format!("{:06}", hotp(secret, u64::try_from(step_at(unix_seconds)).unwrap_or(0)))
}

/// Checks a code typed by the user, accepting one step of clock drift either way. Returns the
/// matched step, which the caller stores so that the same code cannot be used twice.
pub fn verify(secret: &[u8], code: &str, unix_seconds: i64, last_used_step: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_seconds);
    for step in [now - 1, now, now + 1] {
        if last_used_step.is_some_and(|last| step <= last) || step < 0 {
            continue;
        }
        let expected = format!("{:06}", hotp(secret, step.unsigned_abs()));
        if super::token::constant_time_eq(expected.as_bytes(), code.as_bytes()) {
            return Some(step);
        }
    }
    None
}

/// Ten recovery codes of the form `xxxx-xxxx-xxxx` (base32 alphabet, lower case).
pub fn new_recovery_codes() -> Vec<String> {
    (0..10)
        .map(|_| {
            let raw = BASE32_NOPAD.encode(&random_bytes::<8>()).to_lowercase();
            format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12])
        })
        .collect()
}

/// Normalises a recovery code as typed (case, spaces, dashes) before hashing it.
pub fn normalise_recovery_code(code: &str) -> String {
    let c: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
    if c.len() == 12 { format!("{}-{}-{}", &c[0..4], &c[4..8], &c[8..12]) } else { c }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA1 secret "12345678901234567890"; the RFC lists 8 digits, the last
    // six of which are the 6-digit codes.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc6238_vectors() {
        for (t, eight) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ] {
            assert_eq!(code_at(RFC_SECRET, t), &eight[2..], "t={t}");
        }
    }

    #[test]
    fn rfc4226_hotp_vectors() {
        let expected = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];
        for (i, e) in expected.iter().enumerate() {
            assert_eq!(hotp(RFC_SECRET, i as u64), *e);
        }
    }

    #[test]
    fn verify_window_and_replay() {
        let t = 1_700_000_000;
        let code = code_at(RFC_SECRET, t);
        let step = verify(RFC_SECRET, &code, t, None).unwrap();
        assert_eq!(step, step_at(t));
        // accepted 30 s later (drift), refused 90 s later
        assert!(verify(RFC_SECRET, &code, t + 30, None).is_some());
        assert!(verify(RFC_SECRET, &code, t + 90, None).is_none());
        // the same code cannot be reused
        assert!(verify(RFC_SECRET, &code, t, Some(step)).is_none());
        assert!(verify(RFC_SECRET, "12345", t, None).is_none());
        assert!(verify(RFC_SECRET, "abcdef", t, None).is_none());
    }

    #[test]
    fn recovery_codes() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let set: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(set.len(), 10);
        let c = &codes[0];
        assert_eq!(normalise_recovery_code(&c.to_uppercase().replace('-', " ")), *c);
    }

    #[test]
    fn uri_mentions_issuer_and_secret() {
        let uri = otpauth_uri(RFC_SECRET, "argine", "mario@comune.it");
        assert!(uri.starts_with("otpauth://totp/argine:mario%40comune.it?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    }
}
