//! The rule registry: every Bandit check palisade implements, and the dispatch of each node
//! kind to the rules that look at it.

use palisade_core::RuleMeta;
use tree_sitter::Node;

use crate::walk::{Call, FileCx, Str};

pub mod b101_assert_used;

macro_rules! registry {
    ($($variant:ident => $meta:path),* $(,)?) => {
        /// One Bandit check; the discriminant indexes [`ALL`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $($variant),* }

        /// Metadata of every rule, in [`Rule`] order.
        pub static ALL: &[&RuleMeta] = &[$(&$meta),*];

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];
        }
    };
}

registry! {
    B101 => b101_assert_used::RULE,
}

impl Rule {
    pub fn meta(self) -> &'static RuleMeta {
        ALL[self as usize]
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.meta().id == id)
    }

    /// A word of a `# nosec` comment: an ID (any case) or a Bandit test/blacklist name.
    pub fn from_nosec_word(word: &str) -> Option<Rule> {
        if word.len() > 1 && (word.starts_with('B') || word.starts_with('b')) {
            if let Some(r) = Rule::from_id(&word.to_ascii_uppercase()) {
                return Some(r);
            }
        }
        Rule::ALL.iter().copied().find(|r| r.meta().name == word)
    }

    /// A call or import blacklist entry (selected by the meta-ID `B001`).
    pub fn is_blacklist(self) -> bool {
        let id = self.meta().id.as_bytes();
        id.len() == 4 && (id[1] == b'3' || id[1] == b'4')
    }
}

/// A set of rules as a bit mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct RuleSet(u128);

impl RuleSet {
    pub const EMPTY: RuleSet = RuleSet(0);

    pub fn all() -> RuleSet {
        let mut s = RuleSet::EMPTY;
        for r in Rule::ALL {
            s.insert(*r);
        }
        s
    }
    pub fn insert(&mut self, r: Rule) {
        self.0 |= 1 << r as u32;
    }
    pub fn contains(self, r: Rule) -> bool {
        self.0 & (1 << r as u32) != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn union(self, o: RuleSet) -> RuleSet {
        RuleSet(self.0 | o.0)
    }
    pub fn intersection(self, o: RuleSet) -> RuleSet {
        RuleSet(self.0 & o.0)
    }
    pub fn difference(self, o: RuleSet) -> RuleSet {
        RuleSet(self.0 & !o.0)
    }
    pub fn iter(self) -> impl Iterator<Item = Rule> {
        Rule::ALL.iter().copied().filter(move |r| self.contains(*r))
    }
}

/// Runs `$check` if `$rule` is enabled.
macro_rules! run {
    ($cx:ident, $rule:ident, $check:expr) => {
        if $cx.on(Rule::$rule) {
            $check;
        }
    };
}

pub(crate) fn on_call(_cx: &mut FileCx<'_, '_>, _call: &Call<'_>) {}

pub(crate) fn on_import(_cx: &mut FileCx<'_, '_>, _node: Node<'_>) {}

pub(crate) fn on_function_def(_cx: &mut FileCx<'_, '_>, _node: Node<'_>) {}

pub(crate) fn on_except(_cx: &mut FileCx<'_, '_>, _node: Node<'_>) {}

pub(crate) fn on_assert(cx: &mut FileCx<'_, '_>, node: Node<'_>) {
    run!(cx, B101, b101_assert_used::check(cx, node));
}

pub(crate) fn on_str(_cx: &mut FileCx<'_, '_>, _s: &Str<'_>) {}

/// Tests that look at the whole file once (Bandit's `File` tests).
pub(crate) fn on_file(_cx: &mut FileCx<'_, '_>) {}
