//! `lapak backup` and `lapak restore`: a running Lapak's SQLite database and document
//! folder copied to a folder of its own, and put back into an empty data folder.
//!
//! A backup never holds the key file: its data are sealed, and whoever has the backup and
//! not the key has nothing to read. The key file is kept apart, as the README says.

use crate::config::Config;
use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lapak_storage::backup::{check_sqlite, copy_documents, snapshot_sqlite, Copied};
use lapak_storage::sqlite_file;
use lapak_storage::KeyRing;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const MANIFEST: &str = "lapak-backup.json";
const FORMAT: &str = "lapak-backup-1";
const DATABASE: &str = "lapak.db";
const DOCUMENTS: &str = "documents";

/// What a backup holds, written last: a folder without it is not a finished backup.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    made_at: jiff::Timestamp,
    lapak_version: String,
    /// The database file in the backup; none when only the documents were copied.
    database: Option<String>,
    documents: u64,
    /// The key file's mark and data key versions (see [`KeyRing::fingerprint`]): a restore
    /// is refused with another key file, which could open none of it.
    key_fingerprint: String,
    key_versions: Vec<u8>,
}

pub async fn backup(config: &Config, dest: &Path, documents_only: bool) -> anyhow::Result<()> {
    let keys = KeyRing::load(&config.key_file).context("kunci data / the data keys")?;
    let database = match sqlite_file(&config.database_url) {
        _ if documents_only => None,
        Some(db) if db.exists() => Some(db),
        Some(db) => bail!("tidak ada basis data di {} / there is no database at {}", db.display(), db.display()),
        None => bail!(
            "Basis data PostgreSQL dicadangkan dengan alat PostgreSQL (pg_dump, atau snapshot layanan \
             terkelola); `lapak backup --documents-only TUJUAN` menyalin folder dokumen.\n\
             A PostgreSQL database is backed up with PostgreSQL's tools (pg_dump, or a managed \
             service's snapshots); `lapak backup --documents-only DEST` copies the document folder."
        ),
    };
    crate::create_private_dir(dest)?;
    let inside = |folder: &Path| {
        folder.canonicalize().is_ok_and(|f| dest.canonicalize().is_ok_and(|d| d.starts_with(&f) || f.starts_with(&d)))
    };
    if inside(&config.documents_dir()) {
        bail!("tujuan cadangan tidak boleh di dalam folder dokumen / the backup cannot be inside the document folder");
    }
    // An older backup's manifest goes first: until the new one is written, the folder is
    // not taken for a finished backup.
    match std::fs::remove_file(dest.join(MANIFEST)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
        _ => {}
    }
    // The documents first, pruned: what Lapak has deleted (claims past retention, pages
    // replaced) goes from the backup too. Then the database, then the documents written
    // meanwhile. Every document the database's copy names is then in the backup, also one
    // the retention sweep deletes while the backup runs (all but a page written after the
    // first copy and replaced before the second, in a draft).
    let first = copy_folder(config.documents_dir(), dest.join(DOCUMENTS), true).await?;
    if let Some(db) = &database {
        let partial = dest.join(format!("{DATABASE}.partial"));
        let _ = std::fs::remove_file(&partial);
        let (from, into) = (db.clone(), partial.clone());
        tokio::task::spawn_blocking(move || snapshot_sqlite(&from, &into))
            .await?
            .context("salinan basis data / the database's copy")?;
        std::fs::rename(&partial, dest.join(DATABASE))?;
        let size = std::fs::metadata(dest.join(DATABASE))?.len();
        println!("Basis data disalin / database copied: {:.1} MB", size as f64 / 1e6);
    }
    let copied = if database.is_some() {
        copy_folder(config.documents_dir(), dest.join(DOCUMENTS), false).await?
    } else {
        Copied::default()
    };
    let (files, bytes) = (first.files + copied.files, first.bytes + copied.bytes);
    println!(
        "Dokumen / documents: {files} disalin/copied ({:.1} MB), {} sudah ada/already there, \
         {} dibuang karena sudah dihapus Lapak/removed as Lapak deleted them",
        bytes as f64 / 1e6,
        first.kept,
        first.removed
    );
    let manifest = Manifest {
        format: FORMAT.into(),
        made_at: jiff::Timestamp::now(),
        lapak_version: env!("CARGO_PKG_VERSION").into(),
        database: database.as_ref().map(|_| DATABASE.into()),
        documents: first.files + first.kept + copied.files,
        key_fingerprint: keys.fingerprint(),
        key_versions: keys.versions(),
    };
    let partial = dest.join(format!("{MANIFEST}.partial"));
    std::fs::write(&partial, serde_json::to_vec_pretty(&manifest)?)?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, dest.join(MANIFEST))?;
    std::fs::File::open(dest)?.sync_all()?;
    println!("Cadangan selesai / backup complete: {}", dest.display());
    println!(
        "Kunci data TIDAK ada di cadangan: simpan salinan {} di tempat lain; tanpa itu cadangan tidak dapat dibaca.\n\
         The data keys are NOT in the backup: keep a copy of {} elsewhere; without it the backup cannot be read.",
        config.key_file.display(),
        config.key_file.display()
    );
    Ok(())
}

