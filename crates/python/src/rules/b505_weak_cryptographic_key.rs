use crate::rules::Rule;
use crate::syntax::Value;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds key generation with `cryptography` (`rsa/dsa/ec.generate_private_key`) and
    /// PyCrypto/PyCryptodome (`RSA/DSA.generate`) whose literal key size is below 1024 bits (high) or
    /// 2048 bits (medium) for RSA and DSA, or whose elliptic curve is below 160 or 224 bits (Bandit
    /// B505). The limits are the Bandit settings `weak_cryptographic_key.weak_key_size_*`.
    ///
    /// ## Why is this bad?
    /// Short keys can be factored or solved with affordable computing power; whatever they protect
    /// or sign can then be read or forged.
    ///
    /// ## Example
    /// ```python
    /// rsa.generate_private_key(public_exponent=65537, key_size=1024)  # B505
    /// rsa.generate_private_key(public_exponent=65537, key_size=3072)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b505_weak_cryptographic_key.html
    /// - https://cwe.mitre.org/data/definitions/326.html
    pub static RULE = {
        id: "B505", name: "weak_cryptographic_key", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(326),
        summary: "An RSA, DSA or EC key generated with a breakable size.",
    };
}

const CURVES: &[(&str, u32)] = &[
    ("SECT571K1", 571),
    ("SECT571R1", 570),
    ("SECP521R1", 521),
    ("BrainpoolP512R1", 512),
    ("SECT409K1", 409),
    ("SECT409R1", 409),
    ("BrainpoolP384R1", 384),
    ("SECP384R1", 384),
    ("SECT283K1", 283),
    ("SECT283R1", 283),
    ("BrainpoolP256R1", 256),
    ("SECP256K1", 256),
    ("SECP256R1", 256),
    ("SECT233K1", 233),
    ("SECT233R1", 233),
    ("SECP224R1", 224),
    ("SECP192R1", 192),
    ("SECT163K1", 163),
    ("SECT163R2", 163),
];

/// Python truthiness of a converted value, for Bandit's `a or b or default` chains.
fn truthy(v: &Option<Value>) -> bool {
    match v {
        None => false,
        Some(Value::Str(s)) => !s.is_empty(),
        Some(Value::Int(n)) => *n != 0,
        Some(Value::Float(f)) => *f != 0.0,
        Some(Value::List(l) | Value::Tuple(l) | Value::Set(l)) => !l.is_empty(),
        Some(_) => true,
    }
}

fn first_truthy(candidates: Vec<Option<Value>>) -> Option<Value> {
    candidates.into_iter().find(truthy).flatten()
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    let src = cx.src;
    let ks = &cx.settings.key_sizes;
    let (key_type, size) = match call.qualname.as_str() {
        "cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key" => (
            "DSA",
            first_truthy(vec![call.kw("key_size", src), call.arg_value(0, src)]),
        ),
        "cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key" => (
            "RSA",
            first_truthy(vec![call.kw("key_size", src), call.arg_value(1, src)]),
        ),
        "cryptography.hazmat.primitives.asymmetric.ec.generate_private_key" => {
            let curve = first_truthy(vec![call.kw("curve", src), call.arg_value(0, src)]);
            let bits = curve
                .as_ref()
                .and_then(Value::as_str)
                .and_then(|c| CURVES.iter().find(|(n, _)| *n == c))
                .map_or(224, |(_, b)| *b);
            ("EC", Some(Value::Int(bits as i128)))
        }
        "Crypto.PublicKey.DSA.generate" | "Cryptodome.PublicKey.DSA.generate" => (
            "DSA",
            first_truthy(vec![call.kw("bits", src), call.arg_value(0, src)]),
        ),
        "Crypto.PublicKey.RSA.generate" | "Cryptodome.PublicKey.RSA.generate" => (
            "RSA",
            first_truthy(vec![call.kw("bits", src), call.arg_value(0, src)]),
        ),
        _ => return,
    };
    let size = match size {
        None => 2048.0,
        Some(Value::Int(n)) => n as f64,
        Some(Value::Float(f)) => f,
        // A name or anything else: Bandit cannot judge it.
        Some(_) => return,
    };
    let limits = match key_type {
        "DSA" => [
            (ks.dsa_high, Severity::High),
            (ks.dsa_medium, Severity::Medium),
        ],
        "RSA" => [
            (ks.rsa_high, Severity::High),
            (ks.rsa_medium, Severity::Medium),
        ],
        _ => [
            (ks.ec_high, Severity::High),
            (ks.ec_medium, Severity::Medium),
        ],
    };
    for (limit, severity) in limits {
        if size < limit as f64 {
            cx.report_with(
                Rule::B505,
                call.node,
                severity,
                Confidence::High,
                format!("{key_type} key sizes below {limit} bits are considered breakable. "),
            );
            return;
        }
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    crate::prefilter::Trigger::qualnames([
        "cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key",
        "cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key",
        "cryptography.hazmat.primitives.asymmetric.ec.generate_private_key",
        "Crypto.PublicKey.DSA.generate",
        "Cryptodome.PublicKey.DSA.generate",
        "Crypto.PublicKey.RSA.generate",
        "Cryptodome.PublicKey.RSA.generate",
    ])
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
