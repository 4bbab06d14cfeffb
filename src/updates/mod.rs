//! The updates directory and what it holds: the files themselves
//! ([`store`]: names, the lock, atomic writes, backups), the updates written
//! so far read back ([`history`]), a span of sent updates gathered into one
//! record ([`recap`]), and the ownership hints drawn from recent updates
//! ([`hints`]).

pub mod hints;
pub mod history;
pub mod recap;
pub mod store;
