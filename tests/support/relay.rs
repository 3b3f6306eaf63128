//! A TCP relay between Lapak and its database server that a test can cut: the network
//! failing under a running Lapak (the server stopped, a cable pulled), as toxiproxy would
//! make it. Written by hand: toxiproxy is not to be had here, and this is a few lines of
//! tokio.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

pub struct Relay {
    /// Where to connect instead of the server.
    pub addr: SocketAddr,
    cut: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Relay {
    /// Relays every connection made to [`Relay::addr`] to `target` (`host:port`).
    pub async fn start(target: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("relay port");
        let addr = listener.local_addr().expect("relay address");
        let cut = Arc::new(AtomicBool::new(false));
        let links: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let (is_cut, open) = (cut.clone(), links.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if is_cut.load(Ordering::SeqCst) {
                    // Closed at once: nothing answers there.
                    continue;
                }
                let target = target.clone();
                let link = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                open.lock().expect("links").push(link.abort_handle());
            }
        });
        Relay { addr, cut, links }
    }

    /// The relay of a PostgreSQL URL, and the URL that goes through it.
    pub async fn for_postgres(url: &str) -> (Relay, String) {
        let mut relayed = reqwest::Url::parse(url).expect("a PostgreSQL URL");
        let target = format!("{}:{}", relayed.host_str().unwrap_or("localhost"), relayed.port().unwrap_or(5432));
        let relay = Relay::start(target).await;
        relayed.set_host(Some("127.0.0.1")).expect("host");
        relayed.set_port(Some(relay.addr.port())).expect("port");
        (relay, relayed.to_string())
    }

    /// Every connection through the relay ends, and new ones are closed as they come.
    pub fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for link in self.links.lock().expect("links").drain(..) {
            link.abort();
        }
    }

    /// Connections go through again.
    pub fn mend(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}
