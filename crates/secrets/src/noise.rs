//! Filters for values that look like a secret's format but are not secrets: placeholders,
//! documented examples, templates, variable references, repeated or sequential characters.
//! Each filter works on the captured value (and for references, its line) without allocating.

/// Shannon entropy of the bytes of `s`, in bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Words that mark a value as a stand-in. Matched case-insensitively as substrings of the
/// secret, so only words that essentially never occur inside random tokens belong here.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "xxxxx",
    "*****",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourpassword",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "replace_me",
    "replaceme",
    "replace-me",
    "insert_",
    "insert-",
    "redacted",
    "dummy",
    "notreal",
    "not_real",
    "not-a-real",
    "fake_",
    "fakekey",
    "faketoken",
    "sample",
    "0000000000",
    "123456789",
    "abcdefgh",
    "qwerty",
    "...",
    "…",
];

/// Whole values that are never secrets (for generic assignment rules).
const STOP_VALUES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "changeme",
    "admin",
    "root",
    "test",
    "testing",
    "default",
    "none",
    "null",
    "nil",
    "true",
    "false",
    "undefined",
    "empty",
    "required",
    "optional",
    "string",
    "str",
    "bytes",
    "text",
    "value",
    "hidden",
    "masked",
    "secretkey",
    "secret_key",
    "mysecret",
    "mypassword",
    "letmein",
    "welcome",
    "example",
    "password123",
    "secret123",
    "pass",
    "pwd",
    "foobar",
    "foo",
    "bar",
    "baz",
    "todo",
    "tbd",
];

/// Whether `secret` is a placeholder, template or otherwise not a real value.
pub fn is_placeholder(secret: &str) -> bool {
    // Judge what is inside quotes a value kept (`'$VAR'`).
    let secret = secret.trim_matches(|c| c == '\'' || c == '"');
    let bytes = secret.as_bytes();
    if bytes.is_empty() {
        return true;
    }
    // Templates and references: ${X}, {{ x }}, <x>, %(x)s, %X%, $X, [x].
    if secret.contains("${")
        || secret.starts_with("$(")
        || secret.starts_with('`')
        || secret.contains("{{")
        || secret.contains("}}")
        || secret.contains("%(")
        || (bytes[0] == b'<' && bytes[bytes.len() - 1] == b'>')
        || (bytes[0] == b'{' && bytes[bytes.len() - 1] == b'}')
        || (bytes[0] == b'%' && bytes[bytes.len() - 1] == b'%' && bytes.len() > 2)
        || (bytes[0] == b'$'
            && bytes.len() > 1
            && (bytes[1].is_ascii_alphabetic() || bytes[1] == b'_'))
    {
        return true;
    }
    if secret.starts_with("&lt;") || contains_ignore_case(secret, PLACEHOLDER_WORDS) {
        return true;
    }
    let all_same = bytes.iter().all(|&b| b == bytes[0]);
    all_same || long_run(bytes) || low_variety(bytes)
}

/// Parts of a name that make `name = value` metadata about a secret rather than the secret:
/// `PASSWORD_MIN_LENGTH`, `password_hash`, `token_url`, `csrf_token`, `public_key`.
const NAME_STOPWORDS: &[&str] = &[
    "hash",
    "length",
    "_len",
    "min_",
    "max_",
    "field",
    "prompt",
    "policy",
    "reset",
    "url",
    "uri",
    "endpoint",
    "file",
    "path",
    "regex",
    "pattern",
    "label",
    "placeholder",
    "hint",
    "format",
    "public",
    "csrf",
    "xsrf",
    "page_token",
    "pagetoken",
    "next_token",
    "nexttoken",
    "pagination",
    "cursor",
    "_name",
    "name\"",
    "name'",
    "size",
    "expir",
    "timeout",
    "ttl",
    "count",
    "header",
    "param",
    "confirm",
    "validator",
    "algorithm",
    "version",
    "prefix",
    "suffix",
    "keyboard",
    "monkey",
    "turkey",
    "_type",
    "type\"",
    "type'",
    "_env",
    "env_var",
    "tokenizer",
    "token_type",
    "_mode",
    "enabled",
    "required",
    "_count",
    "_limit",
];

