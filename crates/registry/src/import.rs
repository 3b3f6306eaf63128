//! `lapak import`: the membership registry from CSV or XLSX.
//!
//! Every row is checked; valid rows are upserted in batches (one transaction each), invalid
//! ones are reported with line, column and reason in Indonesian and English. Re-running a
//! file changes nothing; a crash loses nothing already committed.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::civil::Date;
use lapak_domain::contact::ContactError;
use lapak_domain::identifiers::IdentifierError;
use lapak_domain::member::{
    Branch, BranchCode, BranchKind, Company, CompanyScale, Member, MemberInconsistency, Name, NameError, ServiceMode,
};
use lapak_domain::money::MoneyError;
use lapak_domain::nik::NikError;
use lapak_domain::region::{IndonesianZone, Province};
use lapak_domain::{Email, Kpj, MobileNumber, Nik, Npp, Rupiah, Sex};
use lapak_storage::{RowConflict, Store, UpsertOutcome};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Branches,
    Companies,
    Members,
}

/// One rejected cell (or row): where, and why in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub column: String,
    /// Bahasa Indonesia.
    pub reason: String,
    pub reason_en: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Rows that are now in the registry as the file says (new, updated or unchanged).
    pub imported: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub errors: Vec<RowError>,
    pub seconds: f64,
}

/// Valid rows written per transaction.
const BATCH: usize = 5_000;
/// Errors listed in the JSON summary (all of them go to the report file).
const JSON_ERROR_CAP: usize = 10_000;

/// A cell as the file gave it: text from CSV, typed values from XLSX.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(Date),
}

impl Cell {
    fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text: whole numbers without a decimal point.
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{f:.0}"),
            Cell::Number(f) => f.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// Runs an import from `path`, with a progress bar on a terminal, the report file and the
/// JSON summary as asked.
pub async fn run(
    store: &Arc<dyn Store>,
    kind: Kind,
    path: &Path,
    report: Option<&Path>,
    json: bool,
) -> anyhow::Result<Summary> {
    let mut source = Source::open(path)?;
    let progress = if json {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(source.len), ProgressDrawTarget::stderr())
    };
    progress.set_style(
        ProgressStyle::with_template("{spinner} [{bar:40}] {percent}% {msg} ({elapsed} / ~{eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let summary = import(store, kind, &mut source, today(), &|pos, rows| {
        progress.set_position(pos);
        progress.set_message(format!("{rows} baris/rows"));
    })
    .await?;
    progress.finish_and_clear();
    if let Some(report) = report {
        write_report(report, &summary.errors).with_context(|| format!("cannot write report {}", report.display()))?;
    }
    if json {
        let mut shown = summary.clone();
        let total_errors = shown.errors.len();
        shown.errors.truncate(JSON_ERROR_CAP);
        let mut value = serde_json::to_value(&shown)?;
        value["kind"] = serde_json::to_value(kind)?;
        value["errors_total"] = total_errors.into();
        println!("{value}");
    } else {
        print_human(&summary, report);
    }
    Ok(summary)
}

fn today() -> Date {
    jiff::Timestamp::now().in_tz("Asia/Jakarta").map(|z| z.date()).unwrap_or_else(|_| jiff::Zoned::now().date())
}

fn print_human(s: &Summary, report: Option<&Path>) {
    println!(
        "Diimpor / imported: {} (baru/new {}, diperbarui/updated {}, tidak berubah/unchanged {}) · ditolak / rejected: {} · {:.1} s",
        s.imported, s.inserted, s.updated, s.unchanged, s.rejected, s.seconds
    );
    for e in s.errors.iter().take(20) {
        eprintln!("  baris/line {} · {}: {} / {}", e.line, e.column, e.reason, e.reason_en);
    }
    if s.errors.len() > 20 {
        match report {
            Some(r) => eprintln!("  … {} lagi di / more in {}", s.errors.len() - 20, r.display()),
            None => eprintln!("  … {} lagi / more: gunakan / use --report ERRORS.csv", s.errors.len() - 20),
        }
    }
}

