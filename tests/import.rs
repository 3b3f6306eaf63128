//! Registry import from messy exports, through the same code as `lapak import`, on the
//! configured engine.

use jiff::civil::date;
use lapak_domain::{Kpj, Nik};
use lapak_registry::import::{import, Kind, Source, Summary};
use lapak_storage::Store;
use lapak_tests::*;
use std::path::Path;

async fn import_file(store: &std::sync::Arc<dyn Store>, kind: Kind, path: &Path) -> Summary {
    let mut source = Source::open(path).unwrap();
    import(store, kind, &mut source, date(2026, 11, 25), &|_, _| {}).await.unwrap()
}

fn error_at<'a>(s: &'a Summary, line: u64, column: &str) -> &'a lapak_registry::import::RowError {
    s.errors
        .iter()
        .find(|e| e.line == line && e.column == column)
        .unwrap_or_else(|| panic!("no error at line {line} column {column}; errors: {:#?}", s.errors))
}

/// A spreadsheet export as it arrives: BOM, semicolons, CRLF, quoted fields, Indonesian
/// dates and amounts, English headers in another case, and every kind of damage.
const MESSY_MEMBERS: &str = "\u{feff}NIK;KPJ;Nama;Tanggal_Lahir;Jenis_Kelamin;Nama_Ibu_Kandung;NPP;Tanggal_Kepesertaan;Tanggal_Berhenti_Bekerja;Saldo_JHT;Email;No_HP\r\n\
3273015505900002;12345678901;\"Siti  Aminah\";15/05/1990;P;Ratna Sari;15070955;02/01/2012;30/09/2026;Rp 35.750.000;siti@example.id;0812-3456-7890\r\n\
3273011505900001;12345678902;\"Budi Santoso, S.E.\";1990-05-15;L;Sri;;2015-03-01;;12500000;;+62 813 1111 2222\r\n\
3.27301E+15;12345678903;Dewi;15/05/1990;P;Ani;15070955;02/01/2012;;1000;;\r\n\
3273011505900003;1234567890;Eko;15/05/1990;L;Ani;15070955;02/01/2012;;1000;;\r\n\
3273013102900004;12345678905;Fajar;31/02/1990;L;Ani;15070955;02/01/2012;;1000;;\r\n\
3273011605900005;12345678906;Gilang;15/05/1990;L;Ani;15070955;02/01/2012;;1000;;\r\n\
3273011505900006;12345678907;Hana;15/05/1990;P;Ani;15070955;02/01/2012;;1000;;\r\n\
3273011505900007;12345678908;Imam;15/05/1990;L;Ani;99999999;02/01/2012;;1000;;\r\n\
3273011505900008;12345678901;Joko;15/05/1990;L;Ani;15070955;02/01/2012;;1000;;\r\n\
3273011505900009;12345678910;NAMA_PANJANG;15/05/1990;L;Ani;15070955;02/01/2012;;1000;;\r\n\
3273011505900010;12345678911;Kur\u{7}niawan;15/05/1990;L;Ani;15070955;02/01/2012;;1000;bukan-email;0215551234\r\n\
3273011505900011;12345678912;Lukman;05/15/1990;L;Ani;15070955;02/01/2012;;Rp 1.000,50;;\r\n\
3273011505900012;12345678913;;15/05/1990;L;;15070955;33008;;;;\r\n\
\r\n";

