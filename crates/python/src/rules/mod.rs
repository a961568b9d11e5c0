//! The rule registry: every Bandit check palisade implements, and the dispatch of each node
//! kind to the rules that look at it.

use palisade_core::RuleMeta;
use tree_sitter::Node;

use crate::walk::{Call, FileCx, Str};

pub mod b101_assert_used;
pub mod b102_exec_used;
pub mod b103_set_bad_file_permissions;
pub mod b104_hardcoded_bind_all_interfaces;
pub mod b105_hardcoded_password_string;
pub mod b106_hardcoded_password_funcarg;
pub mod b107_hardcoded_password_default;
pub mod b108_hardcoded_tmp_directory;
pub mod b110_try_except_pass;
pub mod b112_try_except_continue;
pub mod b113_request_without_timeout;
pub mod b201_flask_debug_true;
pub mod b202_tarfile_unsafe_members;
pub mod b324_hashlib;
pub mod b501_request_with_no_cert_validation;
pub mod b502_ssl_with_bad_version;
pub mod b503_ssl_with_bad_defaults;
pub mod b504_ssl_with_no_version;
pub mod b505_weak_cryptographic_key;
pub mod b506_yaml_load;
pub mod b507_ssh_no_host_key_verification;
pub mod b508_snmp_insecure_version_check;
pub mod b509_snmp_crypto_check;
pub mod b601_paramiko_calls;
pub mod b602_subprocess_popen_with_shell_equals_true;
pub mod b603_subprocess_without_shell_equals_true;
pub mod b604_any_other_function_with_shell_equals_true;
pub mod b605_start_process_with_a_shell;
pub mod b606_start_process_with_no_shell;
pub mod b607_start_process_with_partial_path;
pub mod b608_hardcoded_sql_expressions;
pub mod b609_linux_commands_wildcard_injection;
pub mod b610_django_extra_used;
pub mod b611_django_rawsql_used;
pub mod b612_logging_config_insecure_listen;
pub mod b613_trojansource;
pub mod b614_pytorch_load;
pub mod b615_huggingface_unsafe_download;
pub mod b701_jinja2_autoescape_false;
pub mod b702_use_of_mako_templates;
pub mod b703_django_mark_safe;
pub mod b704_markupsafe_markup_xss;
mod blacklist;
pub mod blacklist_calls;
pub mod blacklist_imports;
pub(crate) mod shared;

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
    B102 => b102_exec_used::RULE,
    B103 => b103_set_bad_file_permissions::RULE,
    B104 => b104_hardcoded_bind_all_interfaces::RULE,
    B105 => b105_hardcoded_password_string::RULE,
    B106 => b106_hardcoded_password_funcarg::RULE,
    B107 => b107_hardcoded_password_default::RULE,
    B108 => b108_hardcoded_tmp_directory::RULE,
    B110 => b110_try_except_pass::RULE,
    B112 => b112_try_except_continue::RULE,
    B113 => b113_request_without_timeout::RULE,
    B201 => b201_flask_debug_true::RULE,
    B202 => b202_tarfile_unsafe_members::RULE,
    B301 => blacklist_calls::B301,
    B302 => blacklist_calls::B302,
    B303 => blacklist_calls::B303,
    B304 => blacklist_calls::B304,
    B305 => blacklist_calls::B305,
    B306 => blacklist_calls::B306,
    B307 => blacklist_calls::B307,
    B308 => blacklist_calls::B308,
    B310 => blacklist_calls::B310,
    B311 => blacklist_calls::B311,
    B312 => blacklist_calls::B312,
    B313 => blacklist_calls::B313,
    B314 => blacklist_calls::B314,
    B315 => blacklist_calls::B315,
    B316 => blacklist_calls::B316,
    B317 => blacklist_calls::B317,
    B318 => blacklist_calls::B318,
    B319 => blacklist_calls::B319,
    B321 => blacklist_calls::B321,
    B323 => blacklist_calls::B323,
    B324 => b324_hashlib::RULE,
    B401 => blacklist_imports::B401,
    B402 => blacklist_imports::B402,
    B403 => blacklist_imports::B403,
    B404 => blacklist_imports::B404,
    B405 => blacklist_imports::B405,
    B406 => blacklist_imports::B406,
    B407 => blacklist_imports::B407,
    B408 => blacklist_imports::B408,
    B409 => blacklist_imports::B409,
    B411 => blacklist_imports::B411,
    B412 => blacklist_imports::B412,
    B413 => blacklist_imports::B413,
    B415 => blacklist_imports::B415,
    B501 => b501_request_with_no_cert_validation::RULE,
    B502 => b502_ssl_with_bad_version::RULE,
    B503 => b503_ssl_with_bad_defaults::RULE,
    B504 => b504_ssl_with_no_version::RULE,
    B505 => b505_weak_cryptographic_key::RULE,
    B506 => b506_yaml_load::RULE,
    B507 => b507_ssh_no_host_key_verification::RULE,
    B508 => b508_snmp_insecure_version_check::RULE,
    B509 => b509_snmp_crypto_check::RULE,
    B601 => b601_paramiko_calls::RULE,
    B602 => b602_subprocess_popen_with_shell_equals_true::RULE,
    B603 => b603_subprocess_without_shell_equals_true::RULE,
    B604 => b604_any_other_function_with_shell_equals_true::RULE,
    B605 => b605_start_process_with_a_shell::RULE,
    B606 => b606_start_process_with_no_shell::RULE,
    B607 => b607_start_process_with_partial_path::RULE,
    B608 => b608_hardcoded_sql_expressions::RULE,
    B609 => b609_linux_commands_wildcard_injection::RULE,
    B610 => b610_django_extra_used::RULE,
    B611 => b611_django_rawsql_used::RULE,
    B612 => b612_logging_config_insecure_listen::RULE,
    B613 => b613_trojansource::RULE,
    B614 => b614_pytorch_load::RULE,
    B615 => b615_huggingface_unsafe_download::RULE,
    B701 => b701_jinja2_autoescape_false::RULE,
    B702 => b702_use_of_mako_templates::RULE,
    B703 => b703_django_mark_safe::RULE,
    B704 => b704_markupsafe_markup_xss::RULE,
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

