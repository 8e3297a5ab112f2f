//! Typed values of condition operators: numbers, dates, booleans, IP ranges, binary.

use base64::Engine as _;
use std::net::IpAddr;

/// An instant as seconds and nanoseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub seconds: i64,
    pub nanos: u32,
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn num(&mut self, n: usize) -> Option<u32> {
        let digits = self.b.get(self.i..self.i + n)?;
        let mut v = 0u32;
        for d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(d - b'0');
        }
        self.i += n;
        Some(v)
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

/// Parse a date as IAM accepts it: a W3C profile of ISO 8601 (`2020-01-01`,
/// `2020-01-01T12:00Z`, `2020-01-01T12:00:00.5+02:00`, ...) or epoch seconds.
pub fn parse_date(s: &str) -> Option<Timestamp> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        // "in epoch (UNIX) time": whole seconds since 1970-01-01T00:00:00Z.
        return s
            .parse::<i64>()
            .ok()
            .map(|seconds| Timestamp { seconds, nanos: 0 });
    }
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let year = i64::from(c.num(4)?);
    let (mut month, mut day) = (1, 1);
    if c.eat(b'-') {
        month = c.num(2)?;
        if c.eat(b'-') {
            day = c.num(2)?;
        }
    }
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let mut secs_of_day = 0i64;
    let mut nanos = 0u32;
    let mut offset = 0i64;
    if c.eat(b'T') || c.eat(b't') {
        let h = c.num(2)?;
        if !c.eat(b':') {
            return None;
        }
        let mi = c.num(2)?;
        let mut sec = 0;
        if c.eat(b':') {
            sec = c.num(2)?;
            if c.eat(b'.') {
                let start = c.i;
                let mut scale = 100_000_000u32;
                while let Some(d @ b'0'..=b'9') = c.peek() {
                    nanos += u32::from(d - b'0') * scale;
                    scale /= 10;
                    c.i += 1;
                }
                if c.i == start {
                    return None;
                }
            }
        }
        if h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        secs_of_day = i64::from(h * 3600 + mi * 60 + sec);
        match c.peek() {
            Some(b'Z' | b'z') => c.i += 1,
            Some(sign @ (b'+' | b'-')) => {
                c.i += 1;
                let oh = c.num(2)?;
                let om = if c.eat(b':') {
                    c.num(2)?
                } else {
                    c.num(2).unwrap_or(0)
                };
                if oh > 23 || om > 59 {
                    return None;
                }
                let o = i64::from(oh * 3600 + om * 60);
                offset = if sign == b'+' { o } else { -o };
            }
            // No zone designator: read as UTC.
            _ => {}
        }
    }
    if !c.done() {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + secs_of_day - offset;
    Some(Timestamp { seconds, nanos })
}

/// Parse a number as Numeric operators read it (integer or decimal).
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parse a Bool value: `true` or `false`, any case.
pub fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Parse an IP range in CIDR form; a bare address is a /32 (IPv4) or /128 (IPv6).
pub fn parse_ip_range(s: &str) -> Option<ipnet::IpNet> {
    let t = s.trim();
    if let Ok(net) = t.parse::<ipnet::IpNet>() {
        return Some(net);
    }
    t.parse::<IpAddr>().ok().map(ipnet::IpNet::from)
}

/// Parse a request's IP address (a CIDR's address part is accepted too).
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    let t = s.trim();
    t.parse::<IpAddr>()
        .ok()
        .or_else(|| t.parse::<ipnet::IpNet>().ok().map(|n| n.addr()))
}

/// Decode base64, as BinaryEquals values are written.
pub fn parse_binary(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "You must specify date/time values with one of the W3C implementations of the ISO 8601
    /// date formats or in epoch (UNIX) time" (IAM User Guide, date condition operators).
    #[test]
    fn dates_accept_w3c_iso_8601_and_epoch_seconds() {
        let t = |s| parse_date(s).map(|t| t.seconds);
        assert_eq!(t("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(t("2018-08-16T12:00:00Z"), Some(1_534_420_800));
        assert_eq!(t("1534420800"), Some(1_534_420_800));
        assert_eq!(t("2018-08-16T14:00:00+02:00"), Some(1_534_420_800));
        assert_eq!(t("2018-08-16"), Some(1_534_377_600));
        assert_eq!(t("2018-08"), t("2018-08-01"));
        // All digits is epoch time, never a bare year.
        assert_eq!(t("2018"), Some(2018));
        assert_eq!(t("2018-08-16T12:00Z"), Some(1_534_420_800));
        assert_eq!(
            parse_date("2018-08-16T12:00:00.250Z").map(|t| t.nanos),
            Some(250_000_000)
        );
        for bad in [
            "",
            "yesterday",
            "2018-13-01",
            "2019-02-29",
            "2018-08-16T25:00Z",
            "-5",
            "1.5",
            "2018-08-16 12:00:00Z",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(t("2020-02-29"), Some(1_582_934_400));
    }

    /// "If you specify an IP address without the associated routing prefix, IAM uses the
    /// default prefix value of /32."
    #[test]
    fn a_bare_ip_address_is_a_single_host_range() {
        let net = parse_ip_range("203.0.113.7").expect("valid");
        assert_eq!(net.prefix_len(), 32);
        let v6 = parse_ip_range("2001:DB8:1234:5678::/64").expect("valid");
        assert!(v6.contains(&parse_ip("2001:db8:1234:5678::1").expect("valid")));
    }

    #[test]
    fn numbers_are_integers_or_decimals() {
        assert_eq!(parse_number("10"), Some(10.0));
        assert_eq!(parse_number("-1.5"), Some(-1.5));
        assert_eq!(parse_number("ten"), None);
        assert_eq!(parse_number("inf"), None);
    }
}