/// The report as CSV with a BOM, so that spreadsheet programs open it as UTF-8.
fn write_report(path: &Path, errors: &[RowError]) -> anyhow::Result<()> {
    let mut file = std::fs::File::create(path)?;
    std::io::Write::write_all(&mut file, "\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(file);
    w.write_record(["baris", "kolom", "alasan", "reason"])?;
    for e in errors {
        w.write_record([e.line.to_string(), e.column.clone(), e.reason.clone(), e.reason_en.clone()])?;
    }
    w.flush()?;
    Ok(())
}

/// A row as read: its line, the progress position after it, and its cells (or why it
/// could not be read).
type SourceRow = (u64, u64, Result<Vec<Cell>, RowError>);

/// Rows from a CSV or XLSX file, with their line numbers.
pub struct Source {
    rows: Box<dyn Iterator<Item = SourceRow>>,
    header: Vec<String>,
    /// For progress: bytes (CSV) or lines (XLSX).
    len: u64,
}

impl Source {
    pub fn open(path: &Path) -> anyhow::Result<Source> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" => Self::open_sheet(path),
            "xls" | "xlsb" | "ods" | "fods" | "numbers" => anyhow::bail!(
                "format .{ext} tidak didukung: simpan sebagai XLSX atau CSV (UTF-8) / \
                 .{ext} files are not read: save the file as XLSX or CSV (UTF-8)"
            ),
            _ => Self::open_csv(path),
        }
    }

    fn open_csv(path: &Path) -> anyhow::Result<Source> {
        let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut reader = BufReader::with_capacity(1 << 16, file);
        // Sniff the delimiter from the header line; skip a UTF-8 byte-order mark.
        let head = reader.fill_buf()?;
        let bom = head.starts_with(b"\xEF\xBB\xBF");
        let first_line: &[u8] = head.split(|b| *b == b'\n').next().unwrap_or(b"");
        let semicolons = first_line.iter().filter(|b| **b == b';').count();
        let commas = first_line.iter().filter(|b| **b == b',').count();
        let delimiter = if semicolons > commas { b';' } else { b',' };
        if bom {
            reader.consume(3);
        }
        let boxed: Box<dyn Read> = Box::new(reader);
        let mut csv =
            // Records end at \n; a \r before it (Windows exports) is trimmed with the field.
            // With the default CRLF terminator the csv crate numbers lines one short.
            csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .terminator(csv::Terminator::Any(b'\n'))
                .has_headers(false)
                .flexible(true)
                .from_reader(boxed);
        let mut record = csv::ByteRecord::new();
        if !csv.read_byte_record(&mut record)? {
            anyhow::bail!("berkas kosong / the file is empty");
        }
        let header: Vec<String> = record.iter().map(|f| String::from_utf8_lossy(f).trim().to_string()).collect();
        let rows = std::iter::from_fn(move || {
            let mut record = csv::ByteRecord::new();
            match csv.read_byte_record(&mut record) {
                Ok(false) => None,
                Ok(true) => {
                    let pos = record.position().cloned();
                    let line = pos.as_ref().map_or(0, |p| p.line());
                    let byte = pos.as_ref().map_or(0, |p| p.byte());
                    let cells: Result<Vec<Cell>, RowError> = record
                        .iter()
                        .map(|f| match std::str::from_utf8(f) {
                            Ok(s) => Ok(if s.trim().is_empty() {
                                Cell::Empty
                            } else {
                                Cell::Text(s.trim_end_matches('\r').to_string())
                            }),
                            Err(_) => Err(RowError {
                                line,
                                column: "-".into(),
                                reason: "baris bukan teks UTF-8: simpan berkas sebagai \"CSV UTF-8\"".into(),
                                reason_en: "the row is not UTF-8 text: save the file as \"CSV UTF-8\"".into(),
                            }),
                        })
                        .collect();
                    Some((line, byte, cells))
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    Some((
                        line,
                        e.position().map_or(0, |p| p.byte()),
                        Err(RowError {
                            line,
                            column: "-".into(),
                            reason: format!("baris CSV rusak: {e}"),
                            reason_en: format!("malformed CSV row: {e}"),
                        }),
                    ))
                }
            }
        });
        Ok(Source { rows: Box::new(rows), header, len })
    }

    /// An XLSX workbook's first sheet, read cell by cell on a thread of its own and handed
    /// over a row at a time, so that a registry of a million rows never sits in memory as a
    /// grid (calamine's `worksheet_range` holds every cell). Older and other formats
    /// (XLS, XLSB, OpenDocument) are refused: calamine reads those whole as it opens them.
    fn open_sheet(path: &Path) -> anyhow::Result<Source> {
        use calamine::{Reader, Xlsx};
        let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut book = Xlsx::new(BufReader::with_capacity(1 << 16, file)).map_err(|e| {
            anyhow::anyhow!(
                "{} bukan buku kerja XLSX yang dapat dibaca: simpan sebagai XLSX atau CSV / \
                 is not a readable XLSX workbook: save it as XLSX or CSV ({e})",
                path.display()
            )
        })?;
        let sheet =
            book.sheet_names().first().cloned().context("buku kerja tidak punya lembar / the workbook has no sheet")?;
        let (tx, rx) = std::sync::mpsc::sync_channel::<SheetRow>(1024);
        std::thread::Builder::new().name("lapak-import-sheet".into()).spawn(move || {
            // calamine reads the file. A panic of its own (fuzzing found one on a cell
            // reference of many letters) ends the sheet as unreadable, not the import.
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stream_sheet(&mut book, &sheet, &tx)));
            let reason = match read {
                Ok(Ok(())) => return,
                Ok(Err(e)) => e,
                Err(_) => "calamine failed".to_string(),
            };
            let _ = tx.send(SheetRow::Unreadable(reason));
        })?;
        let mut len = 0;
        let header = loop {
            match rx.recv() {
                Ok(SheetRow::Lines(n)) => len = n,
                Ok(SheetRow::Row(line, cells)) => break (line, cells),
                Ok(SheetRow::Unreadable(e)) => {
                    anyhow::bail!("lembar pertama tidak dapat dibaca / the first sheet cannot be read: {e}")
                }
                Err(_) => anyhow::bail!("lembar pertama kosong / the first sheet is empty"),
            }
        };
        let (line, cells) = header;
        // Columns count from the header's first: a sheet may begin in column B.
        let first_column = cells.iter().position(|c| !c.is_empty()).unwrap_or(0);
        let header = cells[first_column..].iter().map(Cell::text).collect();
        let rows = SheetRows { rx, first_column, last_line: line };
        Ok(Source { rows: Box::new(rows), header, len: len.max(line) })
    }
}

