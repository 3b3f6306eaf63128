//! Settings: embedded defaults, then a TOML file (`lapak.toml` in the working folder, or
//! `--config`), then `LAPAK_*` environment variables, then command-line flags.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// What `lapak.toml` may contain; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub key_file: Option<PathBuf>,
    pub max_upload_mb: Option<usize>,
    pub log_format: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub public_url: Option<String>,
    pub text_webhook_url: Option<String>,
    pub text_webhook_token: Option<String>,
    pub admin_token: Option<String>,
    pub video_base_url: Option<String>,
    pub jitsi_app_id: Option<String>,
    pub jitsi_app_secret: Option<String>,
    pub collective_min_percent: Option<u32>,
    pub collective_window_days: Option<u32>,
    pub max_list_rows: Option<usize>,
    pub max_list_mb: Option<usize>,
    pub trusted_proxies: Option<Vec<String>>,
    pub draft_retention_days: Option<u32>,
}

/// Settings given on the command line or in the environment (clap reads both).
#[derive(Debug, Default, Clone, clap::Args)]
pub struct Overrides {
    /// Settings file (TOML). Default: lapak.toml in the working folder, if present.
    #[arg(long, env = "LAPAK_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Folder for the SQLite database, documents and the key file.
    #[arg(long, env = "LAPAK_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// postgres://… to use PostgreSQL; default: the SQLite file in the data folder.
    #[arg(long, env = "LAPAK_DATABASE_URL", global = true, value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// The encryption key file. Default: keys.json in the data folder. Keep it off the
    /// database host in production.
    #[arg(long, env = "LAPAK_KEY_FILE", global = true, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Log format: text or json.
    #[arg(long, env = "LAPAK_LOG_FORMAT", global = true, value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// SMTP server for e-mail (smtp://host:port, smtp://host?tls=required,
    /// smtps://user:pass@host). Default: e-mails are written to the mail folder in the data
    /// folder.
    #[arg(long, env = "LAPAK_SMTP_URL", global = true, value_name = "URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of e-mails.
    #[arg(long, env = "LAPAK_MAIL_FROM", global = true, value_name = "ADDRESS")]
    pub mail_from: Option<String>,
    /// The address people open Lapak at (https://… behind a TLS proxy), for links in
    /// e-mails, texts and pages (the receipt's QR code). Default: http://LISTEN in messages,
    /// and the address the browser asked for in pages.
    #[arg(long, env = "LAPAK_PUBLIC_URL", global = true, value_name = "URL")]
    pub public_url: Option<String>,
    /// Reverse proxies in front of Lapak, by address or network (10.0.0.0/8,192.0.2.7):
    /// their X-Forwarded-For names the client. Default: none; the header is ignored.
    #[arg(long, env = "LAPAK_TRUSTED_PROXIES", global = true, value_name = "ADDRESSES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// SMS/WhatsApp provider webhook (JSON POST, see the README). Default: texts are
    /// written to the texts folder in the data folder.
    #[arg(long, env = "LAPAK_TEXT_WEBHOOK_URL", global = true, value_name = "URL", hide_env_values = true)]
    pub text_webhook_url: Option<String>,
    /// Token of the branch admin API (capacity, report) until staff accounts exist; without
    /// it that API is off.
    #[arg(long, env = "LAPAK_ADMIN_TOKEN", global = true, value_name = "TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Jitsi Meet server for video calls. Default: https://meet.jit.si.
    #[arg(long, env = "LAPAK_VIDEO_BASE_URL", global = true, value_name = "URL")]
    pub video_base_url: Option<String>,
    /// App id of the Jitsi server's token authentication (with the secret: room tokens).
    #[arg(long, env = "LAPAK_JITSI_APP_ID", global = true, value_name = "ID")]
    pub jitsi_app_id: Option<String>,
    #[arg(long, env = "LAPAK_JITSI_APP_SECRET", global = true, value_name = "SECRET", hide_env_values = true)]
    pub jitsi_app_secret: Option<String>,
    /// Bearer token for the SMS/WhatsApp webhook.
    #[arg(long, env = "LAPAK_TEXT_WEBHOOK_TOKEN", global = true, value_name = "TOKEN", hide_env_values = true)]
    pub text_webhook_token: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub database_url: String,
    pub key_file: PathBuf,
    pub max_upload_bytes: usize,
    pub log_json: bool,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// The public address as configured; see [`Config::public_url`].
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub text_webhook_url: Option<String>,
    pub text_webhook_token: Option<String>,
    pub admin_token: Option<String>,
    pub video: lapak_claims::video::Jitsi,
    /// The collective channel: its thresholds and the worker list's limits.
    pub collective: lapak_claims::collective::CollectiveSettings,
    /// Days a draft nobody changes is kept (and an unfiled collective batch).
    pub draft_retention_days: u32,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read settings file {0}: {1}")]
    Read(String, std::io::Error),
    #[error("settings file {0} is not valid: {1}")]
    Parse(String, toml::de::Error),
    #[error("listen address {0:?} is not host:port (e.g. 127.0.0.1:8080)")]
    Listen(String),
    #[error("log format must be text or json, not {0:?}")]
    LogFormat(String),
    #[error("public address {0:?} must begin with http:// or https://")]
    PublicUrl(String),
    #[error("trusted proxy {0:?} is not an address or a network (e.g. 192.0.2.7, 10.0.0.0/8)")]
    Proxy(String),
    #[error("draft_retention_days must be at least {min} (a participant who left work recently waits a month before filing), not {0}", min = lapak_domain::retention::MIN_DRAFT_DAYS)]
    DraftRetention(u32),
}

