//! Reading a company's worker list (CSV or XLSX, as HR departments make them in Excel or
//! LibreOffice) into rows of text for the collective checks.
//!
//! What real files do, and what is done about it:
//! - numbers stored as numbers: read back as whole numbers; a NIK stored as a number has
//!   lost its 16th digit in Excel (15 significant digits), which is said plainly;
//! - dates as serial numbers, with or without a date format: turned into dates;
//! - a title above the header, merged header cells, a header on two rows: the header is
//!   looked for in the first rows, a two-row header is read column by column;
//! - empty rows: skipped; several sheets: the first sheet whose header fits is read;
//! - formulas: their computed values are read (never the formula);
//! - macro-enabled workbooks: refused; more rows than the limit: refused as soon as the
//!   reader passes the limit, before the rest of the file is parsed.

use std::io::Cursor;

use lapak_domain::collective::{CellError, WorkerRow, COLUMNS};

/// Rows searched for the header (titles, logos and notes above it).
const HEADER_SEARCH_ROWS: usize = 20;

/// Why a file could not be read as a worker list; `code` is the message (`err-<code>`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    #[error("the file is empty")]
    Empty,
    #[error("not a CSV or XLSX file")]
    Type,
    #[error("macro-enabled workbook")]
    Macro,
    #[error("more than {limit} rows")]
    TooManyRows { limit: usize },
    #[error("no header with the template's columns; sheets: {sheets:?}")]
    NoHeader { sheets: Vec<String>, missing: Vec<&'static str> },
    #[error("not UTF-8 text")]
    Encoding,
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
}

impl ListError {
    pub fn code(&self) -> &'static str {
        match self {
            ListError::Empty => "list-empty",
            ListError::Type => "list-type",
            ListError::Macro => "list-macro",
            ListError::TooManyRows { .. } => "list-too-many-rows",
            ListError::NoHeader { .. } => "list-no-header",
            ListError::Encoding => "list-encoding",
            ListError::Unreadable(_) => "list-unreadable",
        }
    }
}

/// A cell as the file gave it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(jiff::civil::Date),
}

impl Cell {
    fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            // A leading apostrophe is how spreadsheets (and Lapak's own exports) keep a
            // value from being read as a number or formula: it is not part of the value.
            Cell::Text(s) => s.trim().strip_prefix('\'').unwrap_or(s.trim()).trim().to_string(),
            Cell::Number(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{f:.0}"),
            Cell::Number(f) => f.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// The rows read, and the problems only the reader can see (a NIK stored as a number).
#[derive(Debug, Default)]
pub struct WorkerList {
    pub rows: Vec<WorkerRow>,
    pub problems: Vec<CellError>,
    /// The sheet read, for XLSX.
    pub sheet: Option<String>,
}

/// Reads `bytes`, recognised by content (the name is not trusted).
pub fn read(bytes: &[u8], max_rows: usize) -> Result<WorkerList, ListError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ListError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // calamine and zip read what a stranger sent. A panic of theirs is an unreadable
        // file, not a failed request: fuzzing (`fuzz/`) found calamine overflowing on a cell
        // reference of many letters, a panic where overflow is checked (debug builds).
        std::panic::catch_unwind(|| read_workbook(bytes, max_rows))
            .unwrap_or_else(|_| Err(ListError::Unreadable("the workbook reader failed on this file".into())))
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // Excel 97–2003 (.xls): may carry macros and cannot be checked for them here.
        Err(ListError::Type)
    } else if bytes.contains(&0) || [&b"%PDF-"[..], b"\xFF\xD8\xFF", b"\x89PNG"].iter().any(|m| bytes.starts_with(m)) {
        // Binary, or a document (a PDF, a scan) chosen in the list's place.
        Err(ListError::Type)
    } else {
        read_csv(bytes, max_rows)
    }
}

