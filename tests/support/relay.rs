//! A TCP relay between Lapak and its database server that a test can cut or silence: the
//! network failing under a running Lapak (the server stopped, packets dropped), as
//! toxiproxy would make it. Written by hand: toxiproxy is not to be had here, and this is a
//! few lines of tokio.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

pub struct Relay {
    /// Where to connect instead of the server.
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    mode: Mode,
    links: Vec<AbortHandle>,
    /// Connections taken and never answered since the relay went silent.
    held: Vec<TcpStream>,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    #[default]
    Through,
    /// Closed as they come: nothing listens there.
    Closed,
    /// Taken and never answered: packets dropped on the way, a host gone.
    Silent,
}

impl Relay {
    /// Relays every connection made to [`Relay::addr`] to `target` (`host:port`).
    pub async fn start(target: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("relay port");
        let addr = listener.local_addr().expect("relay address");
        let state: Arc<Mutex<State>> = Arc::default();
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let mut state = shared.lock().expect("relay state");
                match state.mode {
                    Mode::Closed => continue,
                    Mode::Silent => state.held.push(inbound),
                    Mode::Through => {
                        let target = target.clone();
                        let link = tokio::spawn(async move {
                            if let Ok(mut outbound) = TcpStream::connect(&target).await {
                                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                            }
                        });
                        state.links.push(link.abort_handle());
                    }
                }
            }
        });
        Relay { addr, state }
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
        self.set(Mode::Closed);
    }

    /// Every connection through the relay ends, and new ones are taken and never answered.
    pub fn silence(&self) {
        self.set(Mode::Silent);
    }

    /// Connections go through again.
    pub fn mend(&self) {
        self.set(Mode::Through);
    }

    /// Connections made since the relay went silent, none of them answered.
    pub fn unanswered(&self) -> usize {
        self.state.lock().expect("relay state").held.len()
    }

    fn set(&self, mode: Mode) {
        let mut state = self.state.lock().expect("relay state");
        state.mode = mode;
        for link in state.links.drain(..) {
            link.abort();
        }
        state.held.clear();
    }
}