impl Config {
    /// Resolves the settings; `listen` is the flag/env value of `serve`/`demo`, if any.
    pub fn resolve(o: &Overrides, listen: Option<&str>) -> Result<Config, ConfigError> {
        let file = match &o.config {
            Some(path) => Some(read_file(path)?),
            None if Path::new("lapak.toml").exists() => Some(read_file(Path::new("lapak.toml"))?),
            None => None,
        }
        .unwrap_or_default();
        let data_dir = o.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from("lapak-data"));
        let listen_text = listen.map(String::from).or(file.listen).unwrap_or_else(|| DEFAULT_LISTEN.to_string());
        let listen = listen_text.parse().map_err(|_| ConfigError::Listen(listen_text.clone()))?;
        let database_url = o
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("lapak.db").display()));
        let key_file = o.key_file.clone().or(file.key_file).unwrap_or_else(|| data_dir.join("keys.json"));
        let log_format = o.log_format.clone().or(file.log_format).unwrap_or_else(|| "text".into());
        let log_json = match log_format.as_str() {
            "text" => false,
            "json" => true,
            other => return Err(ConfigError::LogFormat(other.to_string())),
        };
        let public_url = o.public_url.clone().or(file.public_url).map(|u| u.trim().trim_end_matches('/').to_string());
        if let Some(url) = public_url.as_deref().filter(|u| {
            let rest = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"));
            rest.is_none_or(|host| host.is_empty())
        }) {
            return Err(ConfigError::PublicUrl(url.to_string()));
        }
        let proxies = if o.trusted_proxies.is_empty() {
            file.trusted_proxies.unwrap_or_default()
        } else {
            o.trusted_proxies.clone()
        };
        let trusted_proxies = proxies
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<ipnet::IpNet>()
                    .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| ConfigError::Proxy(p.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let draft_retention_days = file.draft_retention_days.unwrap_or(lapak_domain::retention::DRAFT_DAYS);
        if draft_retention_days < lapak_domain::retention::MIN_DRAFT_DAYS {
            return Err(ConfigError::DraftRetention(draft_retention_days));
        }
        Ok(Config {
            draft_retention_days,
            smtp_url: o.smtp_url.clone().or(file.smtp_url),
            text_webhook_url: o.text_webhook_url.clone().or(file.text_webhook_url),
            text_webhook_token: o.text_webhook_token.clone().or(file.text_webhook_token),
            admin_token: o.admin_token.clone().or(file.admin_token),
            video: lapak_claims::video::Jitsi {
                base_url: o
                    .video_base_url
                    .clone()
                    .or(file.video_base_url)
                    .unwrap_or_else(|| lapak_claims::video::Jitsi::default().base_url),
                app: match (
                    o.jitsi_app_id.clone().or(file.jitsi_app_id),
                    o.jitsi_app_secret.clone().or(file.jitsi_app_secret),
                ) {
                    (Some(id), Some(secret)) => Some((id, secret)),
                    _ => None,
                },
            },
            mail_from: o.mail_from.clone().or(file.mail_from).unwrap_or_else(|| "Lapak <lapak@localhost>".into()),
            public_url,
            trusted_proxies,
            data_dir,
            listen,
            database_url,
            key_file,
            max_upload_bytes: file.max_upload_mb.unwrap_or(6) * 1024 * 1024,
            log_json,
            collective: {
                let d = lapak_claims::collective::CollectiveSettings::default();
                lapak_claims::collective::CollectiveSettings {
                    rules: lapak_domain::collective::CollectiveRules {
                        min_percent: file.collective_min_percent.unwrap_or(d.rules.min_percent),
                        window_days: file.collective_window_days.unwrap_or(d.rules.window_days),
                        ..d.rules
                    },
                    max_rows: file.max_list_rows.unwrap_or(d.max_rows),
                    max_list_bytes: file.max_list_mb.map_or(d.max_list_bytes, |mb| mb * 1024 * 1024),
                }
            },
        })
    }

    /// Where links in messages point: the configured public address, else `http://LISTEN`.
    pub fn public_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.listen))
    }

    pub fn documents_dir(&self) -> PathBuf {
        self.data_dir.join("documents")
    }

    /// Where SMS/WhatsApp texts go when no webhook is configured.
    pub fn texts_dir(&self) -> PathBuf {
        self.data_dir.join("texts")
    }

    /// Where e-mails go when no SMTP server is configured.
    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read(shown.clone(), e))?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse(shown, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every setting the example shows, commented out or not, is one Lapak reads.
    #[test]
    fn the_example_settings_file_names_only_real_settings() {
        let example = include_str!("../../../lapak.example.toml");
        let uncommented: String = example
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.split_once(" = ").is_some_and(|(k, _)| !k.contains(' ')) => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let parsed: FileConfig = toml::from_str(&uncommented).unwrap();
        assert_eq!(parsed.jitsi_app_id.as_deref(), Some("lapak"));
        assert!(parsed.text_webhook_url.is_some() && parsed.admin_token.is_some());
        assert_eq!((parsed.collective_min_percent, parsed.max_list_rows), (Some(30), Some(60_000)));
        assert_eq!(parsed.draft_retention_days, Some(lapak_domain::retention::DRAFT_DAYS));
    }

    /// The agency sets how long drafts are kept, not shorter than a participant who left
    /// work recently must wait before filing.
    #[test]
    fn draft_retention_is_the_agencys_within_a_floor() {
        assert_eq!(Config::resolve(&Overrides::default(), None).unwrap().draft_retention_days, 90);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("lapak.toml");
        let o = Overrides { config: Some(file.clone()), ..Default::default() };
        std::fs::write(&file, "draft_retention_days = 180\n").unwrap();
        assert_eq!(Config::resolve(&o, None).unwrap().draft_retention_days, 180);
        std::fs::write(&file, "draft_retention_days = 7\n").unwrap();
        let e = Config::resolve(&o, None).unwrap_err();
        assert!(matches!(e, ConfigError::DraftRetention(7)), "{e}");
        assert!(e.to_string().contains("at least 31"), "{e}");
    }

    #[test]
    fn public_address_and_trusted_proxies_are_checked() {
        let c = Config::resolve(&Overrides::default(), None).unwrap();
        // Unset: messages link to the listening address, pages to what the browser asked for.
        assert_eq!((c.public_url.as_deref(), c.public_url()), (None, format!("http://{DEFAULT_LISTEN}")));
        assert!(c.trusted_proxies.is_empty());
        let o = Overrides {
            public_url: Some("https://lapak.example/".into()),
            trusted_proxies: vec!["10.0.0.0/8".into(), " 192.0.2.7".into(), "2001:db8::/32".into()],
            ..Default::default()
        };
        let c = Config::resolve(&o, None).unwrap();
        assert_eq!(c.public_url(), "https://lapak.example");
        let shown: Vec<String> = c.trusted_proxies.iter().map(|n| n.to_string()).collect();
        assert_eq!(shown, ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"]);
        for wrong in ["lapak.example", "ftp://lapak.example", "https://"] {
            let o = Overrides { public_url: Some(wrong.into()), ..Default::default() };
            assert!(matches!(Config::resolve(&o, None), Err(ConfigError::PublicUrl(_))), "{wrong}");
        }
        let o = Overrides { trusted_proxies: vec!["proxy.internal".into()], ..Default::default() };
        let e = Config::resolve(&o, None).unwrap_err();
        assert!(matches!(&e, ConfigError::Proxy(p) if p == "proxy.internal"), "{e}");
    }

    #[test]
    fn defaults_put_everything_in_the_data_folder() {
        let c =
            Config::resolve(&Overrides { data_dir: Some("/srv/lapak".into()), ..Default::default() }, None).unwrap();
        assert_eq!(c.database_url, "sqlite:///srv/lapak/lapak.db");
        assert_eq!(c.key_file, PathBuf::from("/srv/lapak/keys.json"));
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(c.max_upload_bytes, 6 * 1024 * 1024);
    }

    #[test]
    fn file_settings_are_overridden_by_flags_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("lapak.toml");
        std::fs::write(&file, "data_dir = \"/from/file\"\nlisten = \"0.0.0.0:9000\"\nmax_upload_mb = 10\n").unwrap();
        let o = Overrides { config: Some(file.clone()), ..Default::default() };
        let c = Config::resolve(&o, None).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/from/file"));
        assert_eq!(c.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(c.max_upload_bytes, 10 * 1024 * 1024);
        let o = Overrides {
            config: Some(file),
            data_dir: Some("/from/flag".into()),
            database_url: Some("postgres://x/y".into()),
            ..Default::default()
        };
        let c = Config::resolve(&o, Some("127.0.0.1:1")).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/from/flag"));
        assert_eq!(c.listen.to_string(), "127.0.0.1:1");
        assert!(c.is_postgres());
    }

    #[test]
    fn bad_settings_are_explained() {
        assert!(matches!(Config::resolve(&Overrides::default(), Some("nonsense")), Err(ConfigError::Listen(_))));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("lapak.toml");
        std::fs::write(&file, "unknown_key = 1\n").unwrap();
        let o = Overrides { config: Some(file), ..Default::default() };
        assert!(matches!(Config::resolve(&o, None), Err(ConfigError::Parse(..))));
    }
}
