//! Bandit's call blacklist (B3xx): calls whose qualified name is exactly one of a list.
//! The table is data; each entry's documentation is its `declare_rule!` doc comment.

use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

use crate::rules::Rule;

/// One blacklist entry: its rule, the qualified names it matches, its message (`{name}` is the
/// matched name).
pub(crate) struct Entry {
    pub rule: Rule,
    pub names: &'static [&'static str],
    pub message: &'static str,
}
declare_rule! {
    /// ## What it does
    /// Deserialisation with pickle and the modules built on it (dill, shelve, jsonpickle, pandas.read_pickle) (Bandit B301, blacklist `pickle`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `pickle.loads`, `pickle.load`, `pickle.Unpickler`, `dill.loads`, `dill.load`, `dill.Unpickler`, `shelve.open`, `shelve.DbfilenameShelf`, `jsonpickle.decode`, `jsonpickle.unpickler.decode`, `jsonpickle.unpickler.Unpickler`, `pandas.read_pickle`.
    ///
    /// ## Why is this bad?
    /// Unpickling runs code chosen by whoever wrote the data: deserialising untrusted input with these modules is remote code execution.
    ///
    /// ## Example
    /// ```python
    /// data = pickle.loads(payload)  # B301
    /// data = json.loads(payload)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/502.html
    pub static B301 = {
        id: "B301", name: "pickle", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(502),
        summary: "Deserialisation with pickle and the modules built on it (dill, shelve, jsonpickle, pandas.read_pickle).",
    };
}

declare_rule! {
    /// ## What it does
    /// Deserialisation with marshal (Bandit B302, blacklist `marshal`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `marshal.load`, `marshal.loads`.
    ///
    /// ## Why is this bad?
    /// marshal is not meant for untrusted data: malformed input can crash the interpreter or worse.
    ///
    /// ## Example
    /// ```python
    /// obj = marshal.loads(blob)  # B302
    /// obj = json.loads(blob)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/502.html
    pub static B302 = {
        id: "B302", name: "marshal", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(502),
        summary: "Deserialisation with marshal.",
    };
}

declare_rule! {
    /// ## What it does
    /// MD2, MD4, MD5 or SHA1 from PyCrypto, PyCryptodome or cryptography (Bandit B303, blacklist `md5`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `Crypto.Hash.MD2.new`, `Crypto.Hash.MD4.new`, `Crypto.Hash.MD5.new`, `Crypto.Hash.SHA.new`, `Cryptodome.Hash.MD2.new`, `Cryptodome.Hash.MD4.new`, `Cryptodome.Hash.MD5.new`, `Cryptodome.Hash.SHA.new`, `cryptography.hazmat.primitives.hashes.MD5`, `cryptography.hazmat.primitives.hashes.SHA1`.
    ///
    /// ## Why is this bad?
    /// These hash functions have practical collision attacks; signatures, integrity checks or password hashes built on them can be forged.
    ///
    /// ## Example
    /// ```python
    /// h = hashes.Hash(hashes.MD5())  # B303
    /// h = hashes.Hash(hashes.SHA256())  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/327.html
    pub static B303 = {
        id: "B303", name: "md5", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(327),
        summary: "MD2, MD4, MD5 or SHA1 from PyCrypto, PyCryptodome or cryptography.",
    };
}

declare_rule! {
    /// ## What it does
    /// Broken or weak ciphers: ARC2, ARC4, Blowfish, DES, XOR, CAST5, IDEA, SEED, TripleDES (Bandit B304, blacklist `ciphers`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `Crypto.Cipher.ARC2.new`, `Crypto.Cipher.ARC4.new`, `Crypto.Cipher.Blowfish.new`, `Crypto.Cipher.DES.new`, `Crypto.Cipher.XOR.new`, `Cryptodome.Cipher.ARC2.new`, `Cryptodome.Cipher.ARC4.new`, `Cryptodome.Cipher.Blowfish.new`, `Cryptodome.Cipher.DES.new`, `Cryptodome.Cipher.XOR.new`, `cryptography.hazmat.primitives.ciphers.algorithms.ARC4`, `cryptography.hazmat.primitives.ciphers.algorithms.Blowfish`, `cryptography.hazmat.primitives.ciphers.algorithms.CAST5`, `cryptography.hazmat.primitives.ciphers.algorithms.IDEA`, `cryptography.hazmat.primitives.ciphers.algorithms.SEED`, `cryptography.hazmat.primitives.ciphers.algorithms.TripleDES`.
    ///
    /// ## Why is this bad?
    /// These ciphers have small keys or blocks, or known attacks; data they protect can be recovered.
    ///
    /// ## Example
    /// ```python
    /// cipher = DES.new(key)  # B304
    /// cipher = AES.new(key, AES.MODE_GCM)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/327.html
    pub static B304 = {
        id: "B304", name: "ciphers", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(327),
        summary: "Broken or weak ciphers: ARC2, ARC4, Blowfish, DES, XOR, CAST5, IDEA, SEED, TripleDES.",
    };
}

