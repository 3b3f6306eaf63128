//! Background workers. The outbox relay delivers messages that a transaction wrote next to
//! the change they announce (transactional outbox): at least once, retried with back-off,
//! and never by two workers at the same time (leases). The scheduler books appointments;
//! the document sweep deletes stored files no record refers to.

pub mod documents;
pub mod email;
pub mod outbox;
pub mod scheduler;
pub mod text;