/// A header as words joined by `_`: "No. KTP" → `no_ktp`, "Tanggal Lahir (DD/MM/YYYY)" →
/// `tanggal_lahir` (a note in brackets is dropped).
fn normalise(h: &str) -> String {
    let mut text = String::new();
    let mut depth = 0usize;
    for c in h.trim_start_matches('\u{feff}').chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    text.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("_")
}

fn column_of(header: &str) -> Option<usize> {
    let h = normalise(header);
    COLUMNS.iter().position(|(name, aliases)| *name == h || aliases.contains(&h.as_str()))
}

/// Positions of the template's columns (by `COLUMNS` index) in a header row, if it has
/// at least the identity columns.
fn map_header(cells: &[String]) -> (Vec<Option<usize>>, Vec<&'static str>) {
    let mut at = vec![None; COLUMNS.len()];
    for (i, c) in cells.iter().enumerate() {
        if let Some(col) = column_of(c) {
            at[col].get_or_insert(i);
        }
    }
    // E-mail and mobile may be left out; every other column must be there.
    let missing = COLUMNS
        .iter()
        .enumerate()
        .filter(|(i, (name, _))| at[*i].is_none() && !matches!(*name, "email" | "no_hp"))
        .map(|(_, (name, _))| *name)
        .collect();
    (at, missing)
}

/// Finds the header among the first rows: one row, or two rows read together (merged group
/// cells above, the column names below). Returns the column positions and the index of the
/// first data row.
fn find_header(rows: &[Vec<Cell>]) -> Result<(Vec<Option<usize>>, usize), Vec<&'static str>> {
    let mut fewest: Option<Vec<&'static str>> = None;
    let texts: Vec<Vec<String>> =
        rows.iter().take(HEADER_SEARCH_ROWS + 1).map(|r| r.iter().map(Cell::text).collect()).collect();
    for i in 0..texts.len().min(HEADER_SEARCH_ROWS) {
        let (at, missing) = map_header(&texts[i]);
        if missing.is_empty() {
            return Ok((at, i + 1));
        }
        if let Some(next) = texts.get(i + 1) {
            let width = texts[i].len().max(next.len());
            let joined: Vec<String> = (0..width)
                .map(|c| {
                    let below = next.get(c).cloned().unwrap_or_default();
                    if column_of(&below).is_some() {
                        below
                    } else {
                        texts[i].get(c).cloned().unwrap_or_default()
                    }
                })
                .collect();
            let (at2, missing2) = map_header(&joined);
            if missing2.is_empty() {
                return Ok((at2, i + 2));
            }
        }
        if fewest.as_ref().is_none_or(|f| missing.len() < f.len()) {
            fewest = Some(missing);
        }
    }
    Err(fewest.unwrap_or_else(|| COLUMNS.iter().map(|c| c.0).collect()))
}

/// Days since 1899-12-30: Excel's 1900 date system (its 1900 leap-year bug lands before
/// March 1900, where no worker's date is).
fn serial_date(serial: f64) -> Option<jiff::civil::Date> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let base = jiff::civil::date(1899, 12, 30);
    base.checked_add(jiff::Span::new().days(serial.trunc() as i64)).ok()
}

fn to_rows(rows: Vec<(usize, Vec<Cell>)>, at: &[Option<usize>], problems: &mut Vec<CellError>) -> Vec<WorkerRow> {
    let mut out = Vec::with_capacity(rows.len());
    for (line, cells) in rows {
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        let get = |col: usize| -> Cell { at[col].and_then(|i| cells.get(i)).cloned().unwrap_or(Cell::Empty) };
        let date = |col: usize| -> String {
            match get(col) {
                Cell::Number(n) => serial_date(n).map(|d| d.to_string()).unwrap_or_else(|| n.to_string()),
                other => other.text(),
            }
        };
        let nik = get(0);
        if let Cell::Number(n) = nik {
            // 16 digits do not fit in a spreadsheet number: the last one came back as 0.
            if n >= 1e15 && format!("{n:.0}").ends_with('0') {
                problems.push(CellError { line, column: "nik", code: "list-nik-number" });
            }
        }
        out.push(WorkerRow {
            line,
            nik: nik.text(),
            kpj: get(1).text(),
            name: get(2).text(),
            birth_date: date(3),
            layoff_date: date(4),
            bank_code: get(5).text(),
            account_number: get(6).text(),
            account_holder: get(7).text(),
            email: get(8).text(),
            mobile: get(9).text(),
        });
    }
    out
}