/// Stricter checks for generic rules, whose values come from assignments of any kind.
/// `context` is the matched text before the value (the name and the operator).
pub fn is_generic_noise(secret: &str, line: &str, context: &str) -> bool {
    if is_placeholder(secret)
        || secret.starts_with(char::is_whitespace)
        || secret.ends_with(char::is_whitespace)
    {
        return true;
    }
    if is_password_hash(secret) || secret.matches(' ').count() >= 2 {
        return true;
    }
    // A sentence (`"Forbidden value."`).
    if secret.contains(' ') && secret.ends_with(['.', '!', '?']) {
        return true;
    }
    // `@NAME@` template markers and `UUID=`/`LABEL=` device names.
    let sb = secret.as_bytes();
    if (sb[0] == b'@'
        && sb[1..]
            .iter()
            .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_' || c == b'@'))
        || contains_ignore_case(secret, &["uuid=", "label="])
    {
        return true;
    }
    // A hex digest assigned to a password name is a stored hash (MD5, NT, SHA-1, SHA-256).
    let name = assigned_name(context);
    if contains_ignore_case(name, &["pass", "pwd"])
        && matches!(secret.len(), 32 | 40 | 64)
        && sb.iter().all(u8::is_ascii_hexdigit)
    {
        return true;
    }
    if contains_ignore_case(assigned_name(context), NAME_STOPWORDS) {
        return true;
    }
    let is_stop = |v: &str| {
        STOP_VALUES
            .iter()
            .any(|w| v.len() == w.len() && v.eq_ignore_ascii_case(w))
    };
    // Placeholder passwords made of words (`Sup3rS3cr3tP@ssW0rd`, `saltstack1`), and a value
    // that repeats its own name (`pkcs12_passphrase=pkcs12_passphrase`).
    if is_stop(secret)
        || crate::words::is_word_password(secret)
        || secret.eq_ignore_ascii_case(name.trim_start_matches(['-', '.']))
    {
        return true;
    }
    // A query string caught whole (`password=saltdev&eauth=pam`): judge the first value.
    if let Some((first, rest)) = secret.split_once('&') {
        if rest.contains('=') && (is_stop(first) || crate::words::is_word_password(first)) {
            return true;
        }
    }
    // `user:password` pairs (curl -u, basic auth): judge the password part.
    if let Some((_, pass)) = secret.split_once(':') {
        if is_stop(pass) || is_placeholder(pass) || crate::words::is_word_password(pass) {
            return true;
        }
    }
    // References to where the secret really lives.
    if contains_ignore_case(
        line,
        &[
            "os.environ",
            "getenv",
            "environ.get",
            "process.env",
            "env(",
            "env[",
            "config.get",
            "settings.",
            "secrets.",
            "vault(",
            "keyring.",
            "input(",
            "getpass",
            "sha256:",
            "sha512-",
            "sha1-",
            "integrity",
        ],
    ) {
        return true;
    }
    // Publishable keys (Stripe `pk_`, Mapbox `pk.`) are meant to be public; `#id` selectors
    // and ARNs are names.
    if secret.starts_with("pk_")
        || secret.starts_with("pk.")
        || secret.starts_with('#')
        || secret.starts_with("arn:")
    {
        return true;
    }
    is_uuid(secret) || looks_like_path_or_url(secret) || is_identifier_like(secret)
}

/// Calls that set a named value from their first two arguments.
const SETTERS: &[&str] = &[
    "setproperty",
    "setenv",
    "putenv",
    "setdefault",
    "define",
    "set",
    "put",
    "setitem",
    "add",
    "setvalue",
    "setsecret",
    "setenvironmentvariable",
    "setstring",
    "putstring",
    "setconfig",
    "setoption",
    "setcredential",
    "setcredentials",
    "setpassword",
    "settoken",
    "setheader",
    "addheader",
    "header",
    "store",
    "environ",
    "update",
];

/// For a generic rule's match in the comma form (`("NAME", "value")`, seen as a `,` in the
/// matched context ending in `", "`), whether the name is the first argument of a setter call
/// (`System.setProperty(`, `os.environ.setdefault(`, `define(`, `putenv(`...): positional
/// arguments of other calls (`reverse("password_change_done", ...)`,
/// `CreateProcessAsUser("user", "password", ...)`) are no assignment. `before` is the line
/// text before the match. True for the other forms.
pub(crate) fn comma_form_is_setter(context: &str, before: &str) -> bool {
    let tail = context.trim_end_matches([' ', '\t']);
    let comma = tail.strip_suffix(['"', '\'', '`']).is_some_and(|t| {
        let t = t.strip_suffix('\\').unwrap_or(t);
        t.trim_end_matches(['r', 'b', 'u', 'R', 'B', 'U', '@'])
            .trim_end()
            .ends_with(',')
    });
    if !comma {
        return true;
    }
    let b = before.trim_end();
    let Some(b) = b.strip_suffix(['"', '\'']) else {
        return false;
    };
    let b = b.strip_suffix('\\').unwrap_or(b).trim_end();
    let Some(b) = b.strip_suffix('(') else {
        return false;
    };
    let b = b.trim_end();
    // After the last character that is not part of a name, however many bytes it takes.
    let start = b
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |(p, c)| p + c.len_utf8());
    let call = &b[start..];
    SETTERS.iter().any(|s| call.eq_ignore_ascii_case(s))
}

