//! Constant folding of the string tricks used to hide payloads from review: character
//! codes (`chr(99)`, `String.fromCharCode(…)`, `bytes([…])`), compressed layers under an
//! encoding (`zlib.decompress(b64decode(…))`), built-in lookups through containers
//! (`getattr(__builtins__, …)`, `globals()[…]`) and identifiers spelled with Unicode
//! compatibility characters that Python folds back to ASCII (`𝐞𝐯𝐚𝐥`). The engine calls
//! these so that the sinks see the real string; everything here is pure.

use std::io::Read;

use unicode_normalization::UnicodeNormalization;

/// Folded strings built from at least this many character codes count as decoded data.
pub const CODED_MIN: u32 = 4;

/// Most bytes a folded decompression may produce (decompression bombs stay cheap).
const MAX_INFLATE: u64 = 64 * 1024;

/// The character a code point names (`chr(99)`, `String.fromCharCode(99)`).
pub fn char_of(code: i64) -> Option<char> {
    u32::try_from(code).ok().and_then(char::from_u32)
}

/// Text of a byte list (`bytes([99, 117])`), when every item is a byte.
pub fn text_of_bytes(codes: &[i64]) -> Option<String> {
    let bytes: Option<Vec<u8>> = codes.iter().map(|c| u8::try_from(*c).ok()).collect();
    String::from_utf8(bytes?).ok()
}

/// Decompresses constant data the way `zlib.decompress`, `gzip.decompress`,
/// `zlib.inflateSync`/`gunzipSync`/`inflateRawSync` would: zlib, gzip or raw deflate.
pub fn inflate(q: &str, data: &[u8]) -> Option<Vec<u8>> {
    use flate2::read::{DeflateDecoder, GzDecoder, ZlibDecoder};
    let last = q.rsplit('.').next().unwrap_or(q);
    if !matches!(
        last,
        "decompress" | "inflateSync" | "gunzipSync" | "inflateRawSync" | "unzipSync"
    ) || !(q.starts_with("zlib") || q.starts_with("gzip"))
    {
        return None;
    }
    let read = |mut r: Box<dyn Read + '_>| {
        let mut out = Vec::new();
        r.by_ref().take(MAX_INFLATE).read_to_end(&mut out).ok()?;
        (!out.is_empty()).then_some(out)
    };
    read(Box::new(ZlibDecoder::new(data)))
        .or_else(|| read(Box::new(GzDecoder::new(data))))
        .or_else(|| read(Box::new(DeflateDecoder::new(data))))
}

/// Objects whose items are the built-in functions or the module's globals: a lookup by
/// name in them reaches the named function (`getattr(__builtins__, "eval")`).
pub fn is_namespace(q: &str) -> bool {
    matches!(
        q,
        "__builtins__"
            | "builtins"
            | "__builtins__.__dict__"
            | "builtins.__dict__"
            | "globals()"
            | "locals()"
            | "vars()"
            | "sys.modules"
            | "globalThis"
            | "global"
            | "window"
    )
}

/// Python folds identifiers to NFKC: `𝐞𝐯𝐚𝐥` and `ｅｖａｌ` are `eval`. `None` when the name
/// is already plain.
pub fn python_identifier(name: &str) -> Option<String> {
    if name.is_ascii() {
        return None;
    }
    let folded: String = name.nfkc().collect();
    (folded != name).then_some(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_codes_and_identifiers() {
        assert_eq!(char_of(99), Some('c'));
        assert_eq!(char_of(-1), None);
        assert_eq!(text_of_bytes(&[99, 117, 114, 108]).as_deref(), Some("curl"));
        assert_eq!(text_of_bytes(&[300]), None);
        assert_eq!(python_identifier("𝐞𝐯𝐚𝐥").as_deref(), Some("eval"));
        assert_eq!(python_identifier("ｅｘｅｃ").as_deref(), Some("exec"));
        assert_eq!(python_identifier("eval"), None);
        // Cyrillic look-alikes are other letters, not folded: Python sees another name.
        assert_eq!(python_identifier("еval"), None);
    }

    #[test]
    fn inflates_zlib_and_gzip_only_for_decompressors() {
        use flate2::Compression;
        use flate2::write::{GzEncoder, ZlibEncoder};
        use std::io::Write;
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(b"import os").unwrap();
        let z = z.finish().unwrap();
        assert_eq!(
            inflate("zlib.decompress", &z).as_deref(),
            Some(&b"import os"[..])
        );
        let mut g = GzEncoder::new(Vec::new(), Compression::default());
        g.write_all(b"id").unwrap();
        let g = g.finish().unwrap();
        assert_eq!(inflate("gzip.decompress", &g).as_deref(), Some(&b"id"[..]));
        assert_eq!(inflate("zlib.gunzipSync", &g).as_deref(), Some(&b"id"[..]));
        assert_eq!(inflate("zlib.compress", &z), None);
        assert_eq!(inflate("zlib.decompress", b"not compressed"), None);
    }
}
