//! What an uploaded file really is, recognised by its content (magic bytes and structure),
//! never by its name or the browser's Content-Type (OWASP File Upload Cheat Sheet).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Jpeg,
    Png,
    Pdf,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Pdf => "pdf",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    #[error("the file is not a JPG, PNG or PDF")]
    NotAllowed,
    #[error("the file is damaged or incomplete")]
    Corrupt,
    /// A PDF with scripts, launch actions, embedded files or rich media.
    #[error("the PDF carries scripts or embedded files")]
    ActiveContent,
}

/// Checks size and content. A JPEG must start with SOI and end with EOI, a PNG must have its
/// signature and an IEND chunk, a PDF its header and an end-of-file marker; anything that
/// looks like markup or a script at the start is refused even if it claims to be an image.
pub fn inspect(bytes: &[u8], max_bytes: usize) -> Result<FileKind, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(UploadError::TooLarge { max_bytes });
    }
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        // Trailing zero padding after EOI is common from scanners.
        let trimmed = trim_trailing(bytes, |b| b == 0 || b == b'\n' || b == b'\r');
        return if trimmed.ends_with(&[0xFF, 0xD9]) { Ok(FileKind::Jpeg) } else { Err(UploadError::Corrupt) };
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return if contains(tail, b"IEND") { Ok(FileKind::Png) } else { Err(UploadError::Corrupt) };
    }
    if bytes.starts_with(b"%PDF-") {
        return if contains(tail, b"%%EOF") { Ok(FileKind::Pdf) } else { Err(UploadError::Corrupt) };
    }
    Err(UploadError::NotAllowed)
}

fn trim_trailing(bytes: &[u8], drop: impl Fn(u8) -> bool) -> &[u8] {
    let end = bytes.iter().rposition(|b| !drop(*b)).map_or(0, |i| i + 1);
    &bytes[..end]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 0xFF, 0xD9];

    #[test]
    fn real_formats_are_recognised() {
        assert_eq!(inspect(JPEG, 100), Ok(FileKind::Jpeg));
        assert_eq!(inspect(b"\x89PNG\r\n\x1a\n....IHDR....IEND\xaeB`\x82", 100), Ok(FileKind::Png));
        assert_eq!(inspect(b"%PDF-1.4\n1 0 obj\n%%EOF\n", 100), Ok(FileKind::Pdf));
    }

    #[test]
    fn html_named_jpg_and_scripts_are_refused() {
        assert_eq!(inspect(b"<html><script>alert(1)</script></html>", 1000), Err(UploadError::NotAllowed));
        assert_eq!(inspect(b"#!/bin/sh\nrm -rf /\n", 1000), Err(UploadError::NotAllowed));
        assert_eq!(inspect(b"MZ\x90\x00", 1000), Err(UploadError::NotAllowed));
    }

    #[test]
    fn empty_oversized_and_truncated_files_are_refused() {
        assert_eq!(inspect(b"", 10), Err(UploadError::Empty));
        assert_eq!(inspect(JPEG, 5), Err(UploadError::TooLarge { max_bytes: 5 }));
        assert_eq!(inspect(&JPEG[..8], 100), Err(UploadError::Corrupt));
        assert_eq!(inspect(b"%PDF-1.4\n1 0 obj\n", 100), Err(UploadError::Corrupt));
    }
}