/// The identifier an assignment context ends with: `password_hash` in `  password_hash = "`.
/// Words of the assignment grammar after the name are skipped: a type (`var dbPassword string
/// = "`, `password: str = "`), an XML `value=` attribute (`key="db_password" value="`) and an
/// authorization scheme (`token: Bearer `).
pub(crate) fn assigned_name(context: &str) -> &str {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    let mut rest = context;
    loop {
        let trimmed = rest.trim_end_matches(|c: char| !is_ident(c));
        // After the last character that is not part of a name, however many bytes it takes.
        let start = trimmed
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_ident(c))
            .map_or(0, |(p, c)| p + c.len_utf8());
        let word = &trimmed[start..];
        let grammar = [
            "string",
            "str",
            "value",
            "bearer",
            "basic",
            "token",
            "api-token",
            "apitoken",
            "ssws",
            "bot",
        ];
        if start > 0 && grammar.iter().any(|g| word.eq_ignore_ascii_case(g)) {
            rest = &trimmed[..start];
            continue;
        }
        return word;
    }
}

/// Case-insensitive substring search for any of `needles` (all lower-case ASCII).
fn contains_ignore_case(hay: &str, needles: &[&str]) -> bool {
    let h = hay.as_bytes();
    needles.iter().any(|n| {
        let n = n.as_bytes();
        n.len() <= h.len()
            && h.windows(n.len())
                .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
    })
}

/// Six or more of the same character, or an ascending/descending run of eight.
fn long_run(bytes: &[u8]) -> bool {
    let (mut same, mut up, mut down) = (1, 1, 1);
    for w in bytes.windows(2) {
        same = if w[1] == w[0] { same + 1 } else { 1 };
        up = if w[1] == w[0].wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if w[1] == w[0].wrapping_sub(1) {
            down + 1
        } else {
            1
        };
        if same >= 6 || up >= 8 || down >= 8 {
            return true;
        }
    }
    false
}

/// Long values made of very few distinct characters (`abababab...`, `a1a1a1...`).
fn low_variety(bytes: &[u8]) -> bool {
    if bytes.len() < 16 {
        return false;
    }
    let mut seen = [false; 256];
    let mut distinct = 0;
    for &b in bytes {
        if !seen[b as usize] {
            seen[b as usize] = true;
            distinct += 1;
        }
    }
    distinct <= 4
}

pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn looks_like_path_or_url(s: &str) -> bool {
    s.starts_with('/')
        || s.starts_with("./")
        || s.starts_with("../")
        || s.starts_with("~/")
        || s.contains("://")
        || (s.contains('/')
            && s.contains('.')
            && !s.contains('+')
            && s.len() < 64
            && !has_digit_and_letter_mix(s))
}

fn has_digit_and_letter_mix(s: &str) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let upper = s.bytes().filter(u8::is_ascii_uppercase).count();
    let lower = s.bytes().filter(u8::is_ascii_lowercase).count();
    digits >= 2 && upper >= 2 && lower >= 2
}

