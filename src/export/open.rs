//! Opening an exported file with the desktop's default application.

use std::path::Path;
use std::process::{Command, Stdio};

use super::ExportError;

/// Opens `path` with the desktop's default application.
pub fn open_with_default_app(path: &Path) -> Result<(), ExportError> {
    let (opener, pre): (&'static str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let status = Command::new(opener)
        .args(pre)
        .arg(path)
        .stdin(Stdio::null())
        .status()
        .map_err(|source| ExportError::Open {
            path: path.display().to_string(),
            opener,
            source,
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(ExportError::Open {
            path: path.display().to_string(),
            opener,
            source: std::io::Error::other(format!("it exited with {status}")),
        })
    }
}