#[tokio::test]
async fn a_messy_member_export_keeps_every_good_row_and_explains_every_bad_one() {
    let t = test_store().await;
    t.store.upsert_branches(&[branch("KC001")]).await.unwrap();
    t.store.upsert_companies(&[company("15070955", "KC001")]).await.unwrap();
    let path = t.dir.path().join("anggota.csv");
    std::fs::write(&path, MESSY_MEMBERS.replace("NAMA_PANJANG", &"a".repeat(10_000))).unwrap();

    let s = import_file(&t.store, Kind::Members, &path).await;
    assert_eq!((s.imported, s.inserted), (2, 2), "{:#?}", s.errors);
    let lines: std::collections::BTreeSet<u64> = s.errors.iter().map(|e| e.line).collect();
    assert_eq!(s.rejected, 11, "{lines:?} {:#?}", s.errors);
    assert!(error_at(&s, 4, "nik").reason.contains("simpan kolom sebagai teks"));
    assert!(error_at(&s, 5, "kpj").reason.contains("nol di depan"));
    assert!(error_at(&s, 6, "nik").reason.contains("tidak ada di kalender"));
    assert!(error_at(&s, 6, "tanggal_lahir").reason.contains("tidak ada di kalender"));
    assert!(error_at(&s, 7, "tanggal_lahir").reason.contains("tidak sesuai dengan NIK"));
    assert!(error_at(&s, 8, "jenis_kelamin").reason.contains("tidak sesuai dengan NIK"));
    assert!(error_at(&s, 9, "npp").reason.contains("belum terdaftar"));
    assert!(error_at(&s, 10, "kpj").reason.contains("baris 2"));
    assert!(error_at(&s, 11, "nama").reason_en.contains("longer than 150"));
    assert!(error_at(&s, 12, "nama").reason_en.contains("not letters"));
    assert!(error_at(&s, 12, "email").reason.contains("email"));
    assert!(error_at(&s, 12, "no_hp").reason.contains("seluler"));
    assert!(error_at(&s, 13, "tanggal_lahir").reason.contains("DD/MM/YYYY"));
    assert!(error_at(&s, 13, "saldo_jht").reason.contains("sen"));
    assert!(error_at(&s, 14, "nama").reason.contains("wajib"));
    assert!(error_at(&s, 14, "tanggal_kepesertaan").reason.contains("angka seri"));
    assert!(error_at(&s, 14, "saldo_jht").reason.contains("wajib"));
    for e in &s.errors {
        assert!(!e.reason.is_empty() && !e.reason_en.is_empty());
    }

    let siti = t.store.member_by_kpj(&Kpj::parse("12345678901").unwrap()).await.unwrap().unwrap();
    assert_eq!(siti.full_name.as_str(), "Siti Aminah");
    assert_eq!(siti.jht_balance.amount(), 35_750_000);
    assert_eq!(siti.stopped_working_on, Some(date(2026, 9, 30)));
    assert_eq!(siti.phone.unwrap().as_str(), "+6281234567890");
    let budi = t.store.members_by_nik(&Nik::parse("3273011505900001").unwrap()).await.unwrap();
    assert_eq!(budi[0].npp, None, "non-wage-earner participant");

    // The same file again changes nothing.
    let again = import_file(&t.store, Kind::Members, &path).await;
    assert_eq!((again.inserted, again.updated, again.unchanged, again.rejected), (0, 0, 2, 11));
    assert_eq!(t.store.counts().await.unwrap().members, 2);
}

#[tokio::test]
async fn branches_then_companies_with_references_checked() {
    let t = test_store().await;
    let branches = t.dir.path().join("kantor.csv");
    std::fs::write(
        &branches,
        "kode,nama,jenis,provinsi,zona_waktu,mode,jumlah_booth,kapasitas_ruang\n\
         KC001,Jakarta Salemba,kc,31,Asia/Jakarta,one_to_many,5,20\n\
         KC002,Denpasar,kc,Bali,,one_to_one,1,8\n\
         KC003,Makassar,kc,73,Asia/Jakarta,one_to_one,1,8\n\
         KC004,Jayapura,kantor,91,Asia/Jayapura,one_to_many,1,8\n",
    )
    .unwrap();
    let s = import_file(&t.store, Kind::Branches, &branches).await;
    assert_eq!(s.imported, 2, "{:#?}", s.errors);
    assert!(error_at(&s, 4, "zona_waktu").reason.contains("tidak sesuai provinsi"));
    assert!(error_at(&s, 5, "jenis").reason.contains("kanwil"));
    let stored = t.store.branches().await.unwrap();
    assert_eq!(stored[1].time_zone, "Asia/Makassar", "zone taken from the province when empty");

    let companies = t.dir.path().join("perusahaan.csv");
    std::fs::write(
        &companies,
        "npp,nama,skala,jumlah_tenaga_kerja,kode_kantor\n\
         15070955,PT Maju Jaya,besar,1.200,KC001\n\
         15070956,CV Sinar,kecil,12,KC999\n\
         1507095,PT Salah,sedang,-3,KC001\n",
    )
    .unwrap();
    let s = import_file(&t.store, Kind::Companies, &companies).await;
    assert_eq!(s.imported, 1, "{:#?}", s.errors);
    assert!(error_at(&s, 3, "kode_kantor").reason.contains("impor kantor lebih dahulu"));
    assert!(error_at(&s, 4, "npp").reason.contains("NPP"));
    assert!(error_at(&s, 4, "jumlah_tenaga_kerja").reason_en.contains("whole number"));
}

