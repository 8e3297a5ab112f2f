//! AWS Signature Version 4, as pure functions shared by signing and verifying: the canonical
//! request, the string to sign, the signing key and the signature.
//!
//! Tested step by step against AWS's published test suite (`tests/sigv4_suite.rs`).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The algorithm name in the Authorization header and the string to sign.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Characters left as they are in canonical URIs and query strings: RFC 3986's unreserved set.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The same, also leaving `%` alone: a path whose escapes are kept as they came.
const UNRESERVED_AND_ESCAPES: &percent_encoding::AsciiSet = &UNRESERVED.remove(b'%');

/// How a path's existing `%XX` escapes are treated in the canonical URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathEncoding {
    /// Every byte outside the unreserved set is encoded, `%` too: an encoded path is encoded
    /// again. What AWS requires for every service but S3, and what botocore does.
    Double,
    /// Existing escapes are kept; only other bytes are encoded (S3, and the suite's cases).
    Single,
}

/// Lower-case hex SHA-256 of `data` (the payload hash, and the canonical request's hash).
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length: new_from_slice cannot fail for it.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// The hex signature of `string_to_sign` under `key`.
pub fn signature(key: &[u8], string_to_sign: &str) -> String {
    hex::encode(hmac(key, string_to_sign.as_bytes()))
}

/// `AWS4-HMAC-SHA256\n<timestamp>\n<scope>\n<hex sha256(canonical request)>`.
pub fn string_to_sign(timestamp: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// `DATE/REGION/SERVICE/aws4_request`.
pub fn scope(date: &str, region: &str, service: &str) -> String {
    format!("{date}/{region}/{service}/aws4_request")
}

/// Remove `.` and `..` segments and empty segments (`//`), as AWS normalizes paths for every
/// service but S3.
pub fn normalize_path(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut s = format!("/{}", out.join("/"));
    if trailing && s != "/" {
        s.push('/');
    }
    s
}

/// The canonical URI: the path (normalized when asked), each segment percent-encoded.
pub fn canonical_uri(path: &str, normalize: bool, encoding: PathEncoding) -> String {
    let path = if path.is_empty() { "/" } else { path };
    let path = if normalize {
        normalize_path(path)
    } else {
        path.to_string()
    };
    let set = match encoding {
        PathEncoding::Double => UNRESERVED,
        PathEncoding::Single => UNRESERVED_AND_ESCAPES,
    };
    path.split('/')
        .map(|seg| percent_encoding::utf8_percent_encode(seg, set).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}

/// The canonical query string: names and values decoded, encoded again strictly, sorted by
/// name then value, empty values written `name=`.
pub fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (encode(&decode(k)), encode(&decode(v)))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// A header value as it is signed: trimmed, runs of spaces folded to one.
pub fn canonical_header_value(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The canonical headers block and the signed-headers list for `names` (lower case) out of
/// `headers`; repeated headers are joined with commas in the order they came.
pub fn canonical_headers(headers: &[(String, String)], names: &[String]) -> (String, String) {
    let mut names: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    let mut block = String::new();
    for n in &names {
        let values: Vec<String> = headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| canonical_header_value(v))
            .collect();
        block.push_str(n);
        block.push(':');
        block.push_str(&values.join(","));
        block.push('\n');
    }
    (block, names.join(";"))
}

/// The parts of an HTTP request that SigV4 signs.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    pub method: &'a str,
    /// The path as sent, escapes included.
    pub path: &'a str,
    /// The query string as sent, without the `?`.
    pub query: &'a str,
    pub headers: &'a [(String, String)],
}

/// How the path is canonicalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathRules {
    /// Remove dot segments and empty segments (every service but S3).
    pub normalize: bool,
    pub encoding: PathEncoding,
}

/// The canonical request: method, URI, query, headers, signed headers, payload hash.
pub fn canonical_request(
    req: &RequestParts<'_>,
    signed: &[String],
    payload_hash: &str,
    rules: PathRules,
) -> String {
    let (block, signed_list) = canonical_headers(req.headers, signed);
    format!(
        "{}\n{}\n{}\n{block}\n{signed_list}\n{payload_hash}",
        req.method,
        canonical_uri(req.path, rules.normalize, rules.encoding),
        canonical_query(req.query)
    )
}

/// What a signer needs: the key, its secret and the scope.
pub struct SigningParams<'a> {
    pub access_key: &'a str,
    pub secret: &'a str,
    pub region: &'a str,
    pub service: &'a str,
    /// `20261125T072636Z`.
    pub amz_date: &'a str,
}

/// The Authorization header for `req` and `body`, signing every header `req` carries, by the
/// same canonical request that [`crate::verify::verify`] checks.
pub fn authorization_header(req: &RequestParts<'_>, body: &[u8], p: &SigningParams<'_>) -> String {
    let mut signed: Vec<String> = req
        .headers
        .iter()
        .map(|(k, _)| k.to_ascii_lowercase())
        .collect();
    signed.sort();
    signed.dedup();
    let date = p.amz_date.get(..8).unwrap_or_default();
    let canonical = canonical_request(
        req,
        &signed,
        &sha256_hex(body),
        PathRules {
            normalize: true,
            encoding: PathEncoding::Double,
        },
    );
    let scope = scope(date, p.region, p.service);
    let sts = string_to_sign(p.amz_date, &scope, &canonical);
    let sig = signature(&signing_key(p.secret, date, p.region, p.service), &sts);
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={}, Signature={sig}",
        p.access_key,
        signed.join(";")
    )
}

/// Compare two signatures in constant time (as long as they have the same length).
pub fn signatures_match(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "Normalize URI paths according to RFC 3986. Remove redundant and relative path
    /// components" (the AWS signing guide), as the suite's get-slash*/get-relative* cases show.
    #[test]
    fn paths_normalize_like_rfc_3986_without_empty_segments() {
        assert_eq!(normalize_path("//example//"), "/example/");
        assert_eq!(normalize_path("/example1/example2/../.."), "/");
        assert_eq!(normalize_path("/./example"), "/example");
        assert_eq!(normalize_path("/"), "/");
    }

    /// "Each path segment must be URI-encoded twice (except for Amazon S3 which only gets
    /// URI-encoded once)": the suite's double-url-encode case, `%3A` signed as `%253A`.
    #[test]
    fn non_s3_paths_are_encoded_twice() {
        let path = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A892717189312%3Afunction%3Amy-rusty-fun/invocations";
        assert_eq!(
            canonical_uri(path, true, PathEncoding::Double),
            "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-west-2%253A892717189312%253Afunction%253Amy-rusty-fun/invocations"
        );
        assert_eq!(
            canonical_uri("/example space/", true, PathEncoding::Single),
            "/example%20space/"
        );
    }

    #[test]
    fn signatures_compare_in_constant_time_and_exactly() {
        assert!(signatures_match("abc", "abc"));
        assert!(!signatures_match("abc", "abd"));
        assert!(!signatures_match("abc", "ab"));
    }
}
