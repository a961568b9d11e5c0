//! Every name-anchored provider rule (`(?i:name){{assign}}...`) knows every assignment form of
//! the shared grammar: for each such rule, the value of its first example is written in each
//! form (Go `var x string =`, Makefile `?=`/`::=`/`:::=`, `System.setProperty`, PHP `.=`, XML
//! elements on one line or two, XML attributes, shell, fish `set -gx`, Dockerfile `ENV NAME
//! value`, PowerShell, YAML, JSON, flags, HTTP
//! headers...) under a name made of the rule's keyword, and must be found; the same forms with
//! a reference instead of the value, or with the name inside another word, must not be.

mod common;

use palisade_secrets::check_rules::expand_example;
use palisade_secrets::rules::Rule;
use palisade_secrets::Engine;

fn specs() -> Vec<palisade_secrets::spec::RuleSpec> {
    common::rule_files()
        .into_iter()
        .flat_map(|(_, file)| file.rules)
        .collect()
}

/// The secrets `engine` reports in `text` (not rejected by a validator).
fn found(engine: &Engine, text: &str) -> Vec<String> {
    let (mut windows, mut raw, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    engine.scan(text, false, &mut windows, &mut raw, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    raw.iter()
        .filter(|m| !m.rejected && m.decoded.is_none())
        .map(|m| text[m.secret.clone()].to_string())
        .collect()
}

/// `okta` -> (`OKTA_API_TOKEN`, `oktaApiToken`, `okta_api_token`, `okta-api-token`,
/// `okta.api.token`): the keyword as the rule spells it, then the rest of the name in each
/// naming style.
fn names(keyword: &str) -> [String; 5] {
    [
        format!("{}_API_TOKEN", keyword.to_ascii_uppercase()),
        format!("{keyword}ApiToken"),
        format!("{keyword}_api_token"),
        format!("{keyword}-api-token"),
        format!("{keyword}.api.token"),
    ]
}

/// Each form with `{U}` (upper snake), `{C}` (camelCase), `{S}` (snake), `{K}` (kebab),
/// `{D}` (dotted) for the name and `{V}` for the value.
const FORMS: &[&str] = &[
    "{U} = \"{V}\"",
    "var {C} string = \"{V}\"",
    "{C} := \"{V}\"",
    "val {C}: String = \"{V}\"",
    "const {U}: &str = \"{V}\";",
    "{S}: str = \"{V}\"",
    "{U} ?= {V}",
    "{U} ::= {V}",
    "{U} :::= {V}",
    "{U} += {V}",
    "System.setProperty(\"{U}\", \"{V}\");",
    "${S} .= '{V}';",
    "define('{U}', '{V}');",
    "'{S}' => '{V}',",
    "<{C}>{V}</{C}>",
    "<{C}>\n    {V}\n</{C}>",
    "<add key=\"{U}\" value=\"{V}\" />",
    "<entry key=\"{D}\">{V}</entry>",
    "<service {C}=\"{V}\"/>",
    "export {U}={V}",
    "export {U}=\"{V}\"",
    "set {U}={V}",
    "$env:{U} = \"{V}\"",
    "ENV {U}={V}",
    "ARG {U}={V}",
    "ENV {U} {V}",
    "ENV {U} \"{V}\"",
    "set -gx {U} {V}",
    "set --export {U} '{V}'",
    "  {S}: {V}",
    "  {S}: \"{V}\"",
    "{S} = \"{V}\"",
    "{D}={V}",
    "{\"{C}\": \"{V}\"}",
    "{\\\"{C}\\\": \\\"{V}\\\"}",
    "--{K}={V}",
    "X-{K}: {V}",
    "{C}: Bearer {V}",
    "os.environ[\"{U}\"] = \"{V}\"",
    "os.getenv(\"{U}\", \"{V}\")",
    "client = Client({S}=\"{V}\")",
    "{S} <- \"{V}\"",
    ":{S} => '{V}'",
    "@{S} ||= '{V}'",
    "string {C} = @\"{V}\";",
];

/// The same forms holding no value: a reference, a template, a call.
const NEGATIVE_FORMS: &[&str] = &[
    "{U} = os.environ[\"{U}\"]",
    "var {C} string = os.Getenv(\"{U}\")",
    "{U} ?= $(shell cat /run/secrets/{S})",
    "System.setProperty(\"{U}\", System.getenv(\"{U}\"));",
    "<{C}>${{U}}</{C}>",
    "<{C}>\n    ${{U}}\n</{C}>",
    "<add key=\"{U}\" value=\"%{U}%\" />",
    "export {U}=\"${{U}}\"",
    "ENV {U} ${{U}}",
    "set -e {U}",
    "$env:{U} = (Get-Secret {U})",
    "{S}: {{ {S} }}",
    "{\"{C}\": \"<your-token>\"}",
    "X-{K}: $TOKEN",
];

fn fill(form: &str, names: &[String; 5], value: &str) -> String {
    form.replace("{U}", &names[0])
        .replace("{C}", &names[1])
        .replace("{S}", &names[2])
        .replace("{K}", &names[3])
        .replace("{D}", &names[4])
        .replace("{V}", value)
}

#[test]
fn every_name_anchored_rule_knows_every_assignment_form() {
    let mut checked = 0;
    let mut untestable = Vec::new();
    let mut failures = Vec::new();
    for spec in specs() {
        // Generic rules also judge the whole line (references such as `os.environ` on it);
        // their own examples prove each form.
        if !(spec.regex.starts_with("(?i:") && spec.regex.contains("{{assign}}")) || spec.generic {
            continue;
        }
        let engine = Engine::new(vec![Rule::from_spec(&spec).unwrap()]);
        // The value of the first example the rule finds.
        let Some(value) = spec.examples.iter().enumerate().find_map(|(i, t)| {
            let text = expand_example(t, &format!("{}#{i}", spec.id));
            found(&engine, &text).into_iter().next()
        }) else {
            failures.push(format!("{}: no example found", spec.id));
            continue;
        };
        if value.contains(['"', '\'', ' ']) {
            untestable.push(spec.id.clone());
            continue;
        }
        // A keyword that names the rule in the plain form.
        let Some(keyword) = spec.keywords.iter().find(|k| {
            k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && found(
                    &engine,
                    &fill(FORMS[0], &names(&k.to_ascii_lowercase()), &value),
                )
                .contains(&value)
        }) else {
            untestable.push(spec.id.clone());
            continue;
        };
        let n = names(&keyword.to_ascii_lowercase());
        checked += 1;
        for form in FORMS {
            let text = fill(form, &n, &value);
            if !found(&engine, &text).contains(&value) {
                failures.push(format!("{}: not found in {text:?}", spec.id));
            }
        }
        for form in NEGATIVE_FORMS {
            let text = fill(form, &n, &value);
            let f = found(&engine, &text);
            if !f.is_empty() {
                failures.push(format!("{}: {f:?} found in {text:?}", spec.id));
            }
        }
        // The provider's name inside another word names nothing.
        let inside = format!("zz{} = \"{value}\"", n[2]);
        if !found(&engine, &inside).is_empty() {
            failures.push(format!("{}: found in {inside:?}", spec.id));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures ({checked} rules):\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{checked} rules checked; without a plain name form: {untestable:?}");
    assert!(checked >= 140, "only {checked} rules checked");
    assert!(
        untestable.len() * 10 <= checked,
        "too many rules without a plain name form: {untestable:?}"
    );
}
