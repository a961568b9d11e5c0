//! The rule registry: every Bandit check palisade implements, one line each.
//!
//! A rule owns everything about itself in its file: its metadata and documentation
//! (`declare_rule!`), `check` (what it reports), `trigger` (what a statement must hold for it to
//! report there, which the prefilter compiles) and `DECL`, which says which node kind the walk
//! hands to `check`. Adding a rule is its file plus one line in `registry!` below; the dispatch
//! lists and the prefilter's table are derived from the declarations.

use palisade_core::RuleMeta;
use tree_sitter::Node;

use crate::config::Settings;
use crate::prefilter::Trigger;
use crate::walk::{Call, FileCx, Str};

mod blacklist;
pub mod blacklist_calls;
pub mod blacklist_imports;
pub(crate) mod shared;

/// The node kind a rule looks at: the walk calls its `check` on each such node.
#[derive(Clone, Copy)]
pub(crate) enum Visit {
    Call(for<'t, 's, 'c> fn(&mut FileCx<'t, 's>, &Call<'c>)),
    FunctionDef(for<'t, 's> fn(&mut FileCx<'t, 's>, Node<'t>)),
    Except(for<'t, 's> fn(&mut FileCx<'t, 's>, Node<'t>)),
    Assert(for<'t, 's> fn(&mut FileCx<'t, 's>, Node<'t>)),
    Str(for<'t, 's> fn(&mut FileCx<'t, 's>, &Str<'t>)),
    /// The whole file, once (Bandit's `File` tests).
    File(for<'t, 's> fn(&mut FileCx<'t, 's>)),
    /// An entry of the call or import blacklist (B3xx, B4xx): data in `blacklist_calls.rs` /
    /// `blacklist_imports.rs`, run by one table pass over every call and import.
    Blacklist,
}

/// Everything the registry needs to know about one rule.
pub(crate) struct Decl {
    pub meta: &'static RuleMeta,
    pub visit: Visit,
    /// What a statement must hold for the rule to report there (`None`: a blacklist entry,
    /// whose needs come from its table).
    trigger: Option<fn(&Settings) -> Trigger>,
}

impl Decl {
    pub(crate) const fn rule(
        meta: &'static RuleMeta,
        visit: Visit,
        trigger: fn(&Settings) -> Trigger,
    ) -> Decl {
        Decl {
            meta,
            visit,
            trigger: Some(trigger),
        }
    }

    const fn blacklist(meta: &'static RuleMeta) -> Decl {
        Decl {
            meta,
            visit: Visit::Blacklist,
            trigger: None,
        }
    }
}

macro_rules! registry {
    ($($variant:ident => $how:ident($($what:tt)*)),* $(,)?) => {
        $(registry!(@module $how($($what)*));)*

        /// One Bandit check; the discriminant indexes [`ALL`] and [`DECLS`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $($variant),* }

        /// Every rule's declaration, in [`Rule`] order.
        pub(crate) static DECLS: &[Decl] = &[$(registry!(@decl $how($($what)*))),*];

        /// Metadata of every rule, in [`Rule`] order.
        pub static ALL: &[&RuleMeta] = &[$(registry!(@decl $how($($what)*)).meta),*];

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];
        }
    };
    (@module rule($module:ident)) => { pub mod $module; };
    (@module blacklist($($path:tt)*)) => {};
    (@decl rule($module:ident)) => { $module::DECL };
    (@decl blacklist($($path:tt)*)) => { Decl::blacklist(&$($path)*) };
}

registry! {
    B101 => rule(b101_assert_used),
    B102 => rule(b102_exec_used),
    B103 => rule(b103_set_bad_file_permissions),
    B104 => rule(b104_hardcoded_bind_all_interfaces),
    B105 => rule(b105_hardcoded_password_string),
    B106 => rule(b106_hardcoded_password_funcarg),
    B107 => rule(b107_hardcoded_password_default),
    B108 => rule(b108_hardcoded_tmp_directory),
    B110 => rule(b110_try_except_pass),
    B112 => rule(b112_try_except_continue),
    B113 => rule(b113_request_without_timeout),
    B201 => rule(b201_flask_debug_true),
    B202 => rule(b202_tarfile_unsafe_members),
    B301 => blacklist(blacklist_calls::B301),
    B302 => blacklist(blacklist_calls::B302),
    B303 => blacklist(blacklist_calls::B303),
    B304 => blacklist(blacklist_calls::B304),
    B305 => blacklist(blacklist_calls::B305),
    B306 => blacklist(blacklist_calls::B306),
    B307 => blacklist(blacklist_calls::B307),
    B308 => blacklist(blacklist_calls::B308),
    B310 => blacklist(blacklist_calls::B310),
    B311 => blacklist(blacklist_calls::B311),
    B312 => blacklist(blacklist_calls::B312),
    B313 => blacklist(blacklist_calls::B313),
    B314 => blacklist(blacklist_calls::B314),
    B315 => blacklist(blacklist_calls::B315),
    B316 => blacklist(blacklist_calls::B316),
    B317 => blacklist(blacklist_calls::B317),
    B318 => blacklist(blacklist_calls::B318),
    B319 => blacklist(blacklist_calls::B319),
    B321 => blacklist(blacklist_calls::B321),
    B323 => blacklist(blacklist_calls::B323),
    B324 => rule(b324_hashlib),
    B401 => blacklist(blacklist_imports::B401),
    B402 => blacklist(blacklist_imports::B402),
    B403 => blacklist(blacklist_imports::B403),
    B404 => blacklist(blacklist_imports::B404),
    B405 => blacklist(blacklist_imports::B405),
    B406 => blacklist(blacklist_imports::B406),
    B407 => blacklist(blacklist_imports::B407),
    B408 => blacklist(blacklist_imports::B408),
    B409 => blacklist(blacklist_imports::B409),
    B411 => blacklist(blacklist_imports::B411),
    B412 => blacklist(blacklist_imports::B412),
    B413 => blacklist(blacklist_imports::B413),
    B415 => blacklist(blacklist_imports::B415),
    B501 => rule(b501_request_with_no_cert_validation),
    B502 => rule(b502_ssl_with_bad_version),
    B503 => rule(b503_ssl_with_bad_defaults),
    B504 => rule(b504_ssl_with_no_version),
    B505 => rule(b505_weak_cryptographic_key),
    B506 => rule(b506_yaml_load),
    B507 => rule(b507_ssh_no_host_key_verification),
    B508 => rule(b508_snmp_insecure_version_check),
    B509 => rule(b509_snmp_crypto_check),
    B601 => rule(b601_paramiko_calls),
    B602 => rule(b602_subprocess_popen_with_shell_equals_true),
    B603 => rule(b603_subprocess_without_shell_equals_true),
    B604 => rule(b604_any_other_function_with_shell_equals_true),
    B605 => rule(b605_start_process_with_a_shell),
    B606 => rule(b606_start_process_with_no_shell),
    B607 => rule(b607_start_process_with_partial_path),
    B608 => rule(b608_hardcoded_sql_expressions),
    B609 => rule(b609_linux_commands_wildcard_injection),
    B610 => rule(b610_django_extra_used),
    B611 => rule(b611_django_rawsql_used),
    B612 => rule(b612_logging_config_insecure_listen),
    B613 => rule(b613_trojansource),
    B614 => rule(b614_pytorch_load),
    B615 => rule(b615_huggingface_unsafe_download),
    B701 => rule(b701_jinja2_autoescape_false),
    B702 => rule(b702_use_of_mako_templates),
    B703 => rule(b703_django_mark_safe),
    B704 => rule(b704_markupsafe_markup_xss),
}

impl Rule {
    pub fn meta(self) -> &'static RuleMeta {
        ALL[self as usize]
    }

    pub(crate) fn decl(self) -> &'static Decl {
        &DECLS[self as usize]
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

/// The enabled rules of each node kind, in registry order, derived once from the enabled set.
#[derive(Default, Clone)]
pub(crate) struct Dispatch {
    calls: Vec<for<'t, 's, 'c> fn(&mut FileCx<'t, 's>, &Call<'c>)>,
    function_defs: Vec<for<'t, 's> fn(&mut FileCx<'t, 's>, Node<'t>)>,
    excepts: Vec<for<'t, 's> fn(&mut FileCx<'t, 's>, Node<'t>)>,
    asserts: Vec<for<'t, 's> fn(&mut FileCx<'t, 's>, Node<'t>)>,
    strs: Vec<for<'t, 's> fn(&mut FileCx<'t, 's>, &Str<'t>)>,
    files: Vec<for<'t, 's> fn(&mut FileCx<'t, 's>)>,
}

impl std::fmt::Debug for Dispatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatch")
            .field("calls", &self.calls.len())
            .field("strs", &self.strs.len())
            .finish_non_exhaustive()
    }
}

impl Dispatch {
    pub(crate) fn new(enabled: RuleSet) -> Dispatch {
        let mut d = Dispatch::default();
        for rule in enabled.iter() {
            match rule.decl().visit {
                Visit::Call(f) => d.calls.push(f),
                Visit::FunctionDef(f) => d.function_defs.push(f),
                Visit::Except(f) => d.excepts.push(f),
                Visit::Assert(f) => d.asserts.push(f),
                Visit::Str(f) => d.strs.push(f),
                Visit::File(f) => d.files.push(f),
                Visit::Blacklist => {}
            }
        }
        d
    }
}

pub(crate) fn on_call(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    let dispatch = cx.settings.dispatch();
    for check in &dispatch.calls {
        check(cx, call);
    }
    blacklist::check_call(cx, call);
}

pub(crate) fn on_import(cx: &mut FileCx<'_, '_>, node: Node<'_>) {
    blacklist::check_import(cx, node);
}

pub(crate) fn on_function_def<'t>(cx: &mut FileCx<'t, '_>, node: Node<'t>) {
    let dispatch = cx.settings.dispatch();
    for check in &dispatch.function_defs {
        check(cx, node);
    }
}

pub(crate) fn on_except<'t>(cx: &mut FileCx<'t, '_>, node: Node<'t>) {
    let dispatch = cx.settings.dispatch();
    for check in &dispatch.excepts {
        check(cx, node);
    }
}

pub(crate) fn on_assert<'t>(cx: &mut FileCx<'t, '_>, node: Node<'t>) {
    let dispatch = cx.settings.dispatch();
    for check in &dispatch.asserts {
        check(cx, node);
    }
}

pub(crate) fn on_str<'t>(cx: &mut FileCx<'t, '_>, s: &Str<'t>) {
    let dispatch = cx.settings.dispatch();
    for check in &dispatch.strs {
        check(cx, s);
    }
}

pub(crate) fn on_file(cx: &mut FileCx<'_, '_>) {
    let dispatch = cx.settings.dispatch();
    for check in &dispatch.files {
        check(cx);
    }
}

/// The triggers of the enabled rules: what each needs in a statement to report there.
pub(crate) fn triggers(s: &Settings) -> Vec<Trigger> {
    s.enabled
        .iter()
        .map(|rule| match rule.decl().trigger {
            Some(trigger) => trigger(s),
            None => blacklist::trigger(rule),
        })
        .collect()
}
