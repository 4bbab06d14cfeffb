//! The updates dir: naming, listing, reading, and the only way icu writes a
//! user's file — atomically, with a lock, a backup, and a check that nobody
//! changed the file since it was read.

use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

/// What went wrong in the updates dir. Messages name the file and say what
/// to do; nothing was written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file operation failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not UTF-8 text.
    #[error("{} is not UTF-8 text (invalid byte at offset {offset}); icu leaves it untouched", path.display())]
    NotUtf8 { path: PathBuf, offset: usize },
    /// No update to work on.
    #[error("no update in {}: run `icu draft` to write one, or name the file", dir.display())]
    NoUpdate { dir: PathBuf },
    /// Another icu holds the lock.
    #[error("another icu is writing {} right now; try again when it has finished", path.display())]
    Locked { path: PathBuf },
    /// An update or config that is a device, a pipe or a folder: icu will
    /// neither read it as text nor replace it with a file.
    #[error("{} is not a regular file; icu leaves it as it is. Name an update or config file", path.display())]
    NotRegular { path: PathBuf },
    /// The file changed on disk between read and write.
    #[error("{} changed while icu was working on it; nothing was written. Run the command again", path.display())]
    Changed { path: PathBuf },
}

impl StoreError {
    /// Shorthand for [`StoreError::Io`].
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StoreError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// True when the fix is in what the person asked for (exit 2), not in
    /// the world (exit 1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            StoreError::NotUtf8 { .. } | StoreError::NoUpdate { .. }
        )
    }
}

/// `<dir>/YYYY-MM-DD.md`
pub fn update_path(dir: &Path, date: NaiveDate) -> PathBuf {
    dir.join(format!("{}.md", date.format("%Y-%m-%d")))
}

/// `.YYYY-MM-DD.md.bak` beside the update.
pub fn backup_path(path: &Path) -> PathBuf {
    sibling(path, ".", ".bak")
}

fn lock_path(path: &Path) -> PathBuf {
    sibling(path, ".", ".lock")
}

fn sibling(path: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{prefix}{name}{suffix}"))
}

/// The date an update file is named after, if it follows `YYYY-MM-DD.md`.
pub fn date_of(path: &Path) -> Option<NaiveDate> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".md")?;
    NaiveDate::parse_from_str(stem, "%Y-%m-%d").ok()
}

/// Every update in `dir`, oldest first. A missing dir holds no updates.
pub fn list(dir: &Path) -> Result<Vec<(NaiveDate, PathBuf)>, StoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io("reading the updates dir", dir, e)),
    };
    let mut out: Vec<(NaiveDate, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter_map(|p| date_of(&p).map(|d| (d, p)))
        .collect();
    out.sort();
    Ok(out)
}

/// The newest update in `dir`, or an error that says how to make one.
pub fn latest(dir: &Path) -> Result<PathBuf, StoreError> {
    list(dir)?
        .pop()
        .map(|(_, p)| p)
        .ok_or_else(|| StoreError::NoUpdate {
            dir: dir.to_path_buf(),
        })
}