declare_rule! {
    /// ## What it does
    /// The ECB cipher mode (Bandit B305, blacklist `cipher_modes`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `cryptography.hazmat.primitives.ciphers.modes.ECB`.
    ///
    /// ## Why is this bad?
    /// ECB encrypts equal blocks to equal ciphertext, so patterns of the plaintext show through.
    ///
    /// ## Example
    /// ```python
    /// mode = modes.ECB()  # B305
    /// mode = modes.GCM(iv)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/327.html
    pub static B305 = {
        id: "B305", name: "cipher_modes", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(327),
        summary: "The ECB cipher mode.",
    };
}

declare_rule! {
    /// ## What it does
    /// tempfile.mktemp (Bandit B306, blacklist `mktemp_q`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `tempfile.mktemp`.
    ///
    /// ## Why is this bad?
    /// mktemp returns a name without creating the file; another process can create it first (a race).
    ///
    /// ## Example
    /// ```python
    /// path = tempfile.mktemp()  # B306
    /// fd, path = tempfile.mkstemp()  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/377.html
    pub static B306 = {
        id: "B306", name: "mktemp_q", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(377),
        summary: "tempfile.mktemp.",
    };
}

declare_rule! {
    /// ## What it does
    /// The built-in eval (Bandit B307, blacklist `eval`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `eval`.
    ///
    /// ## Why is this bad?
    /// eval runs arbitrary expressions; with outside input it is code execution.
    ///
    /// ## Example
    /// ```python
    /// value = eval(text)  # B307
    /// value = ast.literal_eval(text)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/78.html
    pub static B307 = {
        id: "B307", name: "eval", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(78),
        summary: "The built-in eval.",
    };
}

declare_rule! {
    /// ## What it does
    /// django.utils.safestring.mark_safe (Bandit B308, blacklist `mark_safe`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `django.utils.safestring.mark_safe`.
    ///
    /// ## Why is this bad?
    /// mark_safe turns off Django's HTML escaping for the value; user data in it is cross-site scripting.
    ///
    /// ## Example
    /// ```python
    /// html = mark_safe(user_bio)  # B308
    /// html = format_html("<b>{}</b>", user_bio)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/79.html
    pub static B308 = {
        id: "B308", name: "mark_safe", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(79),
        summary: "django.utils.safestring.mark_safe.",
    };
}

declare_rule! {
    /// ## What it does
    /// urllib.request.urlopen and friends (Bandit B310, blacklist `urllib_urlopen`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `urllib.request.urlopen`, `urllib.request.urlretrieve`, `urllib.request.URLopener`, `urllib.request.FancyURLopener`, `six.moves.urllib.request.urlopen`, `six.moves.urllib.request.urlretrieve`, `six.moves.urllib.request.URLopener`, `six.moves.urllib.request.FancyURLopener`.
    ///
    /// ## Why is this bad?
    /// They accept file:// and custom schemes, so a URL from outside can read local files.
    ///
    /// ## Example
    /// ```python
    /// urlopen(url)  # B310
    /// if urlparse(url).scheme in ("http", "https"): urlopen(url)  # still reported; review it
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/22.html
    pub static B310 = {
        id: "B310", name: "urllib_urlopen", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(22),
        summary: "urllib.request.urlopen and friends.",
    };
}

declare_rule! {
    /// ## What it does
    /// The random module's generators (Bandit B311, blacklist `random`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `random.Random`, `random.random`, `random.randrange`, `random.randint`, `random.choice`, `random.choices`, `random.uniform`, `random.triangular`, `random.randbytes`, `random.sample`, `random.getrandbits`.
    ///
    /// ## Why is this bad?
    /// random is predictable: tokens, passwords or keys made with it can be guessed.
    ///
    /// ## Example
    /// ```python
    /// token = random.getrandbits(128)  # B311
    /// token = secrets.token_hex(16)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/330.html
    pub static B311 = {
        id: "B311", name: "random", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(330),
        summary: "The random module's generators.",
    };
}

