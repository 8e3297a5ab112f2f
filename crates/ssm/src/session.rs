//! Session ids and the system tags Session Manager puts on every session.

use rand::Rng;

/// "The first resource tag is aws:ssmmessages:target-id": the instance.
pub const TARGET_ID_TAG: &str = "aws:ssmmessages:target-id";
/// "The other resource tag is aws:ssmmessages:session-id, with a value in the format of
/// role-id:caller-specified-role-name" (the user id for IAM users): the caller's aws:userid.
pub const SESSION_ID_TAG: &str = "aws:ssmmessages:session-id";

/// The longest session id the API accepts.
pub const MAX_SESSION_ID: usize = 96;
const SUFFIX_LEN: usize = 17;

/// A new session id: "the ID of the account user who started the session, plus an
/// alphanumeric suffix", or `session-...` "if the user ID isn't available".
pub fn new_session_id(caller_name: &str) -> String {
    let mut rng = rand::rng();
    let suffix: String = (0..SUFFIX_LEN)
        .map(|_| {
            let n = rng.random_range(0..36u8);
            char::from(if n < 10 { b'0' + n } else { b'a' + n - 10 })
        })
        .collect();
    let name = if caller_name.is_empty() {
        "session"
    } else {
        caller_name
    };
    let room = MAX_SESSION_ID - SUFFIX_LEN - 1;
    let name: String = name.chars().take(room).collect();
    format!("{name}-{suffix}")
}

/// The two system tags of a session.
pub fn system_tags(target: &str, caller_userid: &str) -> [(&'static str, String); 2] {
    [
        (TARGET_ID_TAG, target.to_string()),
        (SESSION_ID_TAG, caller_userid.to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "the session ID is constructed using the ID of the account user who started the
    /// session, plus an alphanumeric suffix", e.g. session/JohnDoe-1a2b3c4sEXAMPLE.
    #[test]
    fn session_ids_begin_with_the_callers_name() {
        let id = new_session_id("alice");
        assert!(id.starts_with("alice-"));
        let suffix = id.strip_prefix("alice-").expect("prefix");
        assert_eq!(suffix.len(), SUFFIX_LEN);
        assert!(suffix
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert_ne!(new_session_id("alice"), id, "suffixes are random");
        assert!(new_session_id("").starts_with("session-"));
        assert!(new_session_id(&"x".repeat(200)).len() <= MAX_SESSION_ID);
    }

    #[test]
    fn system_tags_name_the_target_and_the_callers_user_id() {
        let [t, s] = system_tags("i-0abc", "AROAEXAMPLE:ir-1");
        assert_eq!(t, ("aws:ssmmessages:target-id", "i-0abc".to_string()));
        assert_eq!(
            s,
            ("aws:ssmmessages:session-id", "AROAEXAMPLE:ir-1".to_string())
        );
    }
}