/// Values that read as code: `self.password`, `get_token()`, `settings.SECRET`, `my_var`,
/// `CamelCaseName`, type annotations. A secret mixes character classes without structure.
fn is_identifier_like(s: &str) -> bool {
    let b = s.as_bytes();
    if s.ends_with("()") || s.ends_with(')') || s.contains("()") {
        return true;
    }
    // A dotted reference to code: `request.POST.get`, `config.db.password`.
    if s.len() < 64
        && s.contains('.')
        && s.split('.').all(|seg| {
            seg.bytes()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
                && seg.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        })
    {
        return true;
    }
    // Words without digits or symbols: `my_password`, `ReadOnlyPasswordHashField`,
    // `Get-AnsibleParam`, `SECRET_KEY`. A secret mixes classes.
    if s.len() < 64
        && b.iter().any(u8::is_ascii_alphabetic)
        && b.iter()
            .all(|&c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'.' | b'-'))
    {
        // Random letters switch case all the time; names have words.
        let upper = b.iter().filter(|c| c.is_ascii_uppercase()).count();
        let separated = b.iter().any(|&c| matches!(c, b'_' | b'.' | b'-'));
        if separated || upper * 3 <= b.len() || upper == b.len() {
            return true;
        }
    }
    // snake_case names with digits: `pkcs12_passphrase`, `_scram_sha_256`.
    if b.first()
        .is_some_and(|&c| c.is_ascii_lowercase() || c == b'_')
        && b.contains(&b'_')
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
    {
        return true;
    }
    // SCREAMING_CASE constants with digits: `AWS_REGION_2`.
    let upper_words = b
        .iter()
        .all(|&c| c.is_ascii_uppercase() || c == b'_' || c == b'.' || c.is_ascii_digit());
    upper_words && b.contains(&b'_')
}