declare_rule! {
    /// ## What it does
    /// telnetlib.Telnet (Bandit B312, blacklist `telnetlib`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `telnetlib.Telnet`.
    ///
    /// ## Why is this bad?
    /// Telnet sends everything, passwords included, in clear text.
    ///
    /// ## Example
    /// ```python
    /// conn = telnetlib.Telnet(host)  # B312
    /// client = paramiko.SSHClient()  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/319.html
    pub static B312 = {
        id: "B312", name: "telnetlib", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(319),
        summary: "telnetlib.Telnet.",
    };
}

declare_rule! {
    /// ## What it does
    /// xml.etree.cElementTree parsing functions (Bandit B313, blacklist `xml_bad_cElementTree`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `xml.etree.cElementTree.parse`, `xml.etree.cElementTree.iterparse`, `xml.etree.cElementTree.fromstring`, `xml.etree.cElementTree.XMLParser`.
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers are open to entity-expansion ("billion laughs") and, for some, external-entity attacks when they parse untrusted data.
    ///
    /// ## Example
    /// ```python
    /// tree = cElementTree.parse(f)  # B313
    /// tree = defusedxml.ElementTree.parse(f)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B313 = {
        id: "B313", name: "xml_bad_cElementTree", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(20),
        summary: "xml.etree.cElementTree parsing functions.",
    };
}

declare_rule! {
    /// ## What it does
    /// xml.etree.ElementTree parsing functions (Bandit B314, blacklist `xml_bad_ElementTree`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `xml.etree.ElementTree.parse`, `xml.etree.ElementTree.iterparse`, `xml.etree.ElementTree.fromstring`, `xml.etree.ElementTree.XMLParser`.
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers are open to entity-expansion ("billion laughs") and, for some, external-entity attacks when they parse untrusted data.
    ///
    /// ## Example
    /// ```python
    /// tree = ElementTree.parse(f)  # B314
    /// tree = defusedxml.ElementTree.parse(f)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B314 = {
        id: "B314", name: "xml_bad_ElementTree", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(20),
        summary: "xml.etree.ElementTree parsing functions.",
    };
}

declare_rule! {
    /// ## What it does
    /// xml.sax.expatreader.create_parser (Bandit B315, blacklist `xml_bad_expatreader`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `xml.sax.expatreader.create_parser`.
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers are open to entity-expansion ("billion laughs") and, for some, external-entity attacks when they parse untrusted data.
    ///
    /// ## Example
    /// ```python
    /// p = expatreader.create_parser()  # B315
    /// p = defusedxml.expatreader.create_parser()  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B315 = {
        id: "B315", name: "xml_bad_expatreader", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(20),
        summary: "xml.sax.expatreader.create_parser.",
    };
}

declare_rule! {
    /// ## What it does
    /// xml.dom.expatbuilder parsing functions (Bandit B316, blacklist `xml_bad_expatbuilder`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `xml.dom.expatbuilder.parse`, `xml.dom.expatbuilder.parseString`.
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers are open to entity-expansion ("billion laughs") and, for some, external-entity attacks when they parse untrusted data.
    ///
    /// ## Example
    /// ```python
    /// doc = expatbuilder.parse(f)  # B316
    /// doc = defusedxml.expatbuilder.parse(f)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B316 = {
        id: "B316", name: "xml_bad_expatbuilder", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(20),
        summary: "xml.dom.expatbuilder parsing functions.",
    };
}

declare_rule! {
    /// ## What it does
    /// xml.sax parsing functions (Bandit B317, blacklist `xml_bad_sax`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `xml.sax.parse`, `xml.sax.parseString`, `xml.sax.make_parser`.
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers are open to entity-expansion ("billion laughs") and, for some, external-entity attacks when they parse untrusted data.
    ///
    /// ## Example
    /// ```python
    /// xml.sax.parse(f, handler)  # B317
    /// defusedxml.sax.parse(f, handler)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B317 = {
        id: "B317", name: "xml_bad_sax", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(20),
        summary: "xml.sax parsing functions.",
    };
}

