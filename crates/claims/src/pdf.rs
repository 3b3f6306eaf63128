//! A PDF is kept as it was sent, but not one that carries active content: scripts
//! (JavaScript, XFA forms), actions that launch a program, embedded files or rich media. An
//! officer opens the participant's documents on a work computer; a scan, a photographed
//! letter or a letter saved as PDF has none of these, and a file that has them is refused
//! at its field with a message that says how to send it instead (OWASP File Upload Cheat
//! Sheet: files are checked, and what cannot be rewritten is not passed on as it came).
//!
//! Written by hand, and deliberately not a PDF parser: it reads every name in the file (a
//! `/Name`, with `#xx` escapes read as the characters they stand for, as PDF readers do)
//! and, since PDF 1.5 keeps dictionaries compressed in object streams, every name in
//! those streams once inflated. A name of active content anywhere refuses the file. The
//! object streams inflate to at most [`MOST_INFLATED`] bytes in all; a file that would
//! inflate to more is refused as damaged (a compression bomb).

use flate2::read::ZlibDecoder;
use std::io::Read;

use lapak_domain::upload::UploadError;

/// The names that make a PDF active: a script (`/JavaScript`, `/JS`), an XFA form (which
/// carries scripts), an action that starts a program (`/Launch`), an embedded file, or
/// rich media (Flash, video with its own player).
const ACTIVE: [&[u8]; 7] = [b"JavaScript", b"JS", b"XFA", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia"];

/// How far before `stream` its dictionary is looked for.
const HEAD: usize = 512;

/// The most bytes a PDF's object streams may inflate to, all together.
pub const MOST_INFLATED: u64 = 32 * 1024 * 1024;

/// Refuses a PDF that carries active content ([`UploadError::ActiveContent`]), or whose
/// object streams inflate beyond [`MOST_INFLATED`] or not at all ([`UploadError::Corrupt`]).
pub fn check(bytes: &[u8]) -> Result<(), UploadError> {
    if has_active_name(bytes) {
        return Err(UploadError::ActiveContent);
    }
    let mut budget = MOST_INFLATED;
    for stream in object_streams(bytes) {
        let mut inflated = Vec::new();
        let read = ZlibDecoder::new(stream).take(budget + 1).read_to_end(&mut inflated);
        match read {
            Ok(n) if (n as u64) <= budget => budget -= n as u64,
            Ok(_) => return Err(UploadError::Corrupt),
            // A stream that does not inflate hides nothing a reader could find either.
            Err(_) => continue,
        }
        if has_active_name(&inflated) {
            return Err(UploadError::ActiveContent);
        }
    }
    Ok(())
}

/// Whether a name of [`ACTIVE`] occurs in `text`.
fn has_active_name(text: &[u8]) -> bool {
    let mut i = 0;
    while let Some(at) = memchr::memchr(b'/', &text[i..]) {
        let start = i + at + 1;
        let end = text[start..].iter().position(|&b| ends_name(b)).map_or(text.len(), |n| start + n);
        let name = &text[start..end];
        let active =
            if name.contains(&b'#') { ACTIVE.contains(&unescape(name).as_slice()) } else { ACTIVE.contains(&name) };
        if active {
            return true;
        }
        i = end.max(start);
    }
    false
}

/// PDF's white space and delimiters end a name.
fn ends_name(b: u8) -> bool {
    matches!(
        b,
        b'\0'
            | b'\t'
            | b'\n'
            | b'\x0c'
            | b'\r'
            | b' '
            | b'('
            | b')'
            | b'<'
            | b'>'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'/'
            | b'%'
    )
}

/// A name's `#xx` escapes as the bytes they stand for.
fn unescape(name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    let mut i = 0;
    while i < name.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (name[i], name.get(i + 1).copied().and_then(hex), name.get(i + 2).copied().and_then(hex)) {
            (b'#', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// The data of the file's Flate-compressed object streams: each `stream` whose object's
/// dictionary (from its `obj` keyword) names `/ObjStm`, up to its `endstream`.
fn object_streams(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut from = 0;
    std::iter::from_fn(move || loop {
        let at = from + find(&bytes[from..], b"stream")?;
        from = at + b"stream".len();
        // `endstream` ends a stream; it is not one.
        if at >= 3 && &bytes[at - 3..at] == b"end" {
            continue;
        }
        // An object stream's dictionary is short: the stretch before `stream` back to its
        // `obj`, within [`HEAD`] bytes (a bound, so that a file of nothing but `stream`s
        // costs no more than a pass over it).
        let window = &bytes[at.saturating_sub(HEAD)..at];
        let head = &window[memchr::memmem::rfind(window, b"obj").unwrap_or(0)..];
        let names = |head: &[u8]| find(head, b"/ObjStm").is_some() && find(head, b"/FlateDecode").is_some();
        let object_stream = if head.contains(&b'#') { names(&unescape(head)) } else { names(head) };
        if !object_stream {
            continue;
        }
        let mut start = from;
        if bytes.get(start) == Some(&b'\r') {
            start += 1;
        }
        if bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        let end = find(&bytes[start..], b"endstream").map_or(bytes.len(), |n| start + n);
        from = end;
        return Some(&bytes[start..end]);
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::ZlibEncoder;
    use std::io::Write;

    fn pdf(body: &str) -> Vec<u8> {
        format!("%PDF-1.7\n{body}\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
    }

    fn deflate(bytes: &[u8]) -> Vec<u8> {
        let mut z = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(bytes).unwrap();
        z.finish().unwrap()
    }

    /// An object stream holding `inside`, compressed.
    fn with_object_stream(inside: &[u8]) -> Vec<u8> {
        let data = deflate(inside);
        let mut out = b"%PDF-1.7\n5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ".to_vec();
        out.extend_from_slice(format!("{} >>\nstream\n", data.len()).as_bytes());
        out.extend_from_slice(&data);
        out.extend_from_slice(b"\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        out
    }

    #[test]
    fn a_plain_scan_passes() {
        let scan = pdf("1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >> endobj\n\
            4 0 obj << /Type /XObject /Subtype /Image /Filter /DCTDecode /Length 3 >>\nstream\nJFI\nendstream endobj");
        assert_eq!(check(&scan), Ok(()));
        assert_eq!(check(&with_object_stream(b"1 0 << /Type /Catalog /Pages 2 0 R >>")), Ok(()));
    }

    #[test]
    fn scripts_launches_and_embedded_files_are_refused_however_written() {
        for body in [
            "1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj",
            "1 0 obj << /AA << /O << /S /Launch /F (cmd.exe) >> >> >> endobj",
            "1 0 obj << /Names << /EmbeddedFiles 6 0 R >> >> endobj",
            "1 0 obj << /AcroForm << /XFA 7 0 R >> >> endobj",
            // The same name with escapes, as readers read it.
            "1 0 obj << /OpenAction << /S /J#61vaScript /J#53 (x) >> >> endobj",
        ] {
            assert_eq!(check(&pdf(body)), Err(UploadError::ActiveContent), "{body}");
        }
        let hidden = with_object_stream(b"1 0 << /OpenAction << /S /JavaScript /JS 9 0 R >> >>");
        assert_eq!(check(&hidden), Err(UploadError::ActiveContent), "inside a compressed object stream");
    }

    #[test]
    fn names_that_only_begin_like_active_ones_pass() {
        assert_eq!(check(&pdf("1 0 obj << /JSONData 2 /Launcher 3 /Font << /F1 4 0 R >> >> endobj")), Ok(()));
    }

    /// A file made to be slow to check (6 MB of `stream` keywords, or of names) is checked:
    /// each keyword looks back a bounded stretch, so this ends (looking back to the file's
    /// start for each, it would not in any time a test could wait).
    #[test]
    fn a_file_made_of_keywords_is_checked() {
        for filler in [&b"stream"[..], b"/", b"/#4A"] {
            let mut bytes = b"%PDF-1.7\n".to_vec();
            while bytes.len() < 6 * 1024 * 1024 {
                bytes.extend_from_slice(filler);
            }
            bytes.extend_from_slice(b"\n%%EOF\n");
            assert_eq!(check(&bytes), Ok(()));
        }
    }

    #[test]
    fn an_object_stream_that_inflates_beyond_the_budget_is_refused() {
        let bomb = with_object_stream(&vec![b' '; MOST_INFLATED as usize + 1]);
        assert!(bomb.len() < 100_000, "{} bytes", bomb.len());
        assert_eq!(check(&bomb), Err(UploadError::Corrupt));
    }
}
