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
    Ok(())
}