/// What the sheet's reader thread hands over.
enum SheetRow {
    /// The sheet's last line as its dimension declares it: the progress bar's length.
    Lines(u64),
    /// A line (from 1) with at least one value, and its cells from column A.
    Row(u64, Vec<Cell>),
    /// The rest of the sheet cannot be read.
    Unreadable(String),
}

/// The most columns read of a row: the registry's files have a dozen, and a cell far to
/// the right must not make every row that wide.
const MOST_COLUMNS: usize = 256;

fn stream_sheet<RS: Read + std::io::Seek>(
    book: &mut calamine::Xlsx<RS>,
    sheet: &str,
    tx: &std::sync::mpsc::SyncSender<SheetRow>,
) -> Result<(), String> {
    use calamine::DataRef;
    let mut reader = book.worksheet_cells_reader(sheet).map_err(|e| e.to_string())?;
    let declared = u64::from(reader.dimensions().end.0) + 1;
    if tx.send(SheetRow::Lines(declared)).is_err() {
        return Ok(()); // the import stopped reading
    }
    let mut row: Option<(u64, Vec<Cell>)> = None;
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
            DataRef::SharedString(s) => Cell::Text((*s).to_string()),
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::Bool(b) => Cell::Text(b.to_string()),
            DataRef::DateTime(dt) if dt.is_datetime() => {
                let (y, m, day, ..) = dt.to_ymd_hms_milli();
                Date::new(y as i16, m as i8, day as i8).map_or(Cell::Number(dt.as_f64()), Cell::Date)
            }
            DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
            DataRef::Error(e) => Cell::Text(format!("#{e:?}")),
        };
        let (r, c) = cell.get_position();
        let line = u64::from(r) + 1;
        if let Some(done) = row.take_if(|(l, _)| *l != line) {
            if tx.send(SheetRow::Row(done.0, done.1)).is_err() {
                return Ok(());
            }
        }
        let cells = &mut row.get_or_insert_with(|| (line, Vec::new())).1;
        let c = c as usize;
        if c < MOST_COLUMNS {
            if cells.len() <= c {
                cells.resize(c + 1, Cell::Empty);
            }
            cells[c] = value;
        }
    }
    if let Some((line, cells)) = row {
        let _ = tx.send(SheetRow::Row(line, cells));
    }
    Ok(())
}

/// The rows after the header, as the reader thread hands them over (its last message, if
/// any, says the rest is unreadable; then the channel closes); the position for the
/// progress bar is the line.
struct SheetRows {
    rx: std::sync::mpsc::Receiver<SheetRow>,
    first_column: usize,
    last_line: u64,
}

impl Iterator for SheetRows {
    type Item = SourceRow;

    fn next(&mut self) -> Option<SourceRow> {
        match self.rx.recv().ok()? {
            SheetRow::Row(line, mut cells) => {
                self.last_line = line;
                cells.drain(..self.first_column.min(cells.len()));
                Some((line, line, Ok(cells)))
            }
            SheetRow::Unreadable(e) => {
                let line = self.last_line + 1;
                Some((
                    line,
                    line,
                    Err(RowError {
                        line,
                        column: "-".into(),
                        reason: format!("sisa lembar tidak dapat dibaca mulai baris ini (baris sebelumnya tetap diimpor): {e}"),
                        reason_en: format!("the rest of the sheet cannot be read from this line on (the lines before are imported): {e}"),
                    }),
                ))
            }
            // Sent once, before the rows, and read by `open_sheet`.
            SheetRow::Lines(_) => self.next(),
        }
    }
}

/// Canonical column names per kind, their English aliases, and whether they are required.
fn columns(kind: Kind) -> &'static [(&'static str, &'static [&'static str], bool)] {
    match kind {
        Kind::Branches => &[
            ("kode", &["code", "kode_kantor", "office_code"], true),
            ("nama", &["name"], true),
            ("jenis", &["kind", "type"], true),
            ("provinsi", &["province", "kode_provinsi", "province_code"], true),
            ("zona_waktu", &["time_zone", "timezone", "zone"], false),
            ("mode", &["service_mode"], false),
            ("jumlah_booth", &["booths", "booth"], false),
            ("kapasitas_ruang", &["room_capacity", "capacity"], false),
        ],
        Kind::Companies => &[
            ("npp", &[], true),
            ("nama", &["name"], true),
            ("skala", &["scale", "size"], true),
            ("jumlah_tenaga_kerja", &["workforce", "employees", "tenaga_kerja"], true),
            ("kode_kantor", &["branch_code", "office_code", "kode"], true),
        ],
        Kind::Members => &[
            ("nik", &[], true),
            ("kpj", &[], true),
            ("nama", &["name", "full_name", "nama_lengkap"], true),
            ("tanggal_lahir", &["birth_date", "date_of_birth", "tgl_lahir"], true),
            ("jenis_kelamin", &["sex", "gender"], true),
            ("nama_ibu_kandung", &["mother_maiden_name", "mother_name", "ibu_kandung"], true),
            ("npp", &["company", "employer_npp"], false),
            ("tanggal_kepesertaan", &["membership_start", "member_since", "tgl_kepesertaan"], true),
            ("tanggal_berhenti_bekerja", &["stopped_working_on", "last_working_day", "tgl_berhenti"], false),
            ("saldo_jht", &["jht_balance", "balance", "saldo"], true),
            ("email", &["e_mail", "surel"], false),
            ("no_hp", &["phone", "mobile", "no_wa", "whatsapp", "nomor_hp"], false),
        ],
    }
}