fn read_csv(bytes: &[u8], max_rows: usize) -> Result<WorkerList, ListError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| ListError::Encoding)?;
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter =
        [b';', b',', b'\t'].into_iter().max_by_key(|d| first.bytes().filter(|b| b == d).count()).unwrap_or(b',');
    let mut csv =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                rows.push((line, record.iter().map(|f| Cell::Text(f.to_string())).collect::<Vec<_>>()));
                if rows.len() > max_rows + HEADER_SEARCH_ROWS + 2 {
                    return Err(ListError::TooManyRows { limit: max_rows });
                }
            }
            Err(e) => return Err(ListError::Unreadable(e.to_string())),
        }
    }
    let cells: Vec<Vec<Cell>> = rows.iter().take(HEADER_SEARCH_ROWS + 1).map(|r| r.1.clone()).collect();
    let (at, start) = find_header(&cells).map_err(|missing| ListError::NoHeader { sheets: vec![], missing })?;
    let data: Vec<(usize, Vec<Cell>)> = rows.into_iter().skip(start).collect();
    finish(data, &at, max_rows, None)
}

fn finish(
    data: Vec<(usize, Vec<Cell>)>,
    at: &[Option<usize>],
    max_rows: usize,
    sheet: Option<String>,
) -> Result<WorkerList, ListError> {
    let mut problems = Vec::new();
    let rows = to_rows(data, at, &mut problems);
    if rows.len() > max_rows {
        return Err(ListError::TooManyRows { limit: max_rows });
    }
    if rows.is_empty() {
        return Err(ListError::Empty);
    }
    Ok(WorkerList { rows, problems, sheet })
}

fn read_workbook(bytes: &[u8], max_rows: usize) -> Result<WorkerList, ListError> {
    use calamine::{Reader, Xlsx};
    // The archive's directory, read once for the checks made before calamine opens it.
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Err(ListError::Type) };
    let parts: Vec<String> = archive.file_names().filter_map(Result::ok).map(|n| n.to_ascii_lowercase()).collect();
    if has_macros(&parts) {
        return Err(ListError::Macro);
    }
    // XLSX only, streamed cell by cell, so that an oversized sheet is refused early and a
    // large one never sits in memory. calamine reads other workbooks in a ZIP (OpenDocument,
    // XLSB) whole as it opens them, into a grid as wide and tall as their farthest cell: an
    // OpenDocument file of under 2 KB whose empty rows and columns repeat took 3 GB and seconds.
    if !parts.iter().any(|n| n == "xl/workbook.xml") {
        return Err(ListError::Type);
    }
    // calamine holds the shared strings in memory as it opens the workbook: an 834 KB XLSX
    // whose strings inflate to 340 MB took 1.1 GB. The parts are inflated once first, into
    // nothing, through a limit.
    inflates_within(&mut archive, MOST_INFLATED)?;
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| ListError::Unreadable(e.to_string()))?;
    if matches!(book.vba_project(), Ok(Some(_))) {
        return Err(ListError::Macro);
    }
    let names = book.sheet_names();
    let mut fewest: Option<Vec<&'static str>> = None;
    for name in &names {
        let rows = stream_xlsx(&mut book, name, max_rows)?;
        let head: Vec<Vec<Cell>> = rows.iter().take(HEADER_SEARCH_ROWS + 1).map(|r| r.1.clone()).collect();
        match find_header(&head) {
            Ok((at, start)) => {
                let data = rows.into_iter().skip(start).collect();
                return finish(data, &at, max_rows, Some(name.clone()));
            }
            Err(missing) => {
                if fewest.as_ref().is_none_or(|f| missing.len() < f.len()) {
                    fewest = Some(missing);
                }
            }
        }
    }
    Err(ListError::NoHeader { sheets: names, missing: fewest.unwrap_or_default() })
}

