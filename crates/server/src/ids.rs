//! Identifiers and secrets in the forms AWS issues them.

use rand::Rng;

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn random(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| {
            let i = rng.random_range(0..alphabet.len());
            alphabet.get(i).copied().unwrap_or(b'A') as char
        })
        .collect()
}

/// A unique id with AWS's prefix for the kind: `AIDA` users, `AGPA` groups, `AROA` roles,
/// `ANPA` policies; 21 characters in all.
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}{}", random(UPPER_ALNUM, 21 - prefix.len()))
}

/// An access key id: `AKIA` long-term, `ASIA` temporary; 20 characters.
pub fn access_key_id(temporary: bool) -> String {
    let prefix = if temporary { "ASIA" } else { "AKIA" };
    format!("{prefix}{}", random(UPPER_ALNUM, 16))
}

/// A 40-character secret access key.
pub fn secret_key() -> zeroize::Zeroizing<String> {
    zeroize::Zeroizing::new(random(SECRET_CHARS, 40))
}

/// A session token for temporary credentials.
pub fn session_token() -> zeroize::Zeroizing<String> {
    zeroize::Zeroizing::new(format!("IQoJb3JpZ2luX2Vj{}", random(SECRET_CHARS, 300)))
}

/// A request id (a UUID v4's shape).
pub fn request_id() -> String {
    let hex = random(b"0123456789abcdef", 32);
    let part = |a: usize, b: usize| hex.get(a..b).unwrap_or_default().to_string();
    format!(
        "{}-{}-4{}-a{}-{}",
        part(0, 8),
        part(8, 12),
        part(13, 16),
        part(17, 20),
        part(20, 32)
    )
}

/// `n` random lower-case hex digits.
pub fn hex(n: usize) -> String {
    random(b"0123456789abcdef", n)
}

/// A UUID v4 (command ids, activation ids, automation execution ids).
pub fn uuid() -> String {
    request_id()
}

/// An activation code: 20 letters and digits.
pub fn activation_code() -> String {
    random(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        20,
    )
}
