//! Workers' documents sent by the representative as one ZIP, a folder per NIK
//! (`3273015505900002/ktp.pdf`, `3273015505900002/buku-tabungan.jpg`, …).
//!
//! An archive is untrusted input: the entries' declared sizes may lie (a "ZIP bomb"), names
//! may climb out of the folder (`../`), point elsewhere (symbolic links) or be absolute. So:
//! a limit on entries, on each file's real decompressed size (read through a limit, whatever
//! the header says), on the archive's total and on the compression ratio; names must be
//! `NIK/file` (optionally under one top folder); every file is recognised by content.

use std::io::{Cursor, Read};

use lapak_domain::collective::kind_from_file_name;
use lapak_domain::documents::DocumentKind;
use lapak_domain::upload::{inspect, FileKind};

/// The limits an archive is read under.
#[derive(Debug, Clone, Copy)]
pub struct ZipLimits {
    pub max_entries: usize,
    /// Each file, decompressed (the document upload limit).
    pub max_file: u64,
    /// All files together, decompressed.
    pub max_total: u64,
    /// Decompressed over compressed size, per file.
    pub max_ratio: u64,
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits { max_entries: 10_000, max_file: 6 << 20, max_total: 1 << 30, max_ratio: 100 }
    }
}

/// Why a whole archive is refused (`err-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    #[error("not a ZIP archive")]
    NotZip,
    #[error("too many entries")]
    TooManyEntries,
    #[error("too large once decompressed")]
    TooLarge,
}

impl ZipError {
    pub fn code(self) -> &'static str {
        match self {
            ZipError::NotZip => "zip-not-zip",
            ZipError::TooManyEntries => "zip-too-many-entries",
            ZipError::TooLarge => "zip-too-large",
        }
    }
}

/// A document found in the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipDocument {
    pub nik: String,
    pub kind: DocumentKind,
    pub file: FileKind,
    pub bytes: Vec<u8>,
}

/// An entry left out, and why (`err-<code>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipProblem {
    pub entry: String,
    pub code: &'static str,
}

/// The NIK folder and file name of a safe entry name, or why it is not one.
fn place(name: &str) -> Result<(String, String), &'static str> {
    if name.contains('\\') || name.contains('\0') || name.starts_with('/') || name.contains(':') {
        return Err("zip-path");
    }
    let parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
    if parts.iter().any(|p| *p == ".." || *p == ".") {
        return Err("zip-path");
    }
    match parts.as_slice() {
        [.., folder, file] if folder.len() == 16 && folder.bytes().all(|b| b.is_ascii_digit()) && parts.len() <= 3 => {
            Ok((folder.to_string(), file.to_string()))
        }
        _ => Err("zip-folder"),
    }
}

/// Reads every document in `bytes`. Entries with a problem are listed and left out; the
/// archive as a whole is refused only when it is not one or breaks a global limit.
pub fn read(bytes: &[u8], limits: ZipLimits) -> Result<(Vec<ZipDocument>, Vec<ZipProblem>), ZipError> {
    // The zip crate reads what a stranger sent: a panic of its own is a file that is not
    // an archive Lapak can read, not a failed request (as for worker lists).
    std::panic::catch_unwind(|| read_entries(bytes, limits)).unwrap_or(Err(ZipError::NotZip))
}

fn read_entries(bytes: &[u8], limits: ZipLimits) -> Result<(Vec<ZipDocument>, Vec<ZipProblem>), ZipError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ZipError::NotZip)?;
    if archive.len() > limits.max_entries {
        return Err(ZipError::TooManyEntries);
    }
    let mut documents = Vec::new();
    let mut problems = Vec::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|_| ZipError::NotZip)?;
        let name: String =
            entry.name().map(|n| n.chars().filter(|c| !c.is_control()).take(300).collect()).unwrap_or_default();
        let mut problem = |code| problems.push(ZipProblem { entry: name.clone(), code });
        if entry.is_dir() {
            continue;
        }
        if entry.is_symlink() {
            problem("zip-path");
            continue;
        }
        let (nik, file_name) = match place(&name) {
            Ok(p) => p,
            Err(code) => {
                problem(code);
                continue;
            }
        };
        let Some(kind) = kind_from_file_name(&file_name) else {
            problem("zip-kind");
            continue;
        };
        // The header's sizes are claims; the bytes read through the limit are the truth.
        if entry.size() > limits.max_file {
            problem("file-too-large");
            continue;
        }
        let mut data = Vec::with_capacity(entry.size().min(limits.max_file) as usize);
        if (&mut entry).take(limits.max_file + 1).read_to_end(&mut data).is_err() {
            problem("file-corrupt");
            continue;
        }
        let size = data.len() as u64;
        if size > limits.max_file {
            problem("file-too-large");
            continue;
        }
        if size > entry.compressed_size().max(1).saturating_mul(limits.max_ratio) {
            problem("zip-ratio");
            continue;
        }
        total += size;
        if total > limits.max_total {
            return Err(ZipError::TooLarge);
        }
        match inspect(&data, limits.max_file as usize) {
            Ok(file) => documents.push(ZipDocument { nik, kind, file, bytes: data }),
            Err(e) => problem(crate::upload_code(&e)),
        }
    }
    Ok((documents, problems))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n";

    fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn folders_per_nik_are_read_and_tricks_are_left_out() {
        let bomb = vec![0u8; 2 << 20];
        let bytes = archive(&[
            ("3273015505900002/ktp.pdf", PDF),
            ("dokumen/3273015505900002/buku tabungan.pdf", PDF),
            ("../3273015505900002/ktp.pdf", PDF),
            ("/etc/3273015505900002/ktp.pdf", PDF),
            ("3273015505900002/surat cinta.pdf", PDF),
            ("ktp.pdf", PDF),
            ("3273015505900002/foto.jpg", b"<html>not a photo</html>"),
            ("3273015505900002/kk.pdf", &bomb),
        ]);
        let (docs, problems) = read(&bytes, ZipLimits::default()).unwrap();
        let found: Vec<(&str, DocumentKind)> = docs.iter().map(|d| (d.nik.as_str(), d.kind)).collect();
        assert_eq!(found, [("3273015505900002", DocumentKind::Ektp), ("3273015505900002", DocumentKind::Passbook)]);
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, ["zip-path", "zip-path", "zip-kind", "zip-folder", "file-type", "zip-ratio"]);
    }

    #[test]
    fn archives_over_the_limits_are_refused() {
        let many: Vec<(String, &[u8])> = (0..20).map(|i| (format!("3273015505900002/ktp-{i}.pdf"), PDF)).collect();
        let entries: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        let limits = ZipLimits { max_entries: 10, ..ZipLimits::default() };
        assert_eq!(read(&archive(&entries), limits).unwrap_err(), ZipError::TooManyEntries);
        let limits = ZipLimits { max_total: 100, ..ZipLimits::default() };
        assert_eq!(read(&archive(&entries), limits).unwrap_err(), ZipError::TooLarge);
        assert_eq!(read(b"not a zip", ZipLimits::default()).unwrap_err(), ZipError::NotZip);
        // A file larger than the document limit is left out, whatever its header says.
        let big = vec![b'x'; 1000];
        let limits = ZipLimits { max_file: 500, max_ratio: 10_000, ..ZipLimits::default() };
        let (_, problems) = read(&archive(&[("3273015505900002/ktp.pdf", &big)]), limits).unwrap();
        assert_eq!(problems[0].code, "file-too-large");
    }
}