declare_rule! {
    /// ## What it does
    /// xml.dom.minidom parsing functions (Bandit B318, blacklist `xml_bad_minidom`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `xml.dom.minidom.parse`, `xml.dom.minidom.parseString`.
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers are open to entity-expansion ("billion laughs") and, for some, external-entity attacks when they parse untrusted data.
    ///
    /// ## Example
    /// ```python
    /// doc = minidom.parseString(data)  # B318
    /// doc = defusedxml.minidom.parseString(data)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B318 = {
        id: "B318", name: "xml_bad_minidom", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(20),
        summary: "xml.dom.minidom parsing functions.",
    };
}

declare_rule! {
    /// ## What it does
    /// xml.dom.pulldom parsing functions (Bandit B319, blacklist `xml_bad_pulldom`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `xml.dom.pulldom.parse`, `xml.dom.pulldom.parseString`.
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers are open to entity-expansion ("billion laughs") and, for some, external-entity attacks when they parse untrusted data.
    ///
    /// ## Example
    /// ```python
    /// events = pulldom.parse(f)  # B319
    /// events = defusedxml.pulldom.parse(f)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B319 = {
        id: "B319", name: "xml_bad_pulldom", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(20),
        summary: "xml.dom.pulldom parsing functions.",
    };
}

declare_rule! {
    /// ## What it does
    /// ftplib.FTP (Bandit B321, blacklist `ftplib`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `ftplib.FTP`.
    ///
    /// ## Why is this bad?
    /// FTP sends credentials and data in clear text.
    ///
    /// ## Example
    /// ```python
    /// ftp = ftplib.FTP(host)  # B321
    /// sftp = paramiko.SFTPClient.from_transport(t)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/319.html
    pub static B321 = {
        id: "B321", name: "ftplib", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(319),
        summary: "ftplib.FTP.",
    };
}

declare_rule! {
    /// ## What it does
    /// ssl._create_unverified_context (Bandit B323, blacklist `unverified_context`).
    /// Calls whose qualified name (through import aliases) is exactly one of: `ssl._create_unverified_context`.
    ///
    /// ## Why is this bad?
    /// An unverified context accepts any certificate, so anyone on the network path can impersonate the server.
    ///
    /// ## Example
    /// ```python
    /// ctx = ssl._create_unverified_context()  # B323
    /// ctx = ssl.create_default_context()  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html
    /// - https://cwe.mitre.org/data/definitions/295.html
    pub static B323 = {
        id: "B323", name: "unverified_context", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(295),
        summary: "ssl._create_unverified_context.",
    };
}

