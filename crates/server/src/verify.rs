//! Verifying a request's SigV4 Authorization header, with the errors AWS gives.

use crate::sigv4::{
    canonical_request, scope, sha256_hex, signature, signatures_match, signing_key, string_to_sign,
    PathEncoding, PathRules, RequestParts,
};

/// "RequestExpired – The request reached the service more than 15 minutes after the date
/// stamp on the request ... or the date stamp on the request is more than 15 minutes in the
/// future."
pub const MAX_SKEW_SECONDS: i64 = 15 * 60;

/// Why a request's signature is refused; the protocol layer turns each into AWS's error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No Authorization header (nor query-string signature).
    #[error("Missing Authentication Token")]
    Missing,
    /// The header does not have the parts AWS requires.
    #[error("{0}")]
    Incomplete(String),
    /// The access key is not known.
    #[error("The security token included in the request is invalid.")]
    UnknownKey,
    /// The signature does not match what the secret gives.
    #[error("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")]
    Mismatch,
    /// Outside the 15-minute window.
    #[error("Signature expired: {stamp} is now earlier than {earliest} ({now} - 15 min.)")]
    Expired {
        stamp: String,
        earliest: String,
        now: String,
    },
    /// Dated more than 15 minutes in the future.
    #[error("Signature not yet current: {stamp} is still later than {latest} ({now} + 15 min.)")]
    NotYetCurrent {
        stamp: String,
        latest: String,
        now: String,
    },
}

/// The parts of an `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

fn incomplete(what: &str) -> SignatureError {
    SignatureError::Incomplete(format!("Authorization header requires '{what}' parameter."))
}

/// Parse an Authorization header value.
pub fn parse_authorization(value: &str) -> Result<Authorization, SignatureError> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ").ok_or_else(|| {
        SignatureError::Incomplete(
            "Authorization header must use the AWS4-HMAC-SHA256 algorithm.".into(),
        )
    })?;
    let field = |name: &str| {
        rest.split(',')
            .map(str::trim)
            .find_map(|f| f.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
            .map(str::to_string)
    };
    let credential = field("Credential").ok_or_else(|| incomplete("Credential"))?;
    let signed = field("SignedHeaders").ok_or_else(|| incomplete("SignedHeaders"))?;
    let signature = field("Signature").ok_or_else(|| incomplete("Signature"))?;
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key, date, region, service, terminator] = parts.as_slice() else {
        return Err(SignatureError::Incomplete(format!(
            "Credential should be scoped to a valid date, Region and service: '{credential}'"
        )));
    };
    if *terminator != "aws4_request" {
        return Err(SignatureError::Incomplete(
            "Credential should be scoped with a valid terminator: 'aws4_request'".into(),
        ));
    }
    Ok(Authorization {
        access_key: access_key.to_string(),
        date: date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        signed_headers: signed.split(';').map(str::to_string).collect(),
        signature,
    })
}

/// Seconds since the epoch of an `X-Amz-Date` (`20261125T072636Z`).
pub fn parse_amz_date(s: &str) -> Option<i64> {
    if s.len() != 16 || !s.is_ascii() || s.get(8..9) != Some("T") || s.get(15..16) != Some("Z") {
        return None;
    }
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        s.get(0..4)?,
        s.get(4..6)?,
        s.get(6..8)?,
        s.get(9..11)?,
        s.get(11..13)?,
        s.get(13..15)?
    );
    ssmgate_policy::values::parse_date(&iso).map(|t| t.seconds)
}

/// A verified caller: the access key and the scope it signed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub access_key: String,
    pub region: String,
    pub service: String,
}

/// Verify `req` (with its `body`) at time `now`; `secret` looks up an access key's secret.
pub fn verify(
    req: &RequestParts<'_>,
    body: &[u8],
    now: i64,
    secret: &dyn Fn(&str) -> Option<zeroize::Zeroizing<String>>,
) -> Result<Verified, SignatureError> {
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let auth = parse_authorization(header("authorization").ok_or(SignatureError::Missing)?)?;
    let stamp = header("x-amz-date").ok_or_else(|| {
        SignatureError::Incomplete(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                .into(),
        )
    })?;
    let when = parse_amz_date(stamp)
        .ok_or_else(|| SignatureError::Incomplete(format!("Invalid X-Amz-Date '{stamp}'")))?;
    if stamp.get(..8) != Some(auth.date.as_str()) {
        return Err(SignatureError::Incomplete("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP".into()));
    }
    let fmt = |t: i64| ssmgate_ssm::time::iso8601(t).replace(['-', ':'], "");
    if when < now - MAX_SKEW_SECONDS {
        return Err(SignatureError::Expired {
            stamp: stamp.into(),
            earliest: fmt(now - MAX_SKEW_SECONDS),
            now: fmt(now),
        });
    }
    if when > now + MAX_SKEW_SECONDS {
        return Err(SignatureError::NotYetCurrent {
            stamp: stamp.into(),
            latest: fmt(now + MAX_SKEW_SECONDS),
            now: fmt(now),
        });
    }
    // "host (or :authority) and every x-amz-* header MUST be signed".
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err(SignatureError::Incomplete(
            "'Host' must be a signed header.".into(),
        ));
    }
    let key_secret = secret(&auth.access_key).ok_or(SignatureError::UnknownKey)?;
    let payload = match header("x-amz-content-sha256") {
        Some(h) if h != "UNSIGNED-PAYLOAD" => h.to_string(),
        _ => sha256_hex(body),
    };
    let canonical = canonical_request(
        req,
        &auth.signed_headers,
        &payload,
        PathRules {
            normalize: true,
            encoding: PathEncoding::Double,
        },
    );
    let sts = string_to_sign(
        stamp,
        &scope(&auth.date, &auth.region, &auth.service),
        &canonical,
    );
    let ours = signature(
        &signing_key(&key_secret, &auth.date, &auth.region, &auth.service),
        &sts,
    );
    if !signatures_match(&ours, &auth.signature) || payload != sha256_hex(body) {
        return Err(SignatureError::Mismatch);
    }
    Ok(Verified {
        access_key: auth.access_key,
        region: auth.region,
        service: auth.service,
    })
}