pub async fn restore(config: &Config, from: &Path) -> anyhow::Result<()> {
    let text = std::fs::read(from.join(MANIFEST)).with_context(|| {
        format!(
            "{} bukan cadangan Lapak yang selesai (tidak ada {MANIFEST}) / is not a finished Lapak backup (no {MANIFEST})",
            from.display()
        )
    })?;
    let manifest: Manifest = serde_json::from_slice(&text).context(MANIFEST)?;
    if manifest.format != FORMAT {
        bail!("format cadangan tidak dikenal / unknown backup format: {}", manifest.format);
    }
    let keys = KeyRing::load(&config.key_file).with_context(|| {
        format!(
            "berkas kunci yang dipakai saat pencadangan diperlukan di {} / the key file the backup was made with is needed at {}",
            config.key_file.display(),
            config.key_file.display()
        )
    })?;
    let held = keys.versions();
    let missing: Vec<u8> = manifest.key_versions.iter().copied().filter(|v| !held.contains(v)).collect();
    if keys.fingerprint() != manifest.key_fingerprint || !missing.is_empty() {
        bail!(
            "berkas kunci {} bukan yang dipakai saat pencadangan: data cadangan tidak dapat dibuka dengannya / \
             the key file {} is not the one the backup was made with: it cannot open the backup's data",
            config.key_file.display(),
            config.key_file.display()
        );
    }
    crate::create_private_dir(&config.data_dir)?;
    if let Some(name) = &manifest.database {
        let Some(target) = sqlite_file(&config.database_url) else {
            bail!(
                "cadangan ini berisi basis data SQLite, sedangkan basis data yang diatur adalah PostgreSQL / \
                 this backup holds a SQLite database, and the configured database is PostgreSQL"
            );
        };
        if target.exists() {
            bail!(
                "sudah ada basis data di {}: Lapak hanya memulihkan ke tempat kosong; hentikan lapak serve dan \
                 pindahkan berkas itu dulu / a database already exists at {}: Lapak restores only into an empty \
                 place; stop lapak serve and move that file away first",
                target.display(),
                target.display()
            );
        }
        let source = from.join(name);
        let checked = source.clone();
        let problems = tokio::task::spawn_blocking(move || check_sqlite(&checked)).await??;
        if !problems.is_empty() {
            bail!("basis data cadangan rusak / the backup's database is damaged: {}", problems.join("; "));
        }
        let partial = target.with_extension("db.restoring");
        std::fs::copy(&source, &partial)?;
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, &target)?;
        println!("Basis data dipulihkan / database restored: {}", target.display());
    }
    let copied = copy_folder(from.join(DOCUMENTS), config.documents_dir(), false).await?;
    println!("Dokumen dipulihkan / documents restored: {}", copied.files + copied.kept);
    // Opening applies the migrations of this Lapak to a backup made by an older one.
    let store = crate::open_store(config).await?;
    let counts = store.counts().await?;
    println!(
        "Siap / ready: {} kantor/offices, {} perusahaan/companies, {} peserta/members, {} klaim/claims \
         (cadangan dari / backup of {})",
        counts.branches, counts.companies, counts.members, counts.claims, manifest.made_at
    );
    Ok(())
}

/// The document folder copied on a blocking thread (with `prune`, what `from` no longer
/// holds goes from `to`: see [`copy_documents`]), with a count on a terminal.
async fn copy_folder(from: PathBuf, to: PathBuf, prune: bool) -> anyhow::Result<Copied> {
    let progress = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    progress
        .set_style(ProgressStyle::with_template("{spinner} {pos} dokumen/documents ({elapsed})").expect("template"));
    let shown = progress.clone();
    let copied = tokio::task::spawn_blocking(move || copy_documents(&from, &to, prune, &|n| shown.set_position(n)))
        .await?
        .context("salinan dokumen / the documents' copy")?;
    progress.finish_and_clear();
    Ok(copied)
}