/// The call blacklist, in Bandit's order (the first match wins).
pub(crate) static CALLS: &[Entry] = &[
    Entry { rule: Rule::B301, names: &["pickle.loads", "pickle.load", "pickle.Unpickler", "dill.loads", "dill.load", "dill.Unpickler", "shelve.open", "shelve.DbfilenameShelf", "jsonpickle.decode", "jsonpickle.unpickler.decode", "jsonpickle.unpickler.Unpickler", "pandas.read_pickle"], message: "Pickle and modules that wrap it can be unsafe when used to deserialize untrusted data, possible security issue." },
    Entry { rule: Rule::B302, names: &["marshal.load", "marshal.loads"], message: "Deserialization with the marshal module is possibly dangerous." },
    Entry { rule: Rule::B303, names: &["Crypto.Hash.MD2.new", "Crypto.Hash.MD4.new", "Crypto.Hash.MD5.new", "Crypto.Hash.SHA.new", "Cryptodome.Hash.MD2.new", "Cryptodome.Hash.MD4.new", "Cryptodome.Hash.MD5.new", "Cryptodome.Hash.SHA.new", "cryptography.hazmat.primitives.hashes.MD5", "cryptography.hazmat.primitives.hashes.SHA1"], message: "Use of insecure MD2, MD4, MD5, or SHA1 hash function." },
    Entry { rule: Rule::B304, names: &["Crypto.Cipher.ARC2.new", "Crypto.Cipher.ARC4.new", "Crypto.Cipher.Blowfish.new", "Crypto.Cipher.DES.new", "Crypto.Cipher.XOR.new", "Cryptodome.Cipher.ARC2.new", "Cryptodome.Cipher.ARC4.new", "Cryptodome.Cipher.Blowfish.new", "Cryptodome.Cipher.DES.new", "Cryptodome.Cipher.XOR.new", "cryptography.hazmat.primitives.ciphers.algorithms.ARC4", "cryptography.hazmat.primitives.ciphers.algorithms.Blowfish", "cryptography.hazmat.primitives.ciphers.algorithms.CAST5", "cryptography.hazmat.primitives.ciphers.algorithms.IDEA", "cryptography.hazmat.primitives.ciphers.algorithms.SEED", "cryptography.hazmat.primitives.ciphers.algorithms.TripleDES"], message: "Use of insecure cipher {name}. Replace with a known secure cipher such as AES." },
    Entry { rule: Rule::B305, names: &["cryptography.hazmat.primitives.ciphers.modes.ECB"], message: "Use of insecure cipher mode {name}." },
    Entry { rule: Rule::B306, names: &["tempfile.mktemp"], message: "Use of insecure and deprecated function (mktemp)." },
    Entry { rule: Rule::B307, names: &["eval"], message: "Use of possibly insecure function - consider using safer ast.literal_eval." },
    Entry { rule: Rule::B308, names: &["django.utils.safestring.mark_safe"], message: "Use of mark_safe() may expose cross-site scripting vulnerabilities and should be reviewed." },
    Entry { rule: Rule::B310, names: &["urllib.request.urlopen", "urllib.request.urlretrieve", "urllib.request.URLopener", "urllib.request.FancyURLopener", "six.moves.urllib.request.urlopen", "six.moves.urllib.request.urlretrieve", "six.moves.urllib.request.URLopener", "six.moves.urllib.request.FancyURLopener"], message: "Audit url open for permitted schemes. Allowing use of file:/ or custom schemes is often unexpected." },
    Entry { rule: Rule::B311, names: &["random.Random", "random.random", "random.randrange", "random.randint", "random.choice", "random.choices", "random.uniform", "random.triangular", "random.randbytes", "random.sample", "random.randrange", "random.getrandbits"], message: "Standard pseudo-random generators are not suitable for security/cryptographic purposes." },
    Entry { rule: Rule::B312, names: &["telnetlib.Telnet"], message: "Telnet-related functions are being called. Telnet is considered insecure. Use SSH or some other encrypted protocol." },
    Entry { rule: Rule::B313, names: &["xml.etree.cElementTree.parse", "xml.etree.cElementTree.iterparse", "xml.etree.cElementTree.fromstring", "xml.etree.cElementTree.XMLParser"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with its defusedxml equivalent function or make sure defusedxml.defuse_stdlib() is called" },
    Entry { rule: Rule::B314, names: &["xml.etree.ElementTree.parse", "xml.etree.ElementTree.iterparse", "xml.etree.ElementTree.fromstring", "xml.etree.ElementTree.XMLParser"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with its defusedxml equivalent function or make sure defusedxml.defuse_stdlib() is called" },
    Entry { rule: Rule::B315, names: &["xml.sax.expatreader.create_parser"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with its defusedxml equivalent function or make sure defusedxml.defuse_stdlib() is called" },
    Entry { rule: Rule::B316, names: &["xml.dom.expatbuilder.parse", "xml.dom.expatbuilder.parseString"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with its defusedxml equivalent function or make sure defusedxml.defuse_stdlib() is called" },
    Entry { rule: Rule::B317, names: &["xml.sax.parse", "xml.sax.parseString", "xml.sax.make_parser"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with its defusedxml equivalent function or make sure defusedxml.defuse_stdlib() is called" },
    Entry { rule: Rule::B318, names: &["xml.dom.minidom.parse", "xml.dom.minidom.parseString"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with its defusedxml equivalent function or make sure defusedxml.defuse_stdlib() is called" },
    Entry { rule: Rule::B319, names: &["xml.dom.pulldom.parse", "xml.dom.pulldom.parseString"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with its defusedxml equivalent function or make sure defusedxml.defuse_stdlib() is called" },
    Entry { rule: Rule::B321, names: &["ftplib.FTP"], message: "FTP-related functions are being called. FTP is considered insecure. Use SSH/SFTP/SCP or some other encrypted protocol." },
    Entry { rule: Rule::B323, names: &["ssl._create_unverified_context"], message: "By default, Python will create a secure, verified ssl context for use in such classes as HTTPSConnection. However, it still allows using an insecure context via the _create_unverified_context that  reverts to the previous behavior that does not validate certificates or perform hostname checks." },
];
