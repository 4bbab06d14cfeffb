//! What differs between Unix and Windows below the commands, in one place:
//! a program icu runs together with all it starts ([`process`]: a process
//! group, or a job object), and the Win32 calls std has no safe form for
//! (`windows`, Windows only). The rest of icu is the same code on every
//! platform, with a `#[cfg]` where one line differs (the store's lock and
//! devices, the terminal), each beside what it replaces.

pub(crate) mod process;
#[cfg(windows)]
pub(crate) mod windows;
