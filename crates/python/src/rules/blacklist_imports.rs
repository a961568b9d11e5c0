//! Bandit's import blacklist (B4xx): imports of modules to review, by name prefix.
//! The table is data; each entry's documentation is its `declare_rule!` doc comment.

use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

use crate::rules::blacklist_calls::Entry;
use crate::rules::Rule;

declare_rule! {
    /// ## What it does
    /// Imports of telnetlib (Bandit B401, blacklist `import_telnetlib`).
    /// `import` and `from ... import` statements whose full name starts with one of: `telnetlib`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// Telnet sends everything, passwords included, in clear text.
    ///
    /// ## Example
    /// ```python
    /// import telnetlib  # B401
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/319.html
    pub static B401 = {
        id: "B401", name: "import_telnetlib", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(319),
        summary: "Imports of telnetlib.",
    };
}

declare_rule! {
    /// ## What it does
    /// Imports of ftplib (Bandit B402, blacklist `import_ftplib`).
    /// `import` and `from ... import` statements whose full name starts with one of: `ftplib`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// FTP sends credentials and data in clear text.
    ///
    /// ## Example
    /// ```python
    /// import ftplib  # B402
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/319.html
    pub static B402 = {
        id: "B402", name: "import_ftplib", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(319),
        summary: "Imports of ftplib.",
    };
}

declare_rule! {
    /// ## What it does
    /// Imports of pickle, cPickle, dill and shelve (Bandit B403, blacklist `import_pickle`).
    /// `import` and `from ... import` statements whose full name starts with one of: `pickle`, `cPickle`, `dill`, `shelve`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// Unpickling runs code chosen by whoever wrote the data: deserialising untrusted input with these modules is remote code execution.
    ///
    /// ## Example
    /// ```python
    /// import pickle  # B403
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/502.html
    pub static B403 = {
        id: "B403", name: "import_pickle", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(502),
        summary: "Imports of pickle, cPickle, dill and shelve.",
    };
}

declare_rule! {
    /// ## What it does
    /// Imports of subprocess (Bandit B404, blacklist `import_subprocess`).
    /// `import` and `from ... import` statements whose full name starts with one of: `subprocess`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// Running other programs is where command injection happens; the import marks code to review.
    ///
    /// ## Example
    /// ```python
    /// import subprocess  # B404
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/78.html
    pub static B404 = {
        id: "B404", name: "import_subprocess", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(78),
        summary: "Imports of subprocess.",
    };
}

declare_rule! {
    /// ## What it does
    /// Imports of xml.etree (Bandit B405, blacklist `import_xml_etree`).
    /// `import` and `from ... import` statements whose full name starts with one of: `xml.etree.cElementTree`, `xml.etree.ElementTree`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers are open to entity-expansion ("billion laughs") and, for some, external-entity attacks when they parse untrusted data.
    ///
    /// ## Example
    /// ```python
    /// import xml.etree.ElementTree as ET  # B405
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B405 = {
        id: "B405", name: "import_xml_etree", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(20),
        summary: "Imports of xml.etree.",
    };
}

declare_rule! {
    /// ## What it does
    /// Imports of xml.sax (Bandit B406, blacklist `import_xml_sax`).
    /// `import` and `from ... import` statements whose full name starts with one of: `xml.sax`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers are open to entity-expansion ("billion laughs") and, for some, external-entity attacks when they parse untrusted data.
    ///
    /// ## Example
    /// ```python
    /// import xml.sax  # B406
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B406 = {
        id: "B406", name: "import_xml_sax", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(20),
        summary: "Imports of xml.sax.",
    };
}

declare_rule! {
    /// ## What it does
    /// Imports of xml.dom.expatbuilder (Bandit B407, blacklist `import_xml_expat`).
    /// `import` and `from ... import` statements whose full name starts with one of: `xml.dom.expatbuilder`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers are open to entity-expansion ("billion laughs") and, for some, external-entity attacks when they parse untrusted data.
    ///
    /// ## Example
    /// ```python
    /// from xml.dom import expatbuilder  # B407
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B407 = {
        id: "B407", name: "import_xml_expat", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(20),
        summary: "Imports of xml.dom.expatbuilder.",
    };
}

declare_rule! {
    /// ## What it does
    /// Imports of xml.dom.minidom (Bandit B408, blacklist `import_xml_minidom`).
    /// `import` and `from ... import` statements whose full name starts with one of: `xml.dom.minidom`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers are open to entity-expansion ("billion laughs") and, for some, external-entity attacks when they parse untrusted data.
    ///
    /// ## Example
    /// ```python
    /// from xml.dom.minidom import parseString  # B408
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B408 = {
        id: "B408", name: "import_xml_minidom", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(20),
        summary: "Imports of xml.dom.minidom.",
    };
}

declare_rule! {
    /// ## What it does
    /// Imports of xml.dom.pulldom (Bandit B409, blacklist `import_xml_pulldom`).
    /// `import` and `from ... import` statements whose full name starts with one of: `xml.dom.pulldom`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// The standard library XML parsers are open to entity-expansion ("billion laughs") and, for some, external-entity attacks when they parse untrusted data.
    ///
    /// ## Example
    /// ```python
    /// from xml.dom.pulldom import parse  # B409
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B409 = {
        id: "B409", name: "import_xml_pulldom", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(20),
        summary: "Imports of xml.dom.pulldom.",
    };
}