/// Reads an update as UTF-8 text. Anything but a regular file (or a link
/// to one) is refused before it is opened: a FIFO would block for ever.
pub fn read(path: &Path) -> Result<String, StoreError> {
    ensure_regular(path)?;
    let bytes = fs::read(path).map_err(|e| StoreError::io("reading", path, e))?;
    String::from_utf8(bytes).map_err(|e| StoreError::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// An exclusive lock on one update, held while a command rewrites it. The OS
/// releases it when the process exits, even on a crash.
///
/// The lock is `flock(2)` on `.YYYY-MM-DD.md.lock` beside the doc. The holder
/// removes that file while it still holds it, then lets go ([`Drop`]); so a
/// lock counts only if, once taken, the locked file is still the one at the
/// path ([`Lock::acquire`] checks, and starts again otherwise). Without that
/// check, an icu that opened the file just before it was removed would lock
/// the orphan while a third icu locked a new file at the path: two holders.
#[derive(Debug)]
pub struct Lock {
    file: File,
    path: PathBuf,
}

/// How many times [`Lock::acquire`] starts again when the file it locked was
/// removed meanwhile by the holder before it. Each new attempt needs another
/// icu to take and release the lock in between, so a few are plenty.
const LOCK_ATTEMPTS: usize = 8;

impl Lock {
    /// Takes the lock beside `doc`, or fails at once if another icu holds it.
    pub fn acquire(doc: &Path) -> Result<Lock, StoreError> {
        Lock::acquire_with(doc, &mut || {})
    }

    /// [`Lock::acquire`], running `opened` between opening the lock file and
    /// locking it: where the tests let another icu take its turn.
    fn acquire_with(doc: &Path, opened: &mut dyn FnMut()) -> Result<Lock, StoreError> {
        let dir = parent_dir(doc);
        fs::create_dir_all(dir).map_err(|e| StoreError::io("creating", dir, e))?;
        let path = lock_path(doc);
        for _ in 0..LOCK_ATTEMPTS {
            let file = fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| StoreError::io("creating the lock file", &path, e))?;
            opened();
            match fs4::fs_std::FileExt::try_lock_exclusive(&file) {
                Ok(true) => {}
                Ok(false) => {
                    return Err(StoreError::Locked {
                        path: doc.to_path_buf(),
                    })
                }
                Err(e) => return Err(StoreError::io("locking", &path, e)),
            }
            if is_at(&file, &path) {
                return Ok(Lock { file, path });
            }
            // The holder before us removed this file after we opened it: our
            // lock is on a file no other icu will open. Start again.
        }
        Err(StoreError::Locked {
            path: doc.to_path_buf(),
        })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, then unlocked — in this order, so that an
        // icu that opened the file meanwhile sees, once it has the lock, that
        // the file is gone from the path. Only our own file is removed: one
        // that replaced it at the path (by hand) is someone else's lock.
        if is_at(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
        let _ = fs4::fs_std::FileExt::unlock(&self.file);
    }
}

/// True when `file` is the file now at `path`.
fn is_at(file: &File, path: &Path) -> bool {
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// The folder `path` is in; `.` for a bare file name.
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Refuses a path that exists and is not a regular file (after links).
fn ensure_regular(path: &Path) -> Result<(), StoreError> {
    match fs::metadata(path) {
        Ok(m) if !m.is_file() => Err(StoreError::NotRegular {
            path: path.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

/// Writes `contents` to `path` atomically: a temp file in the same folder,
/// flushed to disk, then renamed over the target. A failure (a full disk, a
/// read-only dir) leaves the old file as it was. A symbolic link is written
/// through (its target is replaced, the link stays), an existing file keeps
/// its permissions, and anything but a regular file is refused: an update or
/// a config is never a device or a pipe.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), StoreError> {
    ensure_regular(path)?;
    let path = &fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(|e| StoreError::io("creating", dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".icu-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| StoreError::io("creating a temp file in", dir, e))?;
    if let Ok(m) = fs::metadata(path) {
        fs::set_permissions(tmp.path(), m.permissions())
            .map_err(|e| StoreError::io("setting the permissions of", tmp.path(), e))?;
    }
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| StoreError::io("writing", path, e))?;
    tmp.persist(path)
        .map_err(|e| StoreError::io("replacing", path, e.error))?;
    Ok(())
}

/// Writes an output the person named (`icu export -o OUT`). A regular file,
/// or a path that does not exist yet, is written atomically as
/// [`write_atomic`] does. Anything else — `/dev/null`, `/dev/stdout`, a
/// terminal, a FIFO, a process substitution — is opened and written in
/// place, as `cat > OUT` would: never renamed over, removed or chmod-ed.
pub fn write_output(path: &Path, contents: &[u8]) -> Result<(), StoreError> {
    // `/dev/stdout` redirected to a file is a link to a regular file, but
    // renaming over it would cut the shell's redirection off: anything under
    // /dev or /proc is written in place whatever it points to.
    let special = path.starts_with("/dev")
        || path.starts_with("/proc")
        || fs::metadata(path).is_ok_and(|m| !m.is_file());
    if !special {
        return write_atomic(path, contents);
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| StoreError::io("opening", path, e))?;
    f.write_all(contents)
        .and_then(|()| f.flush())
        .map_err(|e| StoreError::io("writing", path, e))
}

/// Replaces an existing update whose content was `expected` when read: keeps
/// a backup of it, then writes `new` atomically — unless the file changed on
/// disk meanwhile (an editor saved it), in which case nothing is written.
pub fn replace(path: &Path, expected: &str, new: &str) -> Result<(), StoreError> {
    let current = read(path)?;
    if current != expected {
        return Err(StoreError::Changed {
            path: path.to_path_buf(),
        });
    }
    if current == new {
        return Ok(());
    }
    write_atomic(&backup_path(path), current.as_bytes())?;
    write_atomic(path, new.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_date() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let p = update_path(Path::new("/u"), d);
        assert_eq!(p, Path::new("/u/2026-11-23.md"));
        assert_eq!(backup_path(&p), Path::new("/u/.2026-11-23.md.bak"));
        assert_eq!(date_of(&p), Some(d));
        assert_eq!(date_of(Path::new("/u/notes.md")), None);
    }

    #[test]
    fn replace_refuses_a_file_changed_since_it_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2026-11-23.md");
        fs::write(&p, "edited by the user").unwrap();
        let err = replace(&p, "what icu read", "new").unwrap_err();
        assert!(err.to_string().contains("changed while icu"));
        assert_eq!(fs::read_to_string(&p).unwrap(), "edited by the user");
    }

    #[test]
    fn replace_keeps_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2026-11-23.md");
        fs::write(&p, "old").unwrap();
        replace(&p, "old", "new").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(fs::read_to_string(backup_path(&p)).unwrap(), "old");
    }

    #[test]
    fn an_atomic_write_keeps_the_mode_and_writes_through_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("2026-11-23.md");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn an_update_that_is_not_a_regular_file_is_neither_read_nor_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("2026-11-23.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let e = read(&fifo).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert!(write_atomic(&fifo, b"x").is_err());
        let kind = fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kind));
    }

    #[test]
    fn a_lock_on_a_file_removed_meanwhile_does_not_count() {
        // A holds the lock. B opens the lock file; before B locks it, A lets
        // go (removing the file) and C takes a new lock file at the path.
        // B's lock on A's old file must not count: C holds the lock.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2026-11-23.md");
        let a = Lock::acquire(&p).unwrap();
        let mut a = Some(a);
        let mut c = None;
        let mut turn = || {
            if let Some(a) = a.take() {
                drop(a);
                c = Some(Lock::acquire(&p).unwrap());
            }
        };
        let b = Lock::acquire_with(&p, &mut turn);
        assert!(
            matches!(b, Err(StoreError::Locked { .. })),
            "two holders at once: {b:?}"
        );
        // Once C lets go, the lock is free again.
        drop(c.take().unwrap());
        assert!(Lock::acquire(&p).is_ok());
    }

    #[test]
    fn a_lock_released_while_opening_is_taken_on_the_new_file() {
        // A lets go between B's open and B's lock, and nobody else comes:
        // B's first file is gone, so B starts again and locks a new one.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2026-11-23.md");
        let mut a = Some(Lock::acquire(&p).unwrap());
        let b = Lock::acquire_with(&p, &mut || drop(a.take())).unwrap();
        assert!(is_at(&b.file, &lock_path(&p)));
        assert!(Lock::acquire(&p).is_err(), "B holds it");
        drop(b);
        assert!(!lock_path(&p).exists(), "removed on release");
    }

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2026-11-23.md");
        let first = Lock::acquire(&p).unwrap();
        assert!(Lock::acquire(&p).is_err());
        drop(first);
        assert!(Lock::acquire(&p).is_ok());
    }

    #[test]
    fn listing_ignores_other_files_and_sorts_by_date() {
        let dir = tempfile::tempdir().unwrap();
        for n in [
            "2026-11-23.md",
            "2026-11-09.md",
            "notes.md",
            ".2026-11-23.md.bak",
        ] {
            fs::write(dir.path().join(n), "").unwrap();
        }
        let l = list(dir.path()).unwrap();
        let names: Vec<_> = l.iter().map(|(d, _)| d.to_string()).collect();
        assert_eq!(names, ["2026-11-09", "2026-11-23"]);
    }
}
