//! An error as a service answers it, independent of the protocol that carries it.

/// Who is at fault, as the Query protocol's `<Type>` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Sender,
    Receiver,
}

/// A service error: AWS's code, message and HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub status: u16,
    pub fault: Fault,
}

impl ApiError {
    /// A sender-fault error with `status`.
    pub fn new(code: &str, status: u16, message: impl Into<String>) -> ApiError {
        ApiError {
            code: code.to_string(),
            message: message.into(),
            status,
            fault: if status >= 500 {
                Fault::Receiver
            } else {
                Fault::Sender
            },
        }
    }

    /// `NoSuchEntity` (404).
    pub fn no_such_entity(message: impl Into<String>) -> ApiError {
        ApiError::new("NoSuchEntity", 404, message)
    }

    /// `EntityAlreadyExists` (409).
    pub fn already_exists(message: impl Into<String>) -> ApiError {
        ApiError::new("EntityAlreadyExists", 409, message)
    }

    /// `DeleteConflict` (409).
    pub fn delete_conflict(message: impl Into<String>) -> ApiError {
        ApiError::new("DeleteConflict", 409, message)
    }

    /// `LimitExceeded` (409).
    pub fn limit_exceeded(message: impl Into<String>) -> ApiError {
        ApiError::new("LimitExceeded", 409, message)
    }

    /// `InvalidInput` (400).
    pub fn invalid_input(message: impl Into<String>) -> ApiError {
        ApiError::new("InvalidInput", 400, message)
    }

    /// `ValidationError` (400), the code of a value that breaks the model's constraints.
    pub fn validation(message: impl Into<String>) -> ApiError {
        ApiError::new("ValidationError", 400, message)
    }

    /// `MalformedPolicyDocument` (400).
    pub fn malformed_policy(message: impl Into<String>) -> ApiError {
        ApiError::new("MalformedPolicyDocument", 400, message)
    }

    /// The store failed: a receiver fault that never reveals internals beyond the message.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new("ServiceFailure", 500, message)
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::internal(format!("the state store failed: {e}"))
    }
}

/// A result of a service call.
pub type ApiResult<T> = Result<T, ApiError>;