pub(crate) fn on_call(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    run!(cx, B102, b102_exec_used::check(cx, call));
    run!(cx, B103, b103_set_bad_file_permissions::check(cx, call));
    run!(cx, B106, b106_hardcoded_password_funcarg::check(cx, call));
    run!(cx, B113, b113_request_without_timeout::check(cx, call));
    run!(cx, B201, b201_flask_debug_true::check(cx, call));
    run!(cx, B202, b202_tarfile_unsafe_members::check(cx, call));
    run!(cx, B324, b324_hashlib::check(cx, call));
    run!(
        cx,
        B501,
        b501_request_with_no_cert_validation::check(cx, call)
    );
    run!(cx, B502, b502_ssl_with_bad_version::check(cx, call));
    run!(cx, B504, b504_ssl_with_no_version::check(cx, call));
    run!(cx, B505, b505_weak_cryptographic_key::check(cx, call));
    run!(cx, B506, b506_yaml_load::check(cx, call));
    run!(cx, B507, b507_ssh_no_host_key_verification::check(cx, call));
    run!(cx, B508, b508_snmp_insecure_version_check::check(cx, call));
    run!(cx, B509, b509_snmp_crypto_check::check(cx, call));
    run!(cx, B601, b601_paramiko_calls::check(cx, call));
    run!(
        cx,
        B602,
        b602_subprocess_popen_with_shell_equals_true::check(cx, call)
    );
    run!(
        cx,
        B603,
        b603_subprocess_without_shell_equals_true::check(cx, call)
    );
    run!(
        cx,
        B604,
        b604_any_other_function_with_shell_equals_true::check(cx, call)
    );
    run!(cx, B605, b605_start_process_with_a_shell::check(cx, call));
    run!(cx, B606, b606_start_process_with_no_shell::check(cx, call));
    run!(
        cx,
        B607,
        b607_start_process_with_partial_path::check(cx, call)
    );
    run!(
        cx,
        B609,
        b609_linux_commands_wildcard_injection::check(cx, call)
    );
    run!(cx, B610, b610_django_extra_used::check(cx, call));
    run!(cx, B611, b611_django_rawsql_used::check(cx, call));
    run!(
        cx,
        B612,
        b612_logging_config_insecure_listen::check(cx, call)
    );
    run!(cx, B614, b614_pytorch_load::check(cx, call));
    run!(cx, B615, b615_huggingface_unsafe_download::check(cx, call));
    run!(cx, B701, b701_jinja2_autoescape_false::check(cx, call));
    run!(cx, B702, b702_use_of_mako_templates::check(cx, call));
    run!(cx, B703, b703_django_mark_safe::check(cx, call));
    run!(cx, B704, b704_markupsafe_markup_xss::check(cx, call));
    blacklist::check_call(cx, call);
}

