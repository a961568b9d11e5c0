//! What a rule declares it needs in a statement to report there: a [`Trigger`] of [`Atom`]s.
//! Each rule file has a `trigger()`; `crate::rules::triggers` collects those of the enabled
//! rules, and [`super::Table`] compiles them for the lexer.

/// One thing a statement may contain.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Atom {
    /// An identifier or keyword token with exactly this text, or an import alias whose
    /// target has it as a dotted component.
    Word(String),
    /// This text anywhere in the statement (or an alias's target), case as written.
    Text(String),
    /// This text inside an import statement, case as written.
    ImportText(String),
    /// Like `Str`, in a literal that is an operand of a binary operator, the receiver of a
    /// method call, or an f-string (where B608 looks for SQL).
    OperandStr(String),
    /// This text inside a string literal's value (implicit concatenations and f-string
    /// literal parts joined), ASCII case ignored.
    Str(String),
    /// A string literal value, or an f-string literal part, starting with this text.
    StrStart(String),
    /// An `except` handler whose first statement is this keyword (`pass`, `continue`); unless
    /// `typed`, the handler must be bare or catch `Exception` by that name.
    HandlerBody(String, bool),
    /// Any string literal.
    AnyString,
    /// A name or string that looks like it holds a password (B105–B107's words), followed
    /// by `=`, `:`, `]` or a comparison (assigned, compared, passed, defaulted, a key or an
    /// index), and then by a string literal in the same logical line.
    PasswordName,
    /// A string whose value the lexer cannot see from its text (an escape that makes a
    /// letter, a line continuation), or non-ASCII in a name or string: string and name
    /// patterns might match there.
    Opaque,
}

/// A rule's necessary condition: it can only report in a statement holding all atoms of at
/// least one of these conjunctions.
#[derive(Clone, Debug, Default)]
pub(crate) struct Trigger {
    pub(super) any_of: Vec<Vec<Atom>>,
    /// The rule reads beyond the statement (B703 follows a variable through its scope):
    /// when it fires anywhere, the whole file is parsed.
    pub(super) whole_file: bool,
    /// Words whose import aliases change the rule's verdict although the rule does not need
    /// them to fire (B604 reports calls *not* named in the subprocess list): an import
    /// statement with one of them is kept.
    pub(super) imported: Vec<Atom>,
}

impl Trigger {
    /// All these words together.
    pub fn words(words: &[&str]) -> Trigger {
        Trigger::all(words.iter().map(|w| Atom::Word(w.to_string())).collect())
    }

    /// Any one of these words.
    pub fn any_word(words: &[&str]) -> Trigger {
        words
            .iter()
            .fold(Trigger::default(), |t, w| t.or(Trigger::words(&[w])))
    }

    /// A call whose qualified name is `qualname`: all its dotted parts are words of the
    /// statement (import aliases expand to their targets' parts).
    pub fn qualname(qualname: &str) -> Trigger {
        Trigger::all(
            qualname
                .split('.')
                .filter(|p| !p.is_empty())
                .map(|p| Atom::Word(p.to_string()))
                .collect(),
        )
    }

    /// Any of these qualified names.
    pub fn qualnames<'a>(names: impl IntoIterator<Item = &'a str>) -> Trigger {
        names
            .into_iter()
            .fold(Trigger::default(), |t, q| t.or(Trigger::qualname(q)))
    }

    /// This text anywhere in the statement (or an alias target), case as written.
    pub fn text(needle: &str) -> Trigger {
        Trigger::all(vec![Atom::Text(needle.to_string())])
    }

    /// A string literal value (or f-string literal part) starting with `prefix`, or one
    /// whose value the lexer cannot see.
    pub fn string_start(prefix: &str) -> Trigger {
        Trigger::all(vec![Atom::StrStart(prefix.to_string())]).or(Trigger::all(vec![Atom::Opaque]))
    }

    /// An `except` handler whose first statement is this keyword; unless `typed`, one that
    /// is bare or catches `Exception`.
    pub fn handler_body(keyword: &str, typed: bool) -> Trigger {
        Trigger::all(vec![Atom::HandlerBody(keyword.to_string(), typed)])
    }

    /// A string literal given to a password-like name or key.
    pub fn password() -> Trigger {
        Trigger::all(vec![Atom::PasswordName]).or(Trigger::all(vec![Atom::Opaque]))
    }

    /// A conjunction of atoms.
    pub fn all(atoms: Vec<Atom>) -> Trigger {
        Trigger {
            any_of: vec![atoms],
            ..Trigger::default()
        }
    }

    /// Either trigger.
    pub fn or(mut self, other: Trigger) -> Trigger {
        self.any_of.extend(other.any_of);
        self.whole_file |= other.whole_file;
        self.imported.extend(other.imported);
        self
    }

    /// Keeps import statements whose text holds `module`: the rule asks whether a module
    /// named like it was imported.
    pub fn if_imported(mut self, module: &str) -> Trigger {
        self.imported.push(Atom::ImportText(module.to_string()));
        self
    }

    /// String literals holding all of `needles`, the first of them in an operand (see
    /// [`Atom::OperandStr`]), or one whose value the lexer cannot see.
    pub fn operand_strings(needles: &[&str]) -> Trigger {
        let atoms = needles
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if i == 0 {
                    Atom::OperandStr(n.to_string())
                } else {
                    Atom::Str(n.to_string())
                }
            })
            .collect();
        Trigger::all(atoms).or(Trigger::all(vec![Atom::Opaque]))
    }

    /// An import statement whose text holds `needle`.
    pub fn import_text(needle: &str) -> Trigger {
        Trigger::all(vec![Atom::ImportText(needle.to_string())])
    }

    /// Keeps import statements that mention a dotted part of one of these qualified names.
    pub fn with_imports<'a>(mut self, qualnames: impl IntoIterator<Item = &'a str>) -> Trigger {
        for q in qualnames {
            self.imported.extend(
                q.split('.')
                    .filter(|p| !p.is_empty())
                    .map(|p| Atom::Word(p.to_string())),
            );
        }
        self
    }

    /// When this trigger holds anywhere, parse the whole file.
    pub fn whole_file(mut self) -> Trigger {
        self.whole_file = true;
        self
    }
}