/// The most a workbook's parts may inflate to together: the benchmark's list of 50,000
/// workers (2.7 MB) inflates to 30 MB.
const MOST_INFLATED: u64 = 128 << 20;

/// Whether every part of the archive inflates, and all of them together to at most `most`
/// bytes (their headers' sizes are not trusted: the bytes are counted).
fn inflates_within(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, most: u64) -> Result<(), ListError> {
    let unreadable = |e: &dyn std::fmt::Display| ListError::Unreadable(e.to_string());
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| unreadable(&e))?;
        total += std::io::copy(&mut std::io::Read::take(&mut part, most - total + 1), &mut std::io::sink())
            .map_err(|e| unreadable(&e))?;
        if total > most {
            return Err(ListError::Unreadable(format!("the workbook inflates to more than {} MB", most >> 20)));
        }
    }
    Ok(())
}

/// Whether an Office Open XML or OpenDocument archive carries macros, by its parts' names
/// (a VBA project, Excel 4 macro sheets, ActiveX, OpenDocument Basic or scripts), whether or
/// not the macro code itself is well formed.
fn has_macros(parts: &[String]) -> bool {
    parts.iter().any(|n| {
        n.ends_with("vbaproject.bin")
            || n.contains("/macrosheets/")
            || n.contains("/activex/")
            || n.starts_with("basic/")
            || n.starts_with("scripts/")
    })
}

fn excel_date(dt: &calamine::ExcelDateTime) -> Cell {
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    jiff::civil::Date::new(y as i16, m as i8, d as i8).map_or(Cell::Number(dt.as_f64()), Cell::Date)
}

fn stream_xlsx<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Xlsx<RS>,
    sheet: &str,
    max_rows: usize,
) -> Result<Vec<(usize, Vec<Cell>)>, ListError> {
    use calamine::DataRef;
    let mut reader = book.worksheet_cells_reader(sheet).map_err(|e| ListError::Unreadable(e.to_string()))?;
    let limit = max_rows + HEADER_SEARCH_ROWS + 2;
    let mut rows: Vec<(usize, Vec<Cell>)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| ListError::Unreadable(e.to_string()))? {
        let (r, c) = cell.get_position();
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
            DataRef::SharedString(s) => Cell::Text((*s).to_string()),
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::Bool(b) => Cell::Text(b.to_string()),
            DataRef::DateTime(dt) => excel_date(dt),
            DataRef::Error(e) => Cell::Text(format!("#{e:?}")),
        };
        let line = r as usize + 1;
        if rows.last().is_none_or(|(l, _)| *l != line) {
            if rows.len() >= limit {
                return Err(ListError::TooManyRows { limit: max_rows });
            }
            rows.push((line, Vec::new()));
        }
        let cells = &mut rows.last_mut().expect("pushed").1;
        let c = c as usize;
        if c < 64 {
            if cells.len() <= c {
                cells.resize(c + 1, Cell::Empty);
            }
            cells[c] = value;
        }
    }
    Ok(rows)
}

/// A cell value that a spreadsheet would run as a formula (=, @, +, -, and the tab or
/// carriage return some programs strip first) is written with a leading apostrophe
/// (OWASP "CSV injection"). A plain signed number or phone number (+62 812-3456-7890: only
/// digits, spaces, dots, dashes and brackets after the sign) computes nothing and is kept.
pub fn neutralise(value: &str) -> String {
    let plain = |rest: &str| rest.chars().all(|c| c.is_ascii_digit() || " .-()".contains(c));
    match value.chars().next() {
        Some('=' | '@' | '\t' | '\r') => format!("'{value}"),
        Some('+' | '-') if !plain(&value[1..]) => format!("'{value}"),
        _ => value.to_string(),
    }
}