pub(crate) fn on_import(cx: &mut FileCx<'_, '_>, node: Node<'_>) {
    blacklist::check_import(cx, node);
}

pub(crate) fn on_function_def(cx: &mut FileCx<'_, '_>, node: Node<'_>) {
    run!(cx, B107, b107_hardcoded_password_default::check(cx, node));
    run!(cx, B503, b503_ssl_with_bad_defaults::check(cx, node));
}

pub(crate) fn on_except(cx: &mut FileCx<'_, '_>, node: Node<'_>) {
    run!(cx, B110, b110_try_except_pass::check(cx, node));
    run!(cx, B112, b112_try_except_continue::check(cx, node));
}

pub(crate) fn on_assert(cx: &mut FileCx<'_, '_>, node: Node<'_>) {
    run!(cx, B101, b101_assert_used::check(cx, node));
}

pub(crate) fn on_str<'t>(cx: &mut FileCx<'t, '_>, s: &Str<'t>) {
    run!(cx, B104, b104_hardcoded_bind_all_interfaces::check(cx, s));
    run!(cx, B105, b105_hardcoded_password_string::check(cx, s));
    run!(cx, B108, b108_hardcoded_tmp_directory::check(cx, s));
    run!(cx, B608, b608_hardcoded_sql_expressions::check(cx, s));
}

/// Tests that look at the whole file once (Bandit's `File` tests).
pub(crate) fn on_file(cx: &mut FileCx<'_, '_>) {
    run!(cx, B613, b613_trojansource::check(cx));
}