fn normalise_header(h: &str) -> String {
    h.trim().trim_start_matches('\u{feff}').to_lowercase().replace([' ', '-', '.'], "_")
}

/// Column positions by canonical name.
struct Columns(HashMap<&'static str, usize>);

impl Columns {
    fn map(kind: Kind, header: &[String]) -> anyhow::Result<Columns> {
        let normal: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        for (name, aliases, required) in columns(kind) {
            let pos = normal.iter().position(|h| h == name || aliases.contains(&h.as_str()));
            match pos {
                Some(p) => {
                    found.insert(*name, p);
                }
                None if *required => missing.push(*name),
                None => {}
            }
        }
        if !missing.is_empty() {
            let expected: Vec<&str> = columns(kind).iter().map(|c| c.0).collect();
            anyhow::bail!(
                "kolom wajib tidak ada / required columns missing: {}\nkolom yang diharapkan / expected header: {}\nkolom di berkas / header found: {}",
                missing.join(", "),
                expected.join(";"),
                header.join(";")
            );
        }
        Ok(Columns(found))
    }
}

/// One data row being checked: reads cells by column name, collects every problem.
struct Row<'a> {
    line: u64,
    cells: &'a [Cell],
    cols: &'a Columns,
    errors: Vec<RowError>,
}

impl<'a> Row<'a> {
    fn cell(&self, name: &str) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.cols.0.get(name).and_then(|i| self.cells.get(*i)).unwrap_or(&EMPTY)
    }

    fn fail(&mut self, column: &str, reason: impl Into<String>, reason_en: impl Into<String>) {
        self.errors.push(RowError {
            line: self.line,
            column: column.into(),
            reason: reason.into(),
            reason_en: reason_en.into(),
        });
    }

    /// A required cell's text, or an error.
    fn required(&mut self, column: &str) -> Option<String> {
        let cell = self.cell(column);
        if cell.is_empty() {
            self.fail(column, "wajib diisi", "required");
            None
        } else {
            Some(cell.text())
        }
    }

    fn optional(&self, column: &str) -> Option<String> {
        let cell = self.cell(column);
        (!cell.is_empty()).then(|| cell.text())
    }

    fn parse<T, E>(
        &mut self,
        column: &str,
        text: Option<String>,
        parse: impl FnOnce(&str) -> Result<T, E>,
        explain: impl FnOnce(&E) -> (String, String),
    ) -> Option<T> {
        let text = text?;
        match parse(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                let (id, en) = explain(&e);
                self.fail(column, id, en);
                None
            }
        }
    }

    fn name(&mut self, column: &str) -> Option<Name> {
        let text = self.required(column);
        self.parse(column, text, Name::parse, explain_name)
    }

    fn date(&mut self, column: &str, required: bool) -> Option<Date> {
        match self.cell(column).clone() {
            Cell::Date(d) => Some(d),
            Cell::Number(_) => {
                self.fail(
                    column,
                    "tanggal tersimpan sebagai angka seri spreadsheet: format kolom sebagai teks YYYY-MM-DD",
                    "the date is a spreadsheet serial number: format the column as text YYYY-MM-DD",
                );
                None
            }
            _ => {
                let text = if required { self.required(column) } else { self.optional(column) };
                self.parse(column, text, parse_date, |e: &DateProblem| e.explain())
            }
        }
    }

    /// A whole number written plainly or the Indonesian way (1.200).
    fn count(&mut self, column: &str, text: Option<String>) -> Option<u32> {
        self.parse(
            column,
            text,
            |s| Rupiah::parse(s).ok().and_then(|r| u32::try_from(r.amount()).ok()).ok_or(()),
            |_| ("harus bilangan bulat tidak negatif".into(), "must be a whole number, not negative".into()),
        )
    }
}