/// Stored password hashes (`$6$rounds=...`, `$2b$12$...`, `pbkdf2_sha256$...`, `argon2...`):
/// what a system keeps instead of the password.
fn is_password_hash(s: &str) -> bool {
    let b = s.as_bytes();
    // MySQL native password: `*` and the upper-case SHA1(SHA1(password)).
    if b.len() == 41 && b[0] == b'*' && b[1..].iter().all(u8::is_ascii_hexdigit) {
        return true;
    }
    let crypt =
        b.len() > 4 && b[0] == b'$' && b[1..].contains(&b'$') && b[1].is_ascii_alphanumeric();
    crypt
        || [
            "pbkdf2", "argon2", "bcrypt", "scrypt", "sha1$", "md5$", "{ssha}", "{sha}",
        ]
        .iter()
        // Compared as bytes: a multi-byte character may straddle the prefix length.
        .any(|p| b.len() > p.len() && b[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
}

/// Documentation (`docs/`, `*.rst`, `*.md`): credentials there are examples far more often
/// than leaks, so generic findings are held to the same bar as in tests.
pub fn is_docs_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or("");
    let in_docs = lower
        .split('/')
        .rev()
        .skip(1)
        .any(|d| matches!(d, "doc" | "docs" | "documentation" | "examples" | "example"));
    in_docs
        || [".rst", ".md", ".markdown", ".adoc", ".txt"]
            .iter()
            .any(|e| name.ends_with(e) && !name.starts_with("requirements"))
}

/// Whether a path is test code or test data (`tests/`, `test_*.py`, `*_test.go`, `conftest.py`,
/// `fixtures/`, `*.spec.ts`): generic findings there are test values far more often than
/// secrets.
pub fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.split('/');
    let name = parts.next_back().unwrap_or("");
    let dir_hit = lower.split('/').rev().skip(1).any(|d| {
        matches!(
            d,
            "test"
                | "tests"
                | "testing"
                | "testdata"
                | "test_data"
                | "fixtures"
                | "__tests__"
                | "spec"
                | "specs"
        )
    });
    dir_hit
        || name.starts_with("test_")
        || name == "conftest.py"
        || name.contains("_test.")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.contains("_spec.")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the secrets and redactor fuzz targets: a name right after a character of more
    /// than one byte (here the replacement character of an invalid byte) was cut inside that
    /// character, a panic.
    #[test]
    /// Found by the `secrets` fuzz target: a call name after a multi-byte character
    /// (`parametri\u{FFFD}e("password", b"...")`, invalid UTF-8 replaced) was cut inside it.
    fn a_setter_call_after_a_multi_byte_character() {
        assert!(!comma_form_is_setter("\", \"", "x = f\u{FFFD}e(\""));
        assert!(comma_form_is_setter("\", \"", "\u{FFFD}setProperty(\""));
        assert!(!comma_form_is_setter("\", \"", "\u{FFFD}(\""));
    }

    #[test]
    fn assigned_name_after_a_multi_byte_character() {
        assert_eq!(assigned_name("\u{FFFD}password = \""), "password");
        assert_eq!(assigned_name("é_token: "), "_token");
        assert_eq!(assigned_name("x = \u{FFFD}"), "x");
        assert_eq!(assigned_name("\u{FFFD}"), "");
    }

    #[test]
    fn password_hash_prefixes_on_non_ascii_values() {
        assert!(!is_password_hash("françois"));
        assert!(!is_password_hash("ärgon2xyzä"));
        assert!(is_password_hash("pbkdf2_sha256$260000$abc"));
    }

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn placeholders() {
        for p in [
            "YOUR_API_KEY",
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "${DB_PASSWORD}",
            "<your-secret-key-here>",
            "{{ api_key }}",
            "%API_KEY%",
            "$SECRET",
            "aaaaaaaaaaaaaaaa",
            "abababababababab",
            "sk_live_0123456789abcdef",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for s in [
            "Vq7#rT2!pL9@wK4zNm",
            "wJ9rX2kLm8PqT4vZ1bN7cY3hG6",
            "ghp_Zq8vK2mN4pR7tW1xY3bC6dF9gH0jL5aaB3c",
        ] {
            assert!(!is_placeholder(s), "{s}");
        }
    }

    #[test]
    fn doc_paths_and_hashes() {
        assert!(is_docs_path("docs/topics/db/multi-db.txt"));
        assert!(is_docs_path("README.md"));
        assert!(!is_docs_path("requirements.txt"));
        assert!(!is_docs_path("src/app.py"));
        assert!(is_password_hash("$6$rounds=656000$abcdefgh$xyz"));
        assert!(is_password_hash("pbkdf2_sha256$260000$salt$hash"));
        assert!(!is_password_hash("$ecretP4ss"));
    }

    #[test]
    fn test_paths() {
        assert!(is_test_path("tests/auth_tests/test_forms.py"));
        assert!(is_test_path("src/app/conftest.py"));
        assert!(is_test_path("web/login.spec.ts"));
        assert!(!is_test_path("src/settings.py"));
        assert!(!is_test_path("contest/settings.py"));
    }

    #[test]
    fn generic_noise() {
        assert!(is_generic_noise(
            "ReadOnlyPasswordHashField",
            "password = ReadOnlyPasswordHashField()",
            "password = "
        ));
        assert!(is_generic_noise(
            "Get-AnsibleParam",
            "$password = Get-AnsibleParam -obj $params",
            "$password = "
        ));
        assert!(is_generic_noise(
            " -u foo",
            "password:\" -u foo\"",
            "password:\""
        ));
        assert!(is_placeholder("****"));
        assert!(is_generic_noise(
            "_scram_sha_256",
            "password = _scram_sha_256(password)",
            "password = "
        ));
        assert!(is_generic_noise(
            "@ESXI1_PASSWORD",
            "esxi1_password: @ESXI1_PASSWORD",
            "esxi1_password: "
        ));
        assert!(is_generic_noise(
            "A70C708517B5DD0EDB67714FE25336EB",
            "- password: A70C708517B5DD0EDB67714FE25336EB",
            "- password: "
        ));
        assert!(is_generic_noise(
            "password",
            "password = 'password'",
            "password = '"
        ));
        assert!(is_generic_noise(
            "get_password()",
            "password = get_password()",
            "password = "
        ));
        assert!(is_generic_noise(
            "self.password",
            "password = self.password",
            "password = "
        ));
        assert!(is_generic_noise(
            "abc",
            "password = os.environ['abc']",
            "password = "
        ));
        assert!(is_generic_noise(
            "Zq8vK2mN4pR7",
            "PASSWORD_HASH = 'Zq8vK2mN4pR7'",
            "PASSWORD_HASH = '"
        ));
        let line = "password: \"Vq7#rT2!pL9@wK4zNm\"";
        assert!(!is_generic_noise(
            "Vq7#rT2!pL9@wK4zNm",
            line,
            "password: \""
        ));
    }
}
