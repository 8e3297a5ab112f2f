//! Condition operators: names as AWS spells them, resolved once to an enum.

/// The family an operator belongs to; it decides how values are read and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// The comparison an operator makes, without qualifier or `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Base {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// `ForAllValues:` or `ForAnyValue:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

/// A whole condition operator such as `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    pub qualifier: Option<SetQualifier>,
    pub base: Base,
    pub if_exists: bool,
}

const BASES: [(&str, Base); 27] = [
    ("StringEquals", Base::StringEquals),
    ("StringNotEquals", Base::StringNotEquals),
    ("StringEqualsIgnoreCase", Base::StringEqualsIgnoreCase),
    ("StringNotEqualsIgnoreCase", Base::StringNotEqualsIgnoreCase),
    ("StringLike", Base::StringLike),
    ("StringNotLike", Base::StringNotLike),
    ("NumericEquals", Base::NumericEquals),
    ("NumericNotEquals", Base::NumericNotEquals),
    ("NumericLessThan", Base::NumericLessThan),
    ("NumericLessThanEquals", Base::NumericLessThanEquals),
    ("NumericGreaterThan", Base::NumericGreaterThan),
    ("NumericGreaterThanEquals", Base::NumericGreaterThanEquals),
    ("DateEquals", Base::DateEquals),
    ("DateNotEquals", Base::DateNotEquals),
    ("DateLessThan", Base::DateLessThan),
    ("DateLessThanEquals", Base::DateLessThanEquals),
    ("DateGreaterThan", Base::DateGreaterThan),
    ("DateGreaterThanEquals", Base::DateGreaterThanEquals),
    ("Bool", Base::Bool),
    ("BinaryEquals", Base::BinaryEquals),
    ("IpAddress", Base::IpAddress),
    ("NotIpAddress", Base::NotIpAddress),
    ("ArnEquals", Base::ArnEquals),
    ("ArnLike", Base::ArnLike),
    ("ArnNotEquals", Base::ArnNotEquals),
    ("ArnNotLike", Base::ArnNotLike),
    ("Null", Base::Null),
];

/// Why an operator name was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorError {
    Unknown,
    NullWithIfExists,
}

impl Base {
    /// The operator's name as AWS spells it.
    pub fn name(self) -> &'static str {
        BASES
            .iter()
            .find(|(_, b)| *b == self)
            .map(|(n, _)| *n)
            .unwrap_or("Null")
    }

    /// Every base operator, in documentation order.
    pub fn all() -> impl Iterator<Item = Base> {
        BASES.iter().map(|(_, b)| *b)
    }

    /// The operator family.
    pub fn family(self) -> Family {
        use Base::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => Family::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => Family::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => Family::Date,
            Bool => Family::Bool,
            BinaryEquals => Family::Binary,
            IpAddress | NotIpAddress => Family::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
            Null => Family::Null,
        }
    }

    /// Negated operators match when no policy value matches (NOR), and when the key is missing.
    pub fn is_negated(self) -> bool {
        use Base::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// The positive operator a negated one inverts (itself when not negated).
    pub fn positive(self) -> Base {
        use Base::*;
        match self {
            StringNotEquals => StringEquals,
            StringNotEqualsIgnoreCase => StringEqualsIgnoreCase,
            StringNotLike => StringLike,
            NumericNotEquals => NumericEquals,
            DateNotEquals => DateEquals,
            NotIpAddress => IpAddress,
            ArnNotEquals => ArnEquals,
            ArnNotLike => ArnLike,
            other => other,
        }
    }

    /// Whether policy variables are substituted in this operator's values.
    pub fn allows_variables(self) -> bool {
        matches!(self.family(), Family::String | Family::Arn)
    }
}

impl Operator {
    /// Parse an operator name; names are case-sensitive, as IAM's are.
    pub fn parse(name: &str) -> Result<Operator, OperatorError> {
        let (qualifier, rest) = if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else {
            (None, name)
        };
        let (rest, if_exists) = match rest.strip_suffix("IfExists") {
            Some(r) => (r, true),
            None => (rest, false),
        };
        let base = BASES
            .iter()
            .find(|(n, _)| *n == rest)
            .map(|(_, b)| *b)
            .ok_or(OperatorError::Unknown)?;
        if base == Base::Null && if_exists {
            return Err(OperatorError::NullWithIfExists);
        }
        Ok(Operator {
            qualifier,
            base,
            if_exists,
        })
    }

    /// The operator's full name as written.
    pub fn name(&self) -> String {
        let q = match self.qualifier {
            Some(SetQualifier::ForAllValues) => "ForAllValues:",
            Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
            None => "",
        };
        let e = if self.if_exists { "IfExists" } else { "" };
        format!("{q}{}{e}", self.base.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operator_name_round_trips() {
        for base in Base::all() {
            for q in [
                None,
                Some(SetQualifier::ForAllValues),
                Some(SetQualifier::ForAnyValue),
            ] {
                for if_exists in [false, true] {
                    let op = Operator {
                        qualifier: q,
                        base,
                        if_exists,
                    };
                    if base == Base::Null && if_exists {
                        continue;
                    }
                    assert_eq!(Operator::parse(&op.name()), Ok(op));
                }
            }
        }
    }

    /// "You can add IfExists to the end of any condition operator name except the Null
    /// condition" (IAM User Guide, condition operators).
    #[test]
    fn null_with_if_exists_is_refused() {
        assert_eq!(
            Operator::parse("NullIfExists"),
            Err(OperatorError::NullWithIfExists)
        );
    }

    #[test]
    fn operator_names_are_case_sensitive() {
        assert_eq!(Operator::parse("stringequals"), Err(OperatorError::Unknown));
        assert_eq!(Operator::parse("StringEqual"), Err(OperatorError::Unknown));
    }
}
