//! Offline checks of a token's structure or checksum. A token that fails is not a finding:
//! it cannot be a credential the provider issued. No network, ever.

use crate::decode::b64_value;

/// A structural or checksum check a rule can name in its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// `prefix_` + body + 6 base62 characters of CRC32(body) (GitHub, npm).
    Crc32Base62,
    /// A PyPI API token: `pypi-` + base64url of a version-2 macaroon whose location is
    /// `pypi.org` or `test.pypi.org`.
    PypiMacaroon,
    /// Three base64url parts; the header and payload decode to JSON objects, the header
    /// names an `alg`.
    Jwt,
    /// A PEM/OpenSSH/PGP private key block with a body of real base64 (not `...`).
    PemBody,
    /// Standard base64 decoding to exactly 64 bytes (Azure storage account keys).
    Base64Of64Bytes,
    /// Base64 of a PEM private key block (checked like [`Validator::PemBody`] once decoded).
    PemBase64,
    /// Base64 of a JWT (checked like [`Validator::Jwt`] once decoded).
    JwtBase64,
    /// Base64 of `user:password` (Docker `config.json` `auth` fields), both parts printable.
    BasicAuthBase64,
    /// OpenAI keys of the current formats carry the marker `T3BlbkFJ` (base64 of "OpenAI").
    OpenAiKey,
}

impl Validator {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "crc32-base62" => Validator::Crc32Base62,
            "pypi-macaroon" => Validator::PypiMacaroon,
            "jwt" => Validator::Jwt,
            "pem-body" => Validator::PemBody,
            "base64-64-bytes" => Validator::Base64Of64Bytes,
            "openai-key" => Validator::OpenAiKey,
            "basic-auth-b64" => Validator::BasicAuthBase64,
            "pem-base64" => Validator::PemBase64,
            "jwt-base64" => Validator::JwtBase64,
            _ => return None,
        })
    }

    /// Whether `secret` (the rule's capture) passes.
    pub fn check(self, secret: &str) -> bool {
        match self {
            Validator::Crc32Base62 => crc32_base62_ok(secret),
            Validator::PypiMacaroon => pypi_macaroon_ok(secret),
            Validator::Jwt => jwt_ok(secret),
            Validator::PemBody => pem_body_ok(secret),
            Validator::Base64Of64Bytes => {
                decode_base64(secret.as_bytes(), false).is_some_and(|b| b.len() == 64)
            }
            Validator::OpenAiKey => secret.contains("T3BlbkFJ"),
            Validator::BasicAuthBase64 => basic_auth_ok(secret),
            Validator::JwtBase64 => decode_base64(secret.as_bytes(), false)
                .and_then(|b| String::from_utf8(b).ok())
                .is_some_and(|jwt| jwt_ok(jwt.trim_end_matches('='))),
            Validator::PemBase64 => decode_base64(secret.as_bytes(), false)
                .and_then(|b| String::from_utf8(b).ok())
                .is_some_and(|pem| pem.contains("PRIVATE KEY") && pem_body_ok(&pem)),
        }
    }
}

static CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC-32 (IEEE), as zlib computes it.
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c = CRC_TABLE[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base62, left-padded with `0` to six characters.
pub fn base62_6(mut n: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    let mut i = 6;
    while n > 0 && i > 0 {
        i -= 1;
        out[i] = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// The six checksum characters for a token body.
pub fn crc32_base62_suffix(body: &str) -> String {
    String::from_utf8_lossy(&base62_6(crc32(body.as_bytes()))).into_owned()
}

fn crc32_base62_ok(token: &str) -> bool {
    // The body runs from after the prefix's last `_` to the six checksum characters.
    let Some(us) = token.rfind('_') else {
        return false;
    };
    let rest = &token[us + 1..];
    if rest.len() <= 6 || !rest.is_ascii() {
        return false;
    }
    let (body, sum) = rest.split_at(rest.len() - 6);
    base62_6(crc32(body.as_bytes())) == sum.as_bytes()
}

/// Decodes standard (`url == false`) or URL-safe base64; padding optional; `None` on any
/// other character or an impossible length.
pub fn decode_base64(input: &[u8], url: bool) -> Option<Vec<u8>> {
    let trimmed = match input.iter().rposition(|&b| b != b'=') {
        Some(p) => &input[..=p],
        None => return Some(Vec::new()),
    };
    if input.len() - trimmed.len() > 2 || trimmed.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &b in trimmed {
        acc = (acc << 6) | b64_value(b, url)? as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn pypi_macaroon_ok(token: &str) -> bool {
    let Some(body) = token.strip_prefix("pypi-") else {
        return false;
    };
    let Some(bytes) = decode_base64(body.as_bytes(), true) else {
        return false;
    };
    // Macaroon v2: version byte 2, then field type 1 (location) with a varint length.
    let [2, 1, len, rest @ ..] = bytes.as_slice() else {
        return false;
    };
    let len = *len as usize;
    let location = rest.get(..len);
    matches!(location, Some(b"pypi.org") | Some(b"test.pypi.org")) && rest.len() > len + 16
}

fn basic_auth_ok(b64: &str) -> bool {
    let Some(bytes) = decode_base64(b64.as_bytes(), false) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return false;
    };
    match text.split_once(':') {
        Some((user, pass)) => {
            !user.is_empty()
                && pass.len() >= 4
                && text.chars().all(|c| !c.is_control())
                && !crate::noise::is_placeholder(pass)
        }
        None => false,
    }
}

fn json_object(part: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let bytes = decode_base64(part.as_bytes(), true)?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

fn jwt_ok(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(_sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some(header) = json_object(h) else {
        return false;
    };
    header.contains_key("alg") && json_object(p).is_some()
}

fn pem_body_ok(block: &str) -> bool {
    // A key inside a string literal has `\n` escapes instead of line breaks.
    let unescaped;
    let block = if block.contains("\\n") {
        unescaped = block.replace("\\r", "").replace("\\n", "\n");
        unescaped.as_str()
    } else {
        block
    };
    // Body: the lines between the armour, without `Key: value` headers (RFC 1421/4880).
    let mut b64 = 0usize;
    let mut other = 0usize;
    for line in block.lines() {
        let line = line
            .trim()
            .trim_matches(|c| c == '"' || c == '\'' || c == ',' || c == '+');
        if line.contains("----") || line.contains(": ") || line.is_empty() {
            continue;
        }
        for b in line.bytes() {
            if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=' {
                b64 += 1;
            } else if !b.is_ascii_whitespace() {
                other += 1;
            }
        }
    }
    // Real keys have hundreds of base64 characters; placeholders are `...` or a few words.
    b64 >= 64 && other * 20 < b64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_zlib() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn github_checksum_round_trip() {
        let body = "Zq8vK2mN4pR7tW1xY3bC6dF9gH0jL5";
        let token = format!("ghp_{body}{}", crc32_base62_suffix(body));
        assert!(Validator::Crc32Base62.check(&token));
        let mut broken = token.clone().into_bytes();
        broken[10] = if broken[10] == b'a' { b'b' } else { b'a' };
        assert!(!Validator::Crc32Base62.check(std::str::from_utf8(&broken).unwrap()));
    }

    #[test]
    fn base64_decoding() {
        assert_eq!(decode_base64(b"aGVsbG8=", false).unwrap(), b"hello");
        assert_eq!(decode_base64(b"aGVsbG8", true).unwrap(), b"hello");
        assert!(decode_base64(b"a$b=", false).is_none());
        assert!(decode_base64(b"a", false).is_none());
    }

    #[test]
    fn jwt_structure() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl";
        assert!(Validator::Jwt.check(jwt));
        assert!(!Validator::Jwt.check("eyJub3QiOiJqd3QifQ.eyJzdWIiOiIxMjMifQ.c2ln"));
        assert!(!Validator::Jwt.check("a.b.c"));
    }
}
