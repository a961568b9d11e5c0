//! The pre-commit mirror (dist/pre-commit-mirror/ and dist/make-pre-commit-mirror.sh): its
//! manifest matches the source repository's hooks with `language: python`, the script writes,
//! commits and tags a mirror for a version, and the real pre-commit installs the locally built
//! `palisade-cli` wheel through that mirror, offline, and blocks a commit with a secret.
//!
//! The end-to-end test needs pre-commit (as in pre_commit.rs) and a wheel folder,
//! `PALISADE_WHEELHOUSE`, holding this checkout's wheel (`dist/build-wheel.sh --quick`) and a
//! setuptools wheel (pip builds the mirror's pyproject with it). `.ci/run` prepares both. Without
//! them it skips with a printed reason, except under `CI=true`, where it fails.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::pre_commit::{
    checkout, commit_through_the_hook, find_pre_commit, git, head, isolated, manifest,
    palisade_bin, parse_manifest, run_on_a_clean_project, str_of, text, Hook, Value,
};

fn mirror_template() -> PathBuf {
    checkout().join("dist/pre-commit-mirror")
}

fn make_mirror(version: &str, dest: &Path) -> Output {
    isolated(
        checkout().join("dist/make-pre-commit-mirror.sh"),
        dest.parent().unwrap(),
    )
    .arg(version)
    .arg(dest)
    .output()
    .expect("the mirror script runs")
}

#[test]
fn mirror_manifest_is_the_source_manifest_with_language_python() {
    let mirror = parse_manifest(
        &fs::read_to_string(mirror_template().join(".pre-commit-hooks.yaml")).unwrap(),
    );
    let source: Vec<Hook> = manifest()
        .into_iter()
        .filter(|h| str_of(h, "language") == "rust")
        .collect();
    let ids = |hooks: &[Hook]| -> Vec<String> {
        hooks.iter().map(|h| str_of(h, "id").to_string()).collect()
    };
    assert_eq!(
        ids(&mirror),
        ids(&source),
        "the mirror offers the built hooks' ids"
    );
    for (m, s) in mirror.iter().zip(&source) {
        let id = str_of(m, "id");
        assert_eq!(str_of(m, "language"), "python", "{id}");
        assert_eq!(m.len(), s.len(), "{id}: different keys");
        for (key, value) in s {
            if key != "language" {
                assert_eq!(
                    m.get(key),
                    Some(value),
                    "{id}: `{key}` differs from the source"
                );
            }
        }
        assert_eq!(m.get("require_serial"), Some(&Value::Bool(true)), "{id}");
    }
}

#[test]
fn mirror_pins_the_wheel_of_this_repository() {
    let pyproject = fs::read_to_string(checkout().join("pyproject.toml")).unwrap();
    assert!(pyproject.contains("name = \"palisade-cli\""), "{pyproject}");
    assert!(pyproject.contains("bindings = \"bin\""), "{pyproject}");
    let template = fs::read_to_string(mirror_template().join("pyproject.toml")).unwrap();
    assert!(
        template.contains("dependencies = [\"palisade-cli==@VERSION@\"]"),
        "{template}"
    );
}

#[test]
fn mirror_script_commits_and_tags_each_version_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("mirror");
    let out = make_mirror("1.2.3", &dest);
    assert!(out.status.success(), "{}", text(&out));
    let pyproject = fs::read_to_string(dest.join("pyproject.toml")).unwrap();
    assert!(pyproject.contains("\"palisade-cli==1.2.3\""), "{pyproject}");
    assert!(pyproject.contains("version = \"1.2.3\""), "{pyproject}");
    let readme = fs::read_to_string(dest.join("README.md")).unwrap();
    assert!(readme.contains("rev: v1.2.3"), "{readme}");
    let first = head(&dest).expect("a commit");
    assert_eq!(git(&dest, &["rev-parse", "v1.2.3^{commit}"]).trim(), first);
    assert_eq!(
        git(&dest, &["log", "-1", "--format=%s"]).trim(),
        "Mirror: 1.2.3"
    );

    // The same version again changes nothing.
    let out = make_mirror("1.2.3", &dest);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(head(&dest).as_deref(), Some(first.as_str()));

    // The next version is a new commit and tag; the old tag stays where it was.
    let out = make_mirror("1.3.0rc1", &dest);
    assert!(out.status.success(), "{}", text(&out));
    let second = head(&dest).unwrap();
    assert_ne!(second, first);
    assert_eq!(
        git(&dest, &["rev-parse", "v1.3.0rc1^{commit}"]).trim(),
        second
    );
    assert_eq!(git(&dest, &["rev-parse", "v1.2.3^{commit}"]).trim(), first);

    // Re-tagging an old version onto the new commit is refused.
    let out = make_mirror("1.2.3", &dest);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("already names another commit"),
        "{}",
        text(&out)
    );

    // Not a release version: usage error, nothing written.
    for bad in ["1.2.3+local", "v1.2.3", "latest", ""] {
        let other = tmp.path().join("bad");
        let out = make_mirror(bad, &other);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out));
        assert!(!other.exists(), "{bad:?} wrote a mirror");
    }
}