/// The triggers of the enabled rules: what each needs in a statement to report there.
pub(crate) fn triggers(s: &crate::config::Settings) -> Vec<crate::prefilter::Trigger> {
    s.enabled
        .iter()
        .map(|rule| match rule {
            Rule::B101 => b101_assert_used::trigger(s),
            Rule::B102 => b102_exec_used::trigger(s),
            Rule::B103 => b103_set_bad_file_permissions::trigger(s),
            Rule::B104 => b104_hardcoded_bind_all_interfaces::trigger(s),
            Rule::B105 => b105_hardcoded_password_string::trigger(s),
            Rule::B106 => b106_hardcoded_password_funcarg::trigger(s),
            Rule::B107 => b107_hardcoded_password_default::trigger(s),
            Rule::B108 => b108_hardcoded_tmp_directory::trigger(s),
            Rule::B110 => b110_try_except_pass::trigger(s),
            Rule::B112 => b112_try_except_continue::trigger(s),
            Rule::B113 => b113_request_without_timeout::trigger(s),
            Rule::B201 => b201_flask_debug_true::trigger(s),
            Rule::B202 => b202_tarfile_unsafe_members::trigger(s),
            Rule::B301 => blacklist::trigger(rule),
            Rule::B302 => blacklist::trigger(rule),
            Rule::B303 => blacklist::trigger(rule),
            Rule::B304 => blacklist::trigger(rule),
            Rule::B305 => blacklist::trigger(rule),
            Rule::B306 => blacklist::trigger(rule),
            Rule::B307 => blacklist::trigger(rule),
            Rule::B308 => blacklist::trigger(rule),
            Rule::B310 => blacklist::trigger(rule),
            Rule::B311 => blacklist::trigger(rule),
            Rule::B312 => blacklist::trigger(rule),
            Rule::B313 => blacklist::trigger(rule),
            Rule::B314 => blacklist::trigger(rule),
            Rule::B315 => blacklist::trigger(rule),
            Rule::B316 => blacklist::trigger(rule),
            Rule::B317 => blacklist::trigger(rule),
            Rule::B318 => blacklist::trigger(rule),
            Rule::B319 => blacklist::trigger(rule),
            Rule::B321 => blacklist::trigger(rule),
            Rule::B323 => blacklist::trigger(rule),
            Rule::B324 => b324_hashlib::trigger(s),
            Rule::B401 => blacklist::trigger(rule),
            Rule::B402 => blacklist::trigger(rule),
            Rule::B403 => blacklist::trigger(rule),
            Rule::B404 => blacklist::trigger(rule),
            Rule::B405 => blacklist::trigger(rule),
            Rule::B406 => blacklist::trigger(rule),
            Rule::B407 => blacklist::trigger(rule),
            Rule::B408 => blacklist::trigger(rule),
            Rule::B409 => blacklist::trigger(rule),
            Rule::B411 => blacklist::trigger(rule),
            Rule::B412 => blacklist::trigger(rule),
            Rule::B413 => blacklist::trigger(rule),
            Rule::B415 => blacklist::trigger(rule),
            Rule::B501 => b501_request_with_no_cert_validation::trigger(s),
            Rule::B502 => b502_ssl_with_bad_version::trigger(s),
            Rule::B503 => b503_ssl_with_bad_defaults::trigger(s),
            Rule::B504 => b504_ssl_with_no_version::trigger(s),
            Rule::B505 => b505_weak_cryptographic_key::trigger(s),
            Rule::B506 => b506_yaml_load::trigger(s),
            Rule::B507 => b507_ssh_no_host_key_verification::trigger(s),
            Rule::B508 => b508_snmp_insecure_version_check::trigger(s),
            Rule::B509 => b509_snmp_crypto_check::trigger(s),
            Rule::B601 => b601_paramiko_calls::trigger(s),
            Rule::B602 => b602_subprocess_popen_with_shell_equals_true::trigger(s),
            Rule::B603 => b603_subprocess_without_shell_equals_true::trigger(s),
            Rule::B604 => b604_any_other_function_with_shell_equals_true::trigger(s),
            Rule::B605 => b605_start_process_with_a_shell::trigger(s),
            Rule::B606 => b606_start_process_with_no_shell::trigger(s),
            Rule::B607 => b607_start_process_with_partial_path::trigger(s),
            Rule::B608 => b608_hardcoded_sql_expressions::trigger(s),
            Rule::B609 => b609_linux_commands_wildcard_injection::trigger(s),
            Rule::B610 => b610_django_extra_used::trigger(s),
            Rule::B611 => b611_django_rawsql_used::trigger(s),
            Rule::B612 => b612_logging_config_insecure_listen::trigger(s),
            Rule::B613 => b613_trojansource::trigger(s),
            Rule::B614 => b614_pytorch_load::trigger(s),
            Rule::B615 => b615_huggingface_unsafe_download::trigger(s),
            Rule::B701 => b701_jinja2_autoescape_false::trigger(s),
            Rule::B702 => b702_use_of_mako_templates::trigger(s),
            Rule::B703 => b703_django_mark_safe::trigger(s),
            Rule::B704 => b704_markupsafe_markup_xss::trigger(s),
        })
        .collect()
}