/// A table as an XLSX workbook, every cell a string (never a formula), neutralised.
pub fn xlsx(sheet: &str, header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, neutralise(h), &bold).map_err(|e| e.to_string())?;
        ws.set_column_format(c as u16, &text).map_err(|e| e.to_string())?;
        ws.set_column_width(c as u16, 18).map_err(|e| e.to_string())?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, neutralise(v)).map_err(|e| e.to_string())?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// A table as CSV (UTF-8 with a byte-order mark, `;` as Indonesian spreadsheets expect),
/// neutralised.
pub fn csv_bytes(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = w.write_record(header.iter().map(|h| neutralise(h)));
    for row in rows {
        let _ = w.write_record(row.iter().map(|v| neutralise(v)));
    }
    w.into_inner().unwrap_or_default()
}

/// The template's header and one example row.
pub fn template_header() -> Vec<String> {
    COLUMNS.iter().map(|c| c.0.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Vec<u8> {
        let header: Vec<String> = rows[0].iter().map(|s| s.to_string()).collect();
        let body: Vec<Vec<String>> = rows[1..].iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect();
        xlsx("Pekerja", &header, &body).unwrap()
    }

    /// Found by fuzzing (`fuzz/`, target `worker_list`): calamine computes a column from a
    /// cell reference's letters without checking for overflow, so a reference of many letters
    /// panicked where overflow is checked. The list is refused as unreadable, whatever the
    /// build.
    #[test]
    fn a_workbook_that_makes_the_reader_fail_is_unreadable() {
        use std::io::{Read, Write};
        let good = sheet(&[&["NIK", "KPJ", "Nama lengkap"], &["3273015505900002", "10000000115", "Siti"]]);
        let mut archive = zip::ZipArchive::new(Cursor::new(&good)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut body = String::new();
            entry.read_to_string(&mut body).unwrap();
            if name.starts_with("xl/worksheets/") {
                assert!(body.contains(r#"r="A2""#), "{body}");
                body = body.replace(r#"r="A2""#, &format!(r#"r="{}2""#, "Z".repeat(40)));
            }
            out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            out.write_all(body.as_bytes()).unwrap();
        }
        let bad = out.finish().unwrap().into_inner();
        assert!(matches!(read(&bad, 100), Err(ListError::Unreadable(_))), "{:?}", read(&bad, 100));
    }

    /// An OpenDocument spreadsheet of under 2 KB whose empty rows and columns repeat to 96
    /// million cells: calamine reads such a workbook whole as it opens it (3 GB and seconds
    /// here). Only XLSX, streamed, and CSV are read.
    #[test]
    fn a_workbook_other_than_xlsx_is_refused_unread() {
        use std::io::Write;
        let cell = r#"<table:table-cell office:value-type="string"><text:p>NIK</text:p></table:table-cell>"#;
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Pekerja"><table:table-row>{cell}</table:table-row><table:table-row table:number-rows-repeated="6000"><table:table-cell table:number-columns-repeated="16000"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16000"/>{cell}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        out.start_file("mimetype", stored).unwrap();
        out.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        out.start_file("META-INF/manifest.xml", zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
        out.start_file("content.xml", zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(content.as_bytes()).unwrap();
        let ods = out.finish().unwrap().into_inner();
        assert!(ods.len() < 2_000, "{}", ods.len());
        assert_eq!(read(&ods, 100).unwrap_err(), ListError::Type);
    }

    /// A workbook whose shared strings inflate past the limit (an 834 KB file of 340 MB of
    /// strings took 1.1 GB once calamine held them) is refused before calamine opens it.
    #[test]
    fn a_workbook_that_inflates_past_the_limit_is_unreadable() {
        use std::io::{Read, Write};
        let good = sheet(&[&["NIK", "KPJ", "Nama lengkap"], &["3273015505900002", "10000000115", "Siti"]]);
        let mut archive = zip::ZipArchive::new(Cursor::new(&good)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default().large_file(true);
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            if name == "xl/sharedStrings.xml" {
                continue;
            }
            let mut body = Vec::new();
            entry.read_to_end(&mut body).unwrap();
            out.start_file(name, deflated).unwrap();
            out.write_all(&body).unwrap();
        }
        out.start_file("xl/sharedStrings.xml", deflated).unwrap();
        out.write_all(br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#).unwrap();
        let strings = b"<si><t>a</t></si>".repeat(1 << 16);
        for _ in 0..(MOST_INFLATED / strings.len() as u64 + 1) {
            out.write_all(&strings).unwrap();
        }
        out.write_all(b"</sst>").unwrap();
        let bomb = out.finish().unwrap().into_inner();
        assert!(bomb.len() < 2 << 20, "{}", bomb.len());
        match read(&bomb, 100) {
            Err(ListError::Unreadable(why)) => assert!(why.contains("inflates to more than 128 MB"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_title_a_two_row_header_empty_rows_and_serial_dates_are_read() {
        use rust_xlsxwriter::{Format, Workbook};
        let mut book = Workbook::new();
        book.add_worksheet().set_name("Catatan").unwrap().write_string(0, 0, "Lihat lembar berikutnya").unwrap();
        let ws = book.add_worksheet();
        ws.set_name("Data PHK").unwrap();
        let f = Format::new();
        ws.merge_range(0, 0, 0, 9, "DAFTAR TENAGA KERJA PHK PT MAJU", &f).unwrap();
        ws.merge_range(1, 5, 1, 7, "Rekening", &f).unwrap();
        for (c, h) in ["NIK", "No KPJ", "Nama Lengkap", "Tgl Lahir", "Tanggal PHK"].iter().enumerate() {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        for (c, h) in ["Bank", "Nomor Rekening", "Atas Nama", "Email", "No HP"].iter().enumerate() {
            ws.write_string(2, c as u16 + 5, *h).unwrap();
        }
        ws.write_string(3, 0, "3273015505900002").unwrap();
        ws.write_number(3, 1, 12345678901.0).unwrap();
        ws.write_string(3, 2, "Siti Aminah").unwrap();
        ws.write_number(3, 3, 32_643.0).unwrap(); // 15 May 1989 as a serial, no date format
        let date = Format::new().set_num_format("dd/mm/yyyy");
        ws.write_datetime_with_format(3, 4, rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 9, 30).unwrap(), &date)
            .unwrap();
        ws.write_number(3, 5, 14.0).unwrap();
        ws.write_formula(3, 6, rust_xlsxwriter::Formula::new("=\"123456\"&\"7890\"").set_result("1234567890")).unwrap();
        ws.write_string(3, 7, "Siti Aminah").unwrap();
        // Row 5 empty, row 6 a NIK typed as a number (its 16th digit lost).
        ws.write_number(5, 0, 3273015505900000.0).unwrap();
        ws.write_string(5, 2, "Budi").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let list = read(&bytes, 100).unwrap();
        assert_eq!(list.sheet.as_deref(), Some("Data PHK"));
        assert_eq!(list.rows.len(), 2, "the empty row is skipped");
        let r = &list.rows[0];
        assert_eq!((r.line, r.nik.as_str(), r.kpj.as_str()), (4, "3273015505900002", "12345678901"));
        assert_eq!((r.birth_date.as_str(), r.layoff_date.as_str()), ("1989-05-15", "2026-09-30"));
        assert_eq!((r.bank_code.as_str(), r.account_number.as_str()), ("14", "1234567890"), "the formula's value");
        assert_eq!(list.problems, [CellError { line: 6, column: "nik", code: "list-nik-number" }]);
    }

    #[test]
    fn csv_with_semicolons_and_a_bom_and_the_limits() {
        let csv = "\u{feff}NIK;KPJ;Nama;Tanggal Lahir;Tanggal PHK;Bank;Nomor Rekening;Pemilik Rekening\n\
                   3273015505900002;12345678901;Siti;15/05/1990;30/09/2026;014;1234567890;Siti\n\n";
        let list = read(csv.as_bytes(), 10).unwrap();
        assert_eq!(list.rows.len(), 1);
        assert_eq!(list.rows[0].line, 2);
        let many: String = std::iter::once(
            "nik,kpj,nama,tanggal_lahir,tanggal_phk,bank,nomor_rekening,pemilik_rekening\n".to_string(),
        )
        .chain((0..50).map(|i| format!("{i},x,y,z,w,v,u,t\n")))
        .collect();
        assert_eq!(read(many.as_bytes(), 10).unwrap_err(), ListError::TooManyRows { limit: 10 });
        // Headers as HR departments write them.
        let hr = "No. KTP;No KPJ;Nama Karyawan;Tgl. Lahir (DD/MM/YYYY);Tanggal PHK;Nama Bank;No. Rekening;Atas Nama\n\
                  3273015505900002;12345678901;Siti;15/05/1990;30/09/2026;014;1234567890;Siti\n";
        assert_eq!(read(hr.as_bytes(), 10).unwrap().rows[0].account_holder, "Siti");
        let err = read(b"nama,umur\nSiti,30\n", 10).unwrap_err();
        assert!(matches!(err, ListError::NoHeader { ref missing, .. } if missing.contains(&"nik")));
        assert_eq!(read(b"", 10).unwrap_err(), ListError::Empty);
        assert_eq!(read(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], 10).unwrap_err(), ListError::Type);
        // A PDF whose first lines are text would otherwise be read as a CSV without a header.
        assert_eq!(read(b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n", 10).unwrap_err(), ListError::Type);
        assert_eq!(read(b"\xFF\xD8\xFF\xE0 scan", 10).unwrap_err(), ListError::Type);
    }

    #[test]
    fn macro_enabled_workbooks_are_refused() {
        use std::io::Write;
        let plain = sheet(&[&["nik"], &["3273015505900002"]]);
        let mut source = zip::ZipArchive::new(Cursor::new(plain)).unwrap();
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..source.len() {
            w.raw_copy_file(source.by_index(i).unwrap()).unwrap();
        }
        w.start_file("xl/vbaProject.bin", zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(b"Attribute VB_Name = \"Module1\"").unwrap();
        let xlsm = w.finish().unwrap().into_inner();
        assert_eq!(read(&xlsm, 10).unwrap_err(), ListError::Macro);
    }

    #[test]
    fn exports_never_carry_a_formula() {
        let bytes =
            sheet(&[&["nama"], &["=HYPERLINK(\"http://x\")"], &["+62 812-3456-7890"], &["-2+3+cmd|' /C calc'!A0"]]);
        let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
        use calamine::Reader;
        let range = book.worksheet_range("Pekerja").unwrap();
        assert_eq!(range.get_value((1, 0)).unwrap().to_string(), "'=HYPERLINK(\"http://x\")");
        assert_eq!(range.get_value((2, 0)).unwrap().to_string(), "+62 812-3456-7890", "a phone number stays");
        assert!(range.get_value((3, 0)).unwrap().to_string().starts_with("'-2+3"));
        let formulas = book.worksheet_formula("Pekerja").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
        let csv = String::from_utf8(csv_bytes(&["a".into()], &[vec!["@SUM(A1)".into()]])).unwrap();
        assert!(csv.contains("'@SUM(A1)"));
    }
}