declare_rule! {
    /// ## What it does
    /// Imports of xmlrpc (Bandit B411, blacklist `import_xmlrpclib`).
    /// `import` and `from ... import` statements whose full name starts with one of: `xmlrpc`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// xmlrpc parses untrusted XML with the vulnerable standard parsers.
    ///
    /// ## Example
    /// ```python
    /// import xmlrpc.client  # B411
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static B411 = {
        id: "B411", name: "import_xmlrpclib", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(20),
        summary: "Imports of xmlrpc.",
    };
}

declare_rule! {
    /// ## What it does
    /// Imports of CGI handlers open to httpoxy (Bandit B412, blacklist `import_httpoxy`).
    /// `import` and `from ... import` statements whose full name starts with one of: `wsgiref.handlers.CGIHandler`, `twisted.web.twcgi.CGIScript`, `twisted.web.twcgi.CGIDirectory`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// In CGI, the client's Proxy header becomes the HTTP_PROXY variable, redirecting the server's outgoing requests (httpoxy).
    ///
    /// ## Example
    /// ```python
    /// from wsgiref.handlers import CGIHandler  # B412
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/284.html
    pub static B412 = {
        id: "B412", name: "import_httpoxy", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(284),
        summary: "Imports of CGI handlers open to httpoxy.",
    };
}

declare_rule! {
    /// ## What it does
    /// Imports of the unmaintained pyCrypto library (Bandit B413, blacklist `import_pycrypto`).
    /// `import` and `from ... import` statements whose full name starts with one of: `Crypto.Cipher`, `Crypto.Hash`, `Crypto.IO`, `Crypto.Protocol`, `Crypto.PublicKey`, `Crypto.Random`, `Crypto.Signature`, `Crypto.Util`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// pyCrypto is unmaintained and has known vulnerabilities.
    ///
    /// ## Example
    /// ```python
    /// from Crypto.Cipher import AES  # B413
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/327.html
    pub static B413 = {
        id: "B413", name: "import_pycrypto", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(327),
        summary: "Imports of the unmaintained pyCrypto library.",
    };
}

declare_rule! {
    /// ## What it does
    /// Imports of pyghmi (IPMI) (Bandit B415, blacklist `import_pyghmi`).
    /// `import` and `from ... import` statements whose full name starts with one of: `pyghmi`; also `__import__("...")` and `importlib.import_module("...")` naming one exactly.
    ///
    /// ## Why is this bad?
    /// IPMI has weak authentication and exposes server management to the network.
    ///
    /// ## Example
    /// ```python
    /// import pyghmi  # B415
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html
    /// - https://cwe.mitre.org/data/definitions/319.html
    pub static B415 = {
        id: "B415", name: "import_pyghmi", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(319),
        summary: "Imports of pyghmi (IPMI).",
    };
}

/// The import blacklist, in Bandit's order (the first match wins).
pub(crate) static IMPORTS: &[Entry] = &[
    Entry { rule: Rule::B401, names: &["telnetlib"], message: "A telnet-related module is being imported.  Telnet is considered insecure. Use SSH or some other encrypted protocol." },
    Entry { rule: Rule::B402, names: &["ftplib"], message: "A FTP-related module is being imported.  FTP is considered insecure. Use SSH/SFTP/SCP or some other encrypted protocol." },
    Entry { rule: Rule::B403, names: &["pickle", "cPickle", "dill", "shelve"], message: "Consider possible security implications associated with {name} module." },
    Entry { rule: Rule::B404, names: &["subprocess"], message: "Consider possible security implications associated with the subprocess module." },
    Entry { rule: Rule::B405, names: &["xml.etree.cElementTree", "xml.etree.ElementTree"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with the equivalent defusedxml package, or make sure defusedxml.defuse_stdlib() is called." },
    Entry { rule: Rule::B406, names: &["xml.sax"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with the equivalent defusedxml package, or make sure defusedxml.defuse_stdlib() is called." },
    Entry { rule: Rule::B407, names: &["xml.dom.expatbuilder"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with the equivalent defusedxml package, or make sure defusedxml.defuse_stdlib() is called." },
    Entry { rule: Rule::B408, names: &["xml.dom.minidom"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with the equivalent defusedxml package, or make sure defusedxml.defuse_stdlib() is called." },
    Entry { rule: Rule::B409, names: &["xml.dom.pulldom"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with the equivalent defusedxml package, or make sure defusedxml.defuse_stdlib() is called." },
    Entry { rule: Rule::B411, names: &["xmlrpc"], message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Use defusedxml.xmlrpc.monkey_patch() function to monkey-patch xmlrpclib and mitigate XML vulnerabilities." },
    Entry { rule: Rule::B412, names: &["wsgiref.handlers.CGIHandler", "twisted.web.twcgi.CGIScript", "twisted.web.twcgi.CGIDirectory"], message: "Consider possible security implications associated with {name} module." },
    Entry { rule: Rule::B413, names: &["Crypto.Cipher", "Crypto.Hash", "Crypto.IO", "Crypto.Protocol", "Crypto.PublicKey", "Crypto.Random", "Crypto.Signature", "Crypto.Util"], message: "The pyCrypto library and its module {name} are no longer actively maintained and have been deprecated. Consider using pyca/cryptography library." },
    Entry { rule: Rule::B415, names: &["pyghmi"], message: "An IPMI-related module is being imported. IPMI is considered insecure. Use an encrypted protocol." },
];