#[tokio::test]
async fn xlsx_first_sheet_with_date_cells_and_a_nik_stored_as_a_number() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let t = test_store().await;
    t.store.upsert_branches(&[branch("KC001")]).await.unwrap();
    t.store.upsert_companies(&[company("15070955", "KC001")]).await.unwrap();
    let path = t.dir.path().join("anggota.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let header = [
        "nik",
        "kpj",
        "nama",
        "tanggal_lahir",
        "jenis_kelamin",
        "nama_ibu_kandung",
        "npp",
        "tanggal_kepesertaan",
        "tanggal_berhenti_bekerja",
        "saldo_jht",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows: [(&str, f64); 2] = [("3273015505900002", 12345678901.0), ("", 12345678902.0)];
    for (r, (nik, kpj)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        if nik.is_empty() {
            // What Excel does to a 16-digit number: 15 significant digits, the last becomes 0.
            sheet.write_number(r, 0, 3273011505900010.0).unwrap();
        } else {
            sheet.write_string(r, 0, *nik).unwrap();
        }
        sheet.write_number(r, 1, *kpj).unwrap();
        sheet.write_string(r, 2, "Peserta Uji").unwrap();
        sheet.write_datetime_with_format(r, 3, ExcelDateTime::from_ymd(1990, 5, 15).unwrap(), &date_format).unwrap();
        sheet.write_string(r, 4, if nik.is_empty() { "L" } else { "P" }).unwrap();
        sheet.write_string(r, 5, "Ratna").unwrap();
        sheet.write_number(r, 6, 15070955.0).unwrap();
        sheet.write_datetime_with_format(r, 7, ExcelDateTime::from_ymd(2012, 1, 2).unwrap(), &date_format).unwrap();
        sheet.write_number(r, 9, 25_000_000.0).unwrap();
    }
    book.save(&path).unwrap();

    let s = import_file(&t.store, Kind::Members, &path).await;
    assert_eq!(s.imported, 1, "{:#?}", s.errors);
    assert!(error_at(&s, 3, "nik").reason.contains("rusak oleh spreadsheet"));
    let m = t.store.member_by_kpj(&Kpj::parse("12345678901").unwrap()).await.unwrap().unwrap();
    assert_eq!(m.birth_date, date(1990, 5, 15));
    assert_eq!(m.jht_balance.amount(), 25_000_000);
}