/// The wheel folder for the end-to-end test, or why there is none.
fn wheelhouse() -> Result<(PathBuf, PathBuf, String), String> {
    let dir = std::env::var_os("PALISADE_WHEELHOUSE")
        .map(PathBuf::from)
        .ok_or("PALISADE_WHEELHOUSE is not set (see .ci/run: dist/build-wheel.sh --quick and a setuptools wheel)")?;
    let names: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    let wheel = names
        .iter()
        .find(|n| n.starts_with("palisade_cli-") && n.ends_with(".whl"))
        .ok_or(format!("no palisade_cli wheel in {}", dir.display()))?;
    if !names.iter().any(|n| n.starts_with("setuptools-")) {
        return Err(format!("no setuptools wheel in {}", dir.display()));
    }
    let version = wheel.split('-').nth(1).unwrap().to_string();
    Ok((dir.clone(), dir.join(wheel), version))
}

#[test]
fn pre_commit_installs_the_wheel_through_the_mirror_and_blocks_a_secret() {
    let setup = find_pre_commit()
        .ok_or_else(|| "`pre-commit` is not on PATH and PALISADE_PRE_COMMIT is not set".to_string())
        .and_then(|p| wheelhouse().map(|w| (p, w)));
    let (pre_commit, (wheels, wheel, version)) = match setup {
        Ok(found) => found,
        Err(why) => {
            crate::common::skip_unless_ci(
                "pre_commit_installs_the_wheel_through_the_mirror_and_blocks_a_secret",
                &why,
            );
            return;
        }
    };
    assert_eq!(
        version,
        env!("CARGO_PKG_VERSION"),
        "{} is not this checkout's version",
        wheel.display()
    );

    let tmp = tempfile::tempdir().unwrap();
    let mirror = tmp.path().join("mirror");
    let project = tmp.path().join("project");
    fs::create_dir_all(&project).unwrap();
    let out = make_mirror(&version, &mirror);
    assert!(out.status.success(), "mirror: {}", text(&out));

    let store = tmp.path().join("store");
    let hook_env = |program: &Path| {
        let mut cmd = isolated(program, &project);
        cmd.env("PRE_COMMIT_HOME", &store)
            .env("PRE_COMMIT_COLOR", "never")
            // Offline: pip finds the wheels only in the local folder.
            .env("PIP_FIND_LINKS", &wheels)
            .env("PIP_NO_INDEX", "1")
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .env_remove("PIP_INDEX_URL")
            .env_remove("PIP_EXTRA_INDEX_URL")
            .env_remove("PIP_REQUIRE_VIRTUALENV")
            .env_remove("PALISADE");
        cmd
    };
    run_on_a_clean_project(
        &hook_env,
        &pre_commit,
        &mirror.join(".pre-commit-hooks.yaml"),
        &project,
        &mirror,
        &format!("v{version}"),
    );

    // The hook runs the wheel's binary itself (not a Python launcher), built from this checkout.
    let installed: Vec<PathBuf> = fs::read_dir(&store)
        .unwrap()
        .filter_map(|e| e.ok())
        .flat_map(|repo| {
            fs::read_dir(repo.path())
                .into_iter()
                .flatten()
                .filter_map(|e| e.ok())
        })
        .map(|env| env.path().join("bin/palisade"))
        .filter(|p| p.is_file())
        .collect();
    assert_eq!(
        installed.len(),
        1,
        "one installed palisade in the store: {installed:?}"
    );
    let bytes = fs::read(&installed[0]).unwrap();
    assert_eq!(
        &bytes[..4],
        b"\x7fELF",
        "bin/palisade is not the binary itself"
    );
    let version_of = |bin: &Path| {
        let out = Command::new(bin).arg("--version").output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(
        version_of(&installed[0]),
        version_of(&palisade_bin()),
        "the wheel in PALISADE_WHEELHOUSE was built from another commit; rebuild it with dist/build-wheel.sh --quick"
    );

    // Through the installed git hook, a clean commit passes and a planted private key blocks.
    commit_through_the_hook(&hook_env, &pre_commit, &project);
}