/// Checks a whole file and upserts what is valid. `progress(position, rows)` is called
/// every few hundred rows.
pub async fn import(
    store: &Arc<dyn Store>,
    kind: Kind,
    source: &mut Source,
    today: Date,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let cols = Columns::map(kind, &source.header)?;
    let mut summary = Summary::default();
    let refs = References::load(store.as_ref(), kind).await?;
    // Keys seen in this file, packed into integers: a million rows fit in a few tens of MB.
    let mut seen: HashMap<u128, u64> = HashMap::new();
    let mut batch = Batch::default();
    // One batch is written (sealed and committed, on another thread) while the next one is
    // checked; batches still commit one after the other, in file order.
    let mut in_flight: Option<tokio::task::JoinHandle<anyhow::Result<Written>>> = None;
    let mut rows = 0u64;
    for (line, position, cells) in source.rows.by_ref() {
        rows += 1;
        if rows.is_multiple_of(512) {
            progress(position, rows);
        }
        let cells = match cells {
            Ok(c) => c,
            Err(e) => {
                summary.rejected += 1;
                summary.errors.push(e);
                continue;
            }
        };
        if cells.iter().all(Cell::is_empty) {
            continue; // blank lines spreadsheets leave at the end
        }
        let mut row = Row { line, cells: &cells, cols: &cols, errors: Vec::new() };
        let parsed = match kind {
            Kind::Branches => parse_branch(&mut row).map(Parsed::Branch),
            Kind::Companies => parse_company(&mut row, &refs).map(Parsed::Company),
            Kind::Members => parse_member(&mut row, &refs, today).map(Parsed::Member),
        };
        match parsed {
            Some(p) if row.errors.is_empty() => {
                let (column, key) = p.key();
                let key = pack_key(key);
                if let Some(first) = seen.get(&key) {
                    summary.rejected += 1;
                    summary.errors.push(RowError {
                        line,
                        column: column.into(),
                        reason: format!("{column} ganda: sudah ada di baris {first}"),
                        reason_en: format!("duplicate {column}: already on line {first}"),
                    });
                    continue;
                }
                seen.insert(key, line);
                batch.push(line, p);
                if batch.len() >= BATCH {
                    if let Some(previous) = in_flight.take() {
                        account(previous.await??, &mut summary);
                    }
                    in_flight = Some(tokio::spawn(std::mem::take(&mut batch).write(store.clone())));
                }
            }
            _ => {
                summary.rejected += 1;
                summary.errors.extend(row.errors);
            }
        }
    }
    if let Some(previous) = in_flight.take() {
        account(previous.await??, &mut summary);
    }
    account(batch.write(store.clone()).await?, &mut summary);
    progress(source.len, rows);
    summary.imported = summary.inserted + summary.updated + summary.unchanged;
    summary.errors.sort_by_key(|e| e.line);
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// What rows may refer to: branches for companies, companies for members.
struct References {
    branches: HashSet<String>,
    companies: HashSet<String>,
}

impl References {
    async fn load(store: &dyn Store, kind: Kind) -> anyhow::Result<References> {
        Ok(References {
            branches: if kind == Kind::Companies { store.branch_codes().await? } else { HashSet::new() },
            companies: if kind == Kind::Members { store.company_npps().await? } else { HashSet::new() },
        })
    }
}

/// An upsert key (office code, NPP or KPJ: at most 12 letters or digits) as a number,
/// one-to-one: base 36 of the characters, times 16, plus the length.
fn pack_key(key: &str) -> u128 {
    key.bytes().fold(0u128, |acc, b| {
        acc * 36 + u128::from(if b.is_ascii_digit() { b - b'0' } else { b.to_ascii_uppercase() - b'A' + 10 })
    }) * 16
        + key.len() as u128
}

enum Parsed {
    Branch(Branch),
    Company(Company),
    Member(Member),
}

impl Parsed {
    /// The column and value that identify the row (upsert key).
    fn key(&self) -> (&'static str, &str) {
        match self {
            Parsed::Branch(b) => ("kode", b.code.as_str()),
            Parsed::Company(c) => ("npp", c.npp.as_str()),
            Parsed::Member(m) => ("kpj", m.kpj.as_str()),
        }
    }
}

#[derive(Default)]
struct Batch {
    lines: Vec<u64>,
    branches: Vec<Branch>,
    companies: Vec<Company>,
    members: Vec<Member>,
}

impl Batch {
    fn len(&self) -> usize {
        self.lines.len()
    }

    fn push(&mut self, line: u64, p: Parsed) {
        self.lines.push(line);
        match p {
            Parsed::Branch(b) => self.branches.push(b),
            Parsed::Company(c) => self.companies.push(c),
            Parsed::Member(m) => self.members.push(m),
        }
    }

    /// Writes the batch in one transaction.
    async fn write(self, store: Arc<dyn Store>) -> anyhow::Result<Written> {
        let outcome = if self.lines.is_empty() {
            UpsertOutcome::default()
        } else if !self.branches.is_empty() {
            store.upsert_branches(&self.branches).await?
        } else if !self.companies.is_empty() {
            store.upsert_companies(&self.companies).await?
        } else {
            store.upsert_members(&self.members).await?
        };
        Ok(Written { lines: self.lines, outcome })
    }
}

/// A committed batch: its rows' line numbers and what the store did with them.
struct Written {
    lines: Vec<u64>,
    outcome: UpsertOutcome,
}

fn account(written: Written, summary: &mut Summary) {
    let o = written.outcome;
    summary.inserted += o.inserted;
    summary.updated += o.updated;
    summary.unchanged += o.unchanged;
    for (i, conflict) in o.refused {
        summary.rejected += 1;
        let line = written.lines[i];
        summary.errors.push(match conflict {
            RowConflict::KpjHasOtherNik => RowError {
                line,
                column: "nik".into(),
                reason: "KPJ ini sudah terdaftar atas NIK lain".into(),
                reason_en: "this KPJ is already registered to a different NIK".into(),
            },
        });
    }
}

fn parse_branch(row: &mut Row) -> Option<Branch> {
    let code_text = row.required("kode");
    let code = row.parse("kode", code_text, BranchCode::parse, |_| {
        ("kode kantor harus 1–12 huruf atau angka".into(), "office code must be 1–12 letters or digits".into())
    });
    let name = row.name("nama");
    let kind_text = row.required("jenis");
    let kind = row.parse(
        "jenis",
        kind_text,
        |s| BranchKind::parse(s).ok_or(()),
        |_| ("jenis harus kanwil, kc, atau kcp".into(), "kind must be kanwil, kc or kcp".into()),
    );
    let province_text = row.required("provinsi");
    let province = row.parse("provinsi", province_text, province, |_| {
        (
            "provinsi tidak dikenal: gunakan kode Kemendagri (mis. 31) atau nama provinsi".into(),
            "unknown province: use the Kemendagri code (e.g. 31) or the province name".into(),
        )
    });
    let zone = match row.optional("zona_waktu") {
        Some(z) => row.parse(
            "zona_waktu",
            Some(z),
            |s| IndonesianZone::from_iana(s).map(|_| s.to_string()).ok_or(()),
            |_| {
                (
                    "zona waktu harus Asia/Jakarta, Asia/Pontianak, Asia/Makassar, atau Asia/Jayapura".into(),
                    "time zone must be Asia/Jakarta, Asia/Pontianak, Asia/Makassar or Asia/Jayapura".into(),
                )
            },
        ),
        None => province.map(|p| p.time_zone.to_string()),
    };
    if let (Some(p), Some(z)) = (province, zone.as_deref()) {
        if IndonesianZone::from_iana(p.time_zone) != IndonesianZone::from_iana(z) {
            row.fail(
                "zona_waktu",
                format!("zona waktu tidak sesuai provinsi {} ({})", p.name, p.time_zone),
                format!("time zone does not match the province {} ({})", p.name, p.time_zone),
            );
        }
    }
    let mode = match row.optional("mode") {
        Some(m) => row.parse(
            "mode",
            Some(m),
            |s| ServiceMode::parse(s).ok_or(()),
            |_| ("mode harus one_to_many atau one_to_one".into(), "mode must be one_to_many or one_to_one".into()),
        ),
        None => Some(ServiceMode::OneToOne),
    };
    let booths_text = row.optional("jumlah_booth");
    let booths = match booths_text {
        Some(t) => row.count("jumlah_booth", Some(t)),
        None => Some(1),
    };
    let capacity_text = row.optional("kapasitas_ruang");
    let capacity = match capacity_text {
        Some(t) => row.count("kapasitas_ruang", Some(t)),
        None => Some(0),
    };
    let small = |v: u32, column: &str, row: &mut Row| -> Option<u16> {
        u16::try_from(v).ok().or_else(|| {
            row.fail(column, "angka terlalu besar", "number too large");
            None
        })
    };
    let booths = booths.and_then(|b| small(b, "jumlah_booth", row));
    let capacity = capacity.and_then(|c| small(c, "kapasitas_ruang", row));
    let branch = Branch {
        code: code?,
        name: name?,
        kind: kind?,
        province_code: province?.code.to_string(),
        time_zone: zone?,
        mode: mode?,
        booths: booths?,
        room_capacity: capacity?,
    };
    if let Err(e) = branch.validate() {
        row.fail("jumlah_booth", "kantor One to Many perlu sedikitnya 2 booth", e.to_string());
    }
    Some(branch)
}

fn province(s: &str) -> Result<Province, ()> {
    let s = s.trim();
    Province::by_code(&format!("{s:0>2}"))
        .or_else(|| Province::all().find(|p| p.name.eq_ignore_ascii_case(s)))
        .ok_or(())
}

fn parse_company(row: &mut Row, refs: &References) -> Option<Company> {
    let npp_text = row.required("npp");
    let npp = row.parse("npp", npp_text, Npp::parse, |e| explain_identifier("NPP", e));
    let name = row.name("nama");
    let scale_text = row.required("skala");
    let scale = row.parse(
        "skala",
        scale_text,
        |s| CompanyScale::parse(s).ok_or(()),
        |_| {
            (
                "skala harus kecil, menengah, atau besar".into(),
                "scale must be kecil (small), menengah (medium) or besar (large)".into(),
            )
        },
    );
    let workforce_text = row.required("jumlah_tenaga_kerja");
    let workforce = row.count("jumlah_tenaga_kerja", workforce_text);
    let branch_text = row.required("kode_kantor");
    let branch = row.parse("kode_kantor", branch_text, BranchCode::parse, |_| {
        ("kode kantor tidak sah".into(), "invalid office code".into())
    });
    if let Some(b) = &branch {
        if !refs.branches.contains(b.as_str()) {
            row.fail(
                "kode_kantor",
                format!("kantor {b} belum terdaftar: impor kantor lebih dahulu"),
                format!("office {b} is not registered: import branches first"),
            );
        }
    }
    Some(Company { npp: npp?, name: name?, scale: scale?, workforce: workforce?, branch_code: branch? })
}

fn parse_member(row: &mut Row, refs: &References, today: Date) -> Option<Member> {
    let nik = match row.cell("nik").clone() {
        // Excel keeps 15 significant digits: a 16-digit NIK stored as a number loses its last digit.
        Cell::Number(f) if f.fract() != 0.0 || f >= 1e16 || format!("{f:.0}").ends_with('0') => {
            row.fail("nik", NIK_DAMAGED_ID, NIK_DAMAGED_EN);
            None
        }
        _ => {
            let text = row.required("nik");
            row.parse("nik", text, Nik::parse, explain_nik)
        }
    };
    let kpj_text = row.required("kpj");
    let kpj = row.parse("kpj", kpj_text, Kpj::parse, |e| explain_identifier("KPJ", e));
    let full_name = row.name("nama");
    let birth_date = row.date("tanggal_lahir", true);
    let sex_text = row.required("jenis_kelamin");
    let sex = row.parse(
        "jenis_kelamin",
        sex_text,
        |s| Sex::from_letter(s).ok_or(()),
        |_| ("jenis kelamin harus L atau P".into(), "sex must be L (male) or P (female)".into()),
    );
    let mother = row.name("nama_ibu_kandung");
    let npp_text = row.optional("npp");
    let npp = row.parse("npp", npp_text, Npp::parse, |e| explain_identifier("NPP", e));
    if let Some(n) = &npp {
        if !refs.companies.contains(n.as_str()) {
            row.fail(
                "npp",
                format!("perusahaan NPP {n} belum terdaftar: impor perusahaan lebih dahulu"),
                format!("company NPP {n} is not registered: import companies first"),
            );
        }
    }
    let start = row.date("tanggal_kepesertaan", true);
    let stopped = row.date("tanggal_berhenti_bekerja", false);
    let balance_text = row.required("saldo_jht");
    let balance = row.parse("saldo_jht", balance_text, Rupiah::parse, explain_money);
    let email_text = row.optional("email");
    let email = row.parse("email", email_text, Email::parse, |_: &ContactError| {
        ("alamat email tidak sah".into(), "not a valid e-mail address".into())
    });
    let phone_text = row.optional("no_hp");
    let phone = row.parse("no_hp", phone_text, MobileNumber::parse, |_: &ContactError| {
        (
            "nomor HP harus nomor seluler Indonesia (08… atau +628…)".into(),
            "must be an Indonesian mobile number (08… or +628…)".into(),
        )
    });
    let member = Member {
        nik: nik?,
        kpj: kpj?,
        full_name: full_name?,
        birth_date: birth_date?,
        sex: sex?,
        mother_maiden_name: mother?,
        npp,
        membership_start: start?,
        stopped_working_on: stopped,
        jht_balance: balance?,
        email,
        phone,
    };
    for problem in member.inconsistencies(today) {
        let id = match problem {
            MemberInconsistency::BirthDateDisagreesWithNik => "tanggal lahir tidak sesuai dengan NIK",
            MemberInconsistency::SexDisagreesWithNik => {
                "jenis kelamin tidak sesuai dengan NIK (perempuan: tanggal lahir di NIK ditambah 40)"
            }
            MemberInconsistency::MembershipBeforeBirth => "tanggal kepesertaan sebelum tanggal lahir",
            MemberInconsistency::FutureDate => "tanggal di masa depan",
            MemberInconsistency::StoppedBeforeMembership => "berhenti bekerja sebelum menjadi peserta",
        };
        row.fail(problem.field(), id, problem.to_string());
    }
    Some(member)
}

const NIK_DAMAGED_ID: &str =
    "NIK rusak oleh spreadsheet (disimpan sebagai angka, digit terakhir hilang): simpan kolom sebagai teks";
const NIK_DAMAGED_EN: &str =
    "NIK damaged by a spreadsheet (stored as a number, last digit lost): store the column as text";

fn explain_nik(e: &NikError) -> (String, String) {
    match e {
        NikError::Length => {
            ("NIK harus 16 digit, seperti di KTP".into(), "NIK must be 16 digits, as on the ID card".into())
        }
        NikError::NotDigits => ("NIK hanya boleh berisi angka".into(), "NIK may contain digits only".into()),
        NikError::SpreadsheetDamage => (NIK_DAMAGED_ID.into(), NIK_DAMAGED_EN.into()),
        NikError::Province(code) => {
            (format!("kode provinsi {code} di NIK tidak dikenal"), format!("unknown province code {code} in the NIK"))
        }
        NikError::Region => (
            "kode kabupaten/kecamatan di NIK tidak boleh 00".into(),
            "regency and district codes in the NIK cannot be 00".into(),
        ),
        NikError::BirthDate => (
            "tanggal lahir di dalam NIK tidak ada di kalender".into(),
            "the birth date inside the NIK does not exist".into(),
        ),
        NikError::Serial => ("nomor urut NIK tidak boleh 0000".into(), "the NIK serial cannot be 0000".into()),
    }
}

fn explain_identifier(what: &str, e: &IdentifierError) -> (String, String) {
    match e {
        IdentifierError::NotDigits => (format!("{what} hanya boleh berisi angka"), format!("{what} may contain digits only")),
        IdentifierError::Length { expected } => (format!("{what} harus {expected} digit"), format!("{what} must be {expected} digits")),
        IdentifierError::SpreadsheetDamage => (
            format!("{what} rusak oleh spreadsheet (angka nol di depan hilang atau notasi ilmiah): simpan kolom sebagai teks"),
            format!("{what} damaged by a spreadsheet (leading zeros lost or scientific notation): store the column as text"),
        ),
        IdentifierError::CheckDigit => (format!("digit pemeriksa {what} salah"), format!("the {what} check digit is wrong")),
    }
}

fn explain_name(e: &NameError) -> (String, String) {
    match e {
        NameError::Empty => ("wajib diisi".into(), "required".into()),
        NameError::TooLong { max } => {
            (format!("nama lebih dari {max} karakter"), format!("name longer than {max} characters"))
        }
        NameError::Characters => {
            ("nama berisi karakter yang bukan huruf".into(), "the name contains characters that are not letters".into())
        }
    }
}

fn explain_money(e: &MoneyError) -> (String, String) {
    match e {
        MoneyError::Negative => ("saldo tidak boleh negatif".into(), "the balance cannot be negative".into()),
        MoneyError::Fraction => ("rupiah tidak memakai sen".into(), "rupiah amounts have no cents".into()),
        MoneyError::NotAnAmount => (
            "bukan jumlah rupiah (contoh: Rp 12.500.000)".into(),
            "not an amount in rupiah (e.g. Rp 12.500.000)".into(),
        ),
        MoneyError::Overflow => ("jumlah terlalu besar".into(), "amount too large".into()),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum DateProblem {
    Format,
    Serial,
    UsOrder,
    TwoDigitYear,
    DoesNotExist,
}

impl DateProblem {
    fn explain(&self) -> (String, String) {
        let (id, en) = match self {
            DateProblem::Format => {
                ("format tanggal harus YYYY-MM-DD atau DD/MM/YYYY", "date must be YYYY-MM-DD or DD/MM/YYYY")
            }
            DateProblem::Serial => (
                "tanggal tersimpan sebagai angka seri spreadsheet: format kolom sebagai teks YYYY-MM-DD",
                "the date is a spreadsheet serial number: format the column as text YYYY-MM-DD",
            ),
            DateProblem::UsOrder => (
                "tanggal tampaknya berformat bulan/tanggal (AS): gunakan DD/MM/YYYY",
                "the date looks like month/day (US order): use DD/MM/YYYY",
            ),
            DateProblem::TwoDigitYear => ("tahun harus 4 digit", "the year must have 4 digits"),
            DateProblem::DoesNotExist => ("tanggal tidak ada di kalender", "the date does not exist"),
        };
        (id.into(), en.into())
    }
}

/// `YYYY-MM-DD`, or the Indonesian `DD/MM/YYYY` (also with `-` or `.`).
fn parse_date(s: &str) -> Result<Date, DateProblem> {
    let s = s.trim();
    // A spreadsheet that exported a date cell as its serial number (days since 1899-12-30).
    if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateProblem::Serial);
    }
    let s = s.split([' ', 'T']).next().unwrap_or(s); // "1990-05-15 00:00:00" from some exports
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(DateProblem::Format);
    }
    let num = |p: &str| p.parse::<i32>().map_err(|_| DateProblem::Format);
    let (y, m, d) = if parts[0].len() == 4 {
        (num(parts[0])?, num(parts[1])?, num(parts[2])?)
    } else if parts[2].len() == 4 {
        let (d, m) = (num(parts[0])?, num(parts[1])?);
        if m > 12 && d <= 12 {
            return Err(DateProblem::UsOrder);
        }
        (num(parts[2])?, m, d)
    } else if parts[2].len() == 2 {
        return Err(DateProblem::TwoDigitYear);
    } else {
        return Err(DateProblem::Format);
    };
    let (Ok(y), Ok(m), Ok(d)) = (i16::try_from(y), i8::try_from(m), i8::try_from(d)) else {
        return Err(DateProblem::DoesNotExist);
    };
    Date::new(y, m, d).map_err(|_| DateProblem::DoesNotExist)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates_in_both_orders_and_damage_explained() {
        assert_eq!(parse_date("1990-05-15"), Ok(date(1990, 5, 15)));
        assert_eq!(parse_date("15/05/1990"), Ok(date(1990, 5, 15)));
        assert_eq!(parse_date("15-05-1990"), Ok(date(1990, 5, 15)));
        assert_eq!(parse_date("1990-05-15 00:00:00"), Ok(date(1990, 5, 15)));
        assert_eq!(parse_date("33008"), Err(DateProblem::Serial));
        assert_eq!(parse_date("05/15/1990"), Err(DateProblem::UsOrder));
        assert_eq!(parse_date("15/05/90"), Err(DateProblem::TwoDigitYear));
        assert_eq!(parse_date("31/02/1990"), Err(DateProblem::DoesNotExist));
        assert_eq!(parse_date("kemarin"), Err(DateProblem::Format));
    }

    #[test]
    fn headers_are_matched_case_insensitively_with_english_aliases() {
        let header: Vec<String> =
            ["NPP", "Name", "Skala", "Jumlah Tenaga Kerja", "branch_code"].iter().map(|s| s.to_string()).collect();
        let cols = Columns::map(Kind::Companies, &header).unwrap();
        assert_eq!(cols.0["nama"], 1);
        assert_eq!(cols.0["kode_kantor"], 4);
        let missing = Columns::map(Kind::Companies, &header[..2]).err().unwrap().to_string();
        assert!(missing.contains("skala"), "{missing}");
    }

    #[test]
    fn packed_keys_are_distinct() {
        let keys = ["KC001", "KC01", "0KC01", "12345678901", "012345678901", "ZZZZZZZZZZZZ", "1"];
        let packed: HashSet<u128> = keys.iter().map(|k| pack_key(k)).collect();
        assert_eq!(packed.len(), keys.len());
    }

    #[test]
    fn numeric_cells_are_read_as_whole_numbers() {
        assert_eq!(Cell::Number(12345678901.0).text(), "12345678901");
        assert_eq!(Cell::Number(1.5).text(), "1.5");
    }
}
