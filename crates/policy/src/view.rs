//! A statement as read and validated, borrowing its text: what the reader hands on, once per
//! statement, to whoever builds from it (the model, or the compiler straight away).
//!
//! Compiling straight from the JSON tree spares a policy that is read only to be evaluated the
//! model's copy of every string and list, its moves and its drop (issue 5, W3).

use crate::json::{Json, JsonKind};
use crate::model::{
    ConditionBlock, Effect, ItemList, Items, PrincipalBlock, Spanned, Statement, Text,
};
use crate::span::Span;
use std::borrow::Cow;

/// The items of an Action or Resource element, where they are stored.
#[derive(Debug, Clone, Copy)]
pub enum ItemsView<'j> {
    /// JSON values as read; those that are not strings were reported and are skipped.
    Json(&'j [Json<'j>]),
    /// A model's items.
    Model(&'j [Spanned<Text>]),
}

impl<'j> ItemsView<'j> {
    /// How many items there are at most (exactly, unless some were not strings).
    pub fn max_len(self) -> usize {
        match self {
            ItemsView::Json(values) => values.len(),
            ItemsView::Model(items) => items.len(),
        }
    }

    /// The items, in order, with their spans.
    pub fn iter(self) -> ItemIter<'j> {
        match self {
            ItemsView::Json(values) => ItemIter {
                json: values.iter(),
                model: [].iter(),
            },
            ItemsView::Model(items) => ItemIter {
                json: [].iter(),
                model: items.iter(),
            },
        }
    }
}

/// The iterator of [`ItemsView::iter`].
pub struct ItemIter<'j> {
    json: std::slice::Iter<'j, Json<'j>>,
    model: std::slice::Iter<'j, Spanned<Text>>,
}

impl<'j> Iterator for ItemIter<'j> {
    type Item = Spanned<&'j str>;

    fn next(&mut self) -> Option<Spanned<&'j str>> {
        if let Some(i) = self.model.next() {
            return Some(Spanned::new(i.value.as_str(), i.span));
        }
        self.json.find_map(|v| match v.kind {
            JsonKind::String(s) => Some(Spanned::new(s, v.span)),
            _ => None,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.model.len(), Some(self.model.len() + self.json.len()))
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource` as read.
#[derive(Debug, Clone, Copy)]
pub struct ListView<'j> {
    pub negated: bool,
    pub items: ItemsView<'j>,
    /// The span of the key (`"Action"`).
    pub key_span: Span,
    /// The span of the value (string or array).
    pub span: Span,
}

impl<'j> ListView<'j> {
    /// A model's list, seen as read.
    pub fn of(list: &'j ItemList) -> ListView<'j> {
        ListView {
            negated: list.negated,
            items: ItemsView::Model(&list.items),
            key_span: list.key_span,
            span: list.span,
        }
    }

    /// The list as the model keeps it.
    pub fn to_item_list(self) -> ItemList {
        ItemList {
            negated: self.negated,
            items: {
                let mut items = Items::with_capacity(self.items.max_len());
                items.extend(
                    self.items
                        .iter()
                        .map(|i| Spanned::new(Text::from(i.value), i.span)),
                );
                items
            },
            key_span: self.key_span,
            span: self.span,
        }
    }
}

/// One statement as read and validated.
#[derive(Debug, Clone)]
pub struct StatementView<'j> {
    pub sid: Option<Spanned<&'j str>>,
    pub effect: Spanned<Effect>,
    pub action: Option<ListView<'j>>,
    pub resource: Option<ListView<'j>>,
    /// Resource-based policies only; rare enough to be built as the model keeps it.
    pub principal: Option<Cow<'j, PrincipalBlock>>,
    pub conditions: Cow<'j, [ConditionBlock]>,
    pub span: Span,
}

impl<'j> StatementView<'j> {
    /// A model's statement, seen as read.
    pub fn of(s: &'j Statement) -> StatementView<'j> {
        StatementView {
            sid: s
                .sid
                .as_ref()
                .map(|t| Spanned::new(t.value.as_str(), t.span)),
            effect: s.effect,
            action: s.action.as_ref().map(ListView::of),
            resource: s.resource.as_ref().map(ListView::of),
            principal: s.principal.as_ref().map(Cow::Borrowed),
            conditions: Cow::Borrowed(&s.conditions),
            span: s.span,
        }
    }

    /// The statement as the model keeps it.
    pub fn into_statement(self) -> Statement {
        Statement {
            sid: self.sid.map(|s| Spanned::new(Text::from(s.value), s.span)),
            effect: self.effect,
            action: self.action.map(ListView::to_item_list),
            resource: self.resource.map(ListView::to_item_list),
            principal: self.principal.map(Cow::into_owned),
            conditions: self.conditions.into_owned(),
            span: self.span,
        }
    }
}

/// Where the reader hands each statement, with whether `${...}` is a variable in the policy.
pub trait StatementSink {
    /// `n` statements are coming at most.
    fn reserve(&mut self, n: usize);
    fn statement(&mut self, s: StatementView<'_>, variables: bool);
}

/// The model's statements.
impl StatementSink for Vec<Statement> {
    fn reserve(&mut self, n: usize) {
        self.reserve_exact(n);
    }

    fn statement(&mut self, s: StatementView<'_>, _variables: bool) {
        self.push(s.into_statement());
    }
}
