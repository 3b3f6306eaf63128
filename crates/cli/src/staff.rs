//! `lapak staff …`: the first national admin, and disabling an account; the demo's accounts.

use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

use clap::Subcommand;
use lapak_domain::staff::StaffRole;
use lapak_staff::StaffService;
use lapak_storage::Store;

#[derive(Debug, Subcommand)]
pub enum StaffAction {
    /// Create a staff account. The password comes from LAPAK_STAFF_PASSWORD or is asked for
    /// (at least 12 characters); the second factor is enrolled at the first sign-in.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// officer, supervisor, branch_admin, finance, national_admin or auditor.
        #[arg(long, default_value = "national_admin")]
        role: String,
        /// Office code, for the roles bound to a branch.
        #[arg(long)]
        branch: Option<String>,
    },
    /// Disable an account: its sessions end at once.
    Disable { username: String },
}

fn password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("LAPAK_STAFF_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password("Kata sandi / password (min. 12): ")?);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn run(store: Arc<dyn Store>, action: StaffAction) -> anyhow::Result<()> {
    let service = StaffService::new(store.clone());
    let i18n = lapak_i18n::I18n::load();
    let explain = |e: lapak_staff::StaffError| {
        anyhow::anyhow!(
            "{} / {}",
            i18n.t(lapak_i18n::Lang::Id, &format!("err-{}", e.code())),
            i18n.t(lapak_i18n::Lang::En, &format!("err-{}", e.code()))
        )
    };
    match action {
        StaffAction::Add { username, name, role, branch } => {
            let role =
                StaffRole::parse(&role).ok_or_else(|| anyhow::anyhow!("peran tidak dikenal / unknown role {role}"))?;
            if role == StaffRole::Representative {
                anyhow::bail!(
                    "perwakilan perusahaan ditunjuk di /kolektif/daftar dan dikonfirmasi kantor cabang / company representatives are appointed at /kolektif/daftar and confirmed by their branch"
                );
            }
            let password = password()?;
            service.add(&username, &name, role, branch.as_deref(), &password).await.map_err(explain)?;
            println!("Akun {username} dibuat / account created; masuk di /staf/masuk / sign in at /staf/masuk");
        }
        StaffAction::Disable { username } => {
            let staff = store
                .staff_by_username(&username)
                .await?
                .ok_or_else(|| anyhow::anyhow!("akun tidak ada / no such account"))?;
            service.disable(&staff.id).await.map_err(explain)?;
            println!("Akun {username} dinonaktifkan / disabled");
        }
    }
    Ok(())
}

/// The demo's password for its staff accounts (printed; demo data only).
pub const DEMO_PASSWORD: &str = "lapak-demo-2026";

/// One account per role (branch roles at `branch`), made once; prints how to sign in.
pub async fn demo_accounts(store: Arc<dyn Store>, branch: &str) -> anyhow::Result<()> {
    let service = StaffService::new(store.clone());
    let accounts = [
        ("petugas", "Petugas Demo", StaffRole::Officer),
        ("supervisor", "Supervisor Demo", StaffRole::Supervisor),
        ("admin.cabang", "Admin Cabang Demo", StaffRole::BranchAdmin),
        ("keuangan", "Keuangan Demo", StaffRole::Finance),
        ("admin.nasional", "Admin Nasional Demo", StaffRole::NationalAdmin),
        ("auditor", "Auditor Demo", StaffRole::Auditor),
    ];
    for (username, name, role) in accounts {
        if store.staff_by_username(username).await?.is_none() {
            service
                .add(username, name, role, Some(branch), DEMO_PASSWORD)
                .await
                .map_err(|e| anyhow::anyhow!("demo account {username}: {e}"))?;
        }
    }
    println!(
        "\nAkun petugas demo / demo staff accounts (kantor/branch {branch}), kata sandi/password {DEMO_PASSWORD}:"
    );
    println!("  petugas, supervisor, admin.cabang, keuangan, admin.nasional, auditor");
    println!("  Masuk di /staf/masuk; pada masuk pertama pindai kode QR dengan aplikasi autentikator.");
    println!("  Sign in at /staf/masuk; at the first sign-in scan the QR code with an authenticator app.");
    println!("  Kios antrean /cabang/{branch}/tiket: admin.cabang membuka Kapasitas kantor di perangkat kios, \"Jadikan perangkat ini kios\".");
    println!("  Walk-in kiosk /cabang/{branch}/tiket: admin.cabang opens Branch capacity on the kiosk device, \"Make this device a kiosk\".");
    Ok(())
}

/// A one-page PDF standing in for a signed letter in the demo.
const DEMO_LETTER: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Lapak demo: surat kuasa / power of attorney\n%%EOF\n";

/// The collective channel's demo: a confirmed representative for each demo company (with
/// the demo password), and each company's worker list written next to the database, the
/// 40% company's with three rows to fix.
pub async fn demo_representatives(
    store: Arc<dyn Store>,
    documents: &lapak_storage::DocumentStore,
    data_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let today = lapak_registry::demo::reference_date(store.as_ref()).await?;
    let Some(branch) = store.branches().await?.into_iter().find(|b| b.kind == lapak_domain::member::BranchKind::Kc)
    else {
        return Ok(());
    };
    println!("\nKlaim kolektif demo / collective claims demo (kata sandi/password {DEMO_PASSWORD}):");
    for (n, c) in lapak_registry::demo::collective(&branch.code, today).iter().enumerate() {
        if store.staff_by_username(c.representative).await?.is_none() {
            let id = format!("demo-representative-{}", c.company.npp);
            let (attorney, statement) = (format!("kuasa/{id}/attorney"), format!("kuasa/{id}/statement"));
            documents.put(&attorney, DEMO_LETTER).await?;
            documents.put(&statement, DEMO_LETTER).await?;
            let hash = lapak_staff::hash_password(DEMO_PASSWORD.into()).await?;
            store
                .create_representative(&lapak_storage::NewRepresentative {
                    id: id.clone(),
                    npp: c.company.npp.clone(),
                    name: format!("PIC {}", c.company.name),
                    email: c.representative.into(),
                    phone: None,
                    username: c.representative.into(),
                    password_hash: hash.clone(),
                    attorney_key: attorney,
                    statement_key: statement,
                })
                .await?;
            let account = lapak_storage::NewStaff {
                id: format!("demo-pic-{}", c.company.npp),
                username: c.representative.into(),
                display_name: format!("PIC {}", c.company.name),
                role: StaffRole::Representative,
                branch: Some(branch.code.as_str().into()),
                password_hash: hash,
            };
            store.decide_representative(&id, "demo", Some(&account), None).await?;
        }
        let file = data_dir.join(format!("demo-kolektif-{}.xlsx", c.company.npp));
        let rows = lapak_registry::demo::worker_list(c, if n == 0 { 3 } else { 0 });
        let bytes = lapak_claims::worker_list::xlsx("Pekerja", &lapak_claims::worker_list::template_header(), &rows)
            .map_err(|e| anyhow::anyhow!("demo worker list: {e}"))?;
        std::fs::write(&file, bytes)?;
        let share = c.workers.len() as u32 * 100 / c.company.workforce.max(1);
        println!(
            "  {} (NPP {}): {} dari/of {} = {share}% · PIC {} · daftar/list {}",
            c.company.name,
            c.company.npp,
            c.workers.len(),
            c.company.workforce,
            c.representative,
            file.display()
        );
    }
    println!("  Masuk di / sign in at /staf/masuk · jalur kolektif / the channel: /kolektif");
    Ok(())
}