/// A registry workbook written with its header in B3, three members, and its sheet's XML
/// changed by `damage`.
fn members_workbook(path: &Path, damage: impl Fn(String) -> String) {
    use rust_xlsxwriter::Workbook;
    use std::io::{Read, Write};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "nik",
        "kpj",
        "nama",
        "tanggal_lahir",
        "jenis_kelamin",
        "nama_ibu_kandung",
        "tanggal_kepesertaan",
        "saldo_jht",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(2, c as u16 + 1, *h).unwrap();
    }
    let members =
        [("3273015505900002", "12345678901"), ("3273011505900001", "12345678902"), ("3273011505900003", "12345678903")];
    for (r, (nik, kpj)) in members.iter().enumerate() {
        let r = r as u32 + 3;
        for (c, v) in
            [*nik, kpj, "Peserta Uji", "15/05/1990", if r == 3 { "P" } else { "L" }, "Ratna", "02/01/2012", "1000000"]
                .iter()
                .enumerate()
        {
            sheet.write_string(r, c as u16 + 1, *v).unwrap();
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut body = String::new();
        entry.read_to_string(&mut body).unwrap();
        if name.starts_with("xl/worksheets/") {
            body = damage(body);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(body.as_bytes()).unwrap();
    }
    out.finish().unwrap();
}

/// XLSX is read a row at a time (a registry of a million rows never sits in memory as a
/// grid), from wherever the header stands; a sheet that breaks off, or a cell that makes the
/// spreadsheet reader fail, keeps the rows before it and reports the rest at its line; a
/// format read whole (OpenDocument, XLS) is refused before anything is imported.
#[tokio::test]
async fn xlsx_rows_are_read_one_by_one_and_a_broken_sheet_keeps_what_came_before() {
    let t = test_store().await;
    let path = t.dir.path().join("anggota.xlsx");
    members_workbook(&path, |xml| xml);
    let s = import_file(&t.store, Kind::Members, &path).await;
    assert_eq!((s.imported, s.rejected), (3, 0), "{:#?}", s.errors);

    // The sheet's XML ends in the third member's row (line 6). The second's (line 5) was
    // still being read: whether it was whole is not known, so the rest is reported from it.
    let t = test_store().await;
    members_workbook(&path, |xml| {
        let at = xml.find(r#"<row r="6""#).expect("a sixth row");
        xml[..at + 40].to_string()
    });
    let s = import_file(&t.store, Kind::Members, &path).await;
    assert_eq!((s.imported, s.rejected), (1, 1), "{:#?}", s.errors);
    let e = error_at(&s, 5, "-");
    assert!(e.reason.contains("tidak dapat dibaca") && e.reason_en.contains("cannot be read"), "{e:?}");
    assert!(t.store.member_by_kpj(&Kpj::parse("12345678901").unwrap()).await.unwrap().is_some());
    assert!(t.store.member_by_kpj(&Kpj::parse("12345678902").unwrap()).await.unwrap().is_none());

    // A cell reference of forty letters: calamine 0.38 overflows computing its column,
    // which panics in builds that check overflow (the suite's).
    let t = test_store().await;
    members_workbook(&path, |xml| xml.replace(r#"r="B6""#, &format!(r#"r="{}6""#, "Z".repeat(40))));
    let s = import_file(&t.store, Kind::Members, &path).await;
    assert_eq!((s.imported, s.rejected), (1, 1), "{:#?}", s.errors);
    assert!(error_at(&s, 5, "-").reason_en.contains("calamine failed"));

    for name in ["anggota.ods", "anggota.xls"] {
        let other = t.dir.path().join(name);
        std::fs::copy(&path, &other).unwrap();
        let err = Source::open(&other).err().expect("refused");
        assert!(err.to_string().contains("simpan sebagai XLSX atau CSV"), "{err}");
    }
    // An XLSX that is not one.
    std::fs::write(&path, "nik;kpj\n").unwrap();
    let err = Source::open(&path).err().expect("refused");
    assert!(err.to_string().contains("bukan buku kerja XLSX"), "{err}");
}

#[tokio::test]
async fn missing_columns_stop_the_import_before_any_row() {
    let t = test_store().await;
    let path = t.dir.path().join("x.csv");
    std::fs::write(&path, "nik,kpj\n3273015505900002,12345678901\n").unwrap();
    let mut source = Source::open(&path).unwrap();
    let err = import(&t.store, Kind::Members, &mut source, date(2026, 11, 25), &|_, _| {}).await.unwrap_err();
    assert!(err.to_string().contains("tanggal_lahir"), "{err}");
    assert_eq!(t.store.counts().await.unwrap().members, 0);
}
