//! The updates dir: naming, listing, reading, and the only way icu writes a
//! user's file — atomically, with a lock, a backup, and a check that nobody
//! changed the file since it was read.
//!
//! - [`write_atomic`]: every write of an update or the config (a temp file
//!   beside it, renamed over it; mode, owner and symbolic links kept).
//! - [`replace`]: a refresh written only if the file on disk is still what
//!   was read, the previous version kept as `.YYYY-MM-DD.md.bak`.
//! - [`Lock`]: one icu at a time per update; it also clears the temp files
//!   a killed run left.
//! - [`write_output`] and [`Guard`]: what `export -o OUT` may write over.
//! - [`read`] and [`ensure_regular`]: an update or config that is not a
//!   regular file is neither read nor replaced.
//!
//! On Windows the same rules hold with Windows' primitives, except where
//! this says otherwise: the rename is `MoveFileExW` (std's `rename`, which
//! replaces), the lock is `LockFileEx` (std's `File::try_lock`), a file
//! keeps its read-only attribute but has no mode or owner to keep (a new
//! file takes its folder's permissions, as any program's does), and an
//! update that is read-only, or open in a program that keeps others from
//! replacing it, is refused with a message instead of replaced.

use std::fs::{self, File};
use std::io::Write;
#[cfg(unix)]
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::NaiveDate;
use tempfile::NamedTempFile;

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
    /// Someone saved the file in the instant icu put its version in place:
    /// their save was put back.
    #[error("{} was saved while icu was writing it: your save is kept, and nothing of icu's was written. Run the command again to apply icu's change on top of it", path.display())]
    SavedMeanwhile { path: PathBuf },
    /// Someone saved the file in the instant icu put its version in place,
    /// and their save could not be put back where it was.
    #[error("{} was saved while icu was writing it, and icu could not put your save back: it is in {}. Compare the two before you go on", path.display(), theirs.display())]
    SavedBeside { path: PathBuf, theirs: PathBuf },
    /// `export -o OUT` names a file that exists, without `--overwrite`.
    #[error("{} already exists; icu leaves it as it is. Pass --overwrite to replace it", path.display())]
    OutputExists { path: PathBuf },
    /// The folder to write in is (under) a symbolic link to nothing.
    #[error("{} is a symbolic link to {}, which does not exist; create that folder, or point the link (or `update.dir`) at one that does", link.display(), target.display())]
    DanglingLink { link: PathBuf, target: PathBuf },
    /// On Windows: the update is read-only, which Windows does not let any
    /// program replace.
    #[cfg(windows)]
    #[error("{} is read-only; icu leaves it as it is. Clear its read-only attribute (`attrib -r`, or its Properties) to let icu write it", path.display())]
    ReadOnly { path: PathBuf },
    /// On Windows: the rename over the file was refused, most often because
    /// another program has it open and keeps others from replacing it (an
    /// editor that locks the file it shows); Windows says "access denied"
    /// for that and for a folder the person may not write in alike.
    #[cfg(windows)]
    #[error("{} could not be replaced ({source}): another program has it open and keeps others from replacing it, or its folder does not let you write. It was not written and your text is as it was. Close it in that program (or check the folder's permissions), then run the command again", path.display())]
    InUse {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `export -o OUT` names an update (or the update being exported).
    #[error("{} is an update; icu never writes an export over an update, even with --overwrite. Name another file", path.display())]
    OutputIsUpdate { path: PathBuf },
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
///
/// On Windows the lock is `LockFileEx`, also released when icu dies, and
/// every icu opens the lock file without `FILE_SHARE_DELETE`: while any icu
/// has it open, nobody can remove or replace it, so the file at the path is
/// the one every icu that opened it locks. The holder lets go, closes it,
/// and only then removes it, which fails (harmlessly: the file is reused)
/// when another icu has it open.
#[derive(Debug)]
pub struct Lock {
    /// Always `Some` until dropped (Windows closes it before removing it).
    file: Option<File>,
    path: PathBuf,
}

/// How many times [`Lock::acquire`] starts again when the file it locked was
/// removed meanwhile by the holder before it. Each new attempt needs another
/// icu to take and release the lock in between, so a few are plenty.
const LOCK_ATTEMPTS: usize = 8;

impl Lock {
    /// Takes the lock beside `doc`, or fails at once if another icu holds it.
    /// Also removes, from the doc's folder, icu's temp files that a killed
    /// run left behind (`remove_leftovers`).
    pub fn acquire(doc: &Path) -> Result<Lock, StoreError> {
        Lock::acquire_with(doc, &mut || {})
    }

    /// [`Lock::acquire`], running `opened` between opening the lock file and
    /// locking it: where the tests let another icu take its turn.
    fn acquire_with(doc: &Path, opened: &mut dyn FnMut()) -> Result<Lock, StoreError> {
        let dir = parent_dir(doc);
        create_dir(dir)?;
        let path = lock_path(doc);
        for _ in 0..LOCK_ATTEMPTS {
            let file = lock_options()
                .open(&path)
                .map_err(|e| StoreError::io("creating the lock file", &path, e))?;
            opened();
            // std's lock is flock(2) on Unix, as git-annex and cargo use, and
            // LockFileEx on Windows: released by the kernel when icu dies,
            // whatever kills it.
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::Locked {
                        path: doc.to_path_buf(),
                    })
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(StoreError::io("locking", &path, e))
                }
            }
            if is_at(&file, &path) {
                remove_leftovers(dir);
                return Ok(Lock {
                    file: Some(file),
                    path,
                });
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
        let Some(file) = self.file.take() else {
            return;
        };
        // Removed while still held, then unlocked — in this order, so that an
        // icu that opened the file meanwhile sees, once it has the lock, that
        // the file is gone from the path. Only our own file is removed: one
        // that replaced it at the path (by hand) is someone else's lock.
        #[cfg(unix)]
        {
            if is_at(&file, &self.path) {
                let _ = fs::remove_file(&self.path);
            }
            let _ = file.unlock();
        }
        // Windows: nobody can remove it while anyone has it open (see
        // [`Lock`]), icu included: let go and close first.
        #[cfg(windows)]
        {
            let _ = file.unlock();
            drop(file);
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// How the lock file is opened: created if missing, never truncated; on
/// Windows shared for reading and writing but not for removing (see
/// [`Lock`]).
fn lock_options() -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        /// FILE_SHARE_READ | FILE_SHARE_WRITE, without FILE_SHARE_DELETE.
        const SHARE_READ_WRITE: u32 = 0x1 | 0x2;
        options.share_mode(SHARE_READ_WRITE);
    }
    options
}

/// Which file `file` is: `(st_dev, st_ino)` on Unix; on Windows its
/// volume's serial number and its file index.
fn identity(file: &File) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        file.metadata().ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(windows)]
    {
        crate::platform::windows::file_id(file)
            .ok()
            .map(|(volume, index)| (u64::from(volume), index))
    }
}

/// Which file is at `path` (links followed), as [`identity`].
fn identity_at(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    // Windows has no stat by path that gives the file index: the file is
    // opened (to read its attributes only, which no sharing mode denies),
    // except a device or a pipe, which opening would act on.
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        /// FILE_FLAG_BACKUP_SEMANTICS: a folder can be opened too.
        const BACKUP_SEMANTICS: u32 = 0x0200_0000;
        /// FILE_READ_ATTRIBUTES: what GetFileInformationByHandle reads.
        const READ_ATTRIBUTES: u32 = 0x80;
        if windows_device(path) || !fs::metadata(path).is_ok_and(|m| m.is_file() || m.is_dir()) {
            return None;
        }
        fs::OpenOptions::new()
            .access_mode(READ_ATTRIBUTES)
            .custom_flags(BACKUP_SEMANTICS)
            .open(path)
            .ok()
            .and_then(|f| identity(&f))
    }
}

/// True when `file` is the file now at `path`.
fn is_at(file: &File, path: &Path) -> bool {
    match (identity(file), identity_at(path)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// True for a name Windows gives to a device in every folder (`NUL`, `CON`,
/// `COM1` …, any case, a `:` after it allowed) and for a path in the device
/// namespace (`\\.\…`): written in place, never renamed over.
#[cfg(windows)]
fn windows_device(path: &Path) -> bool {
    if path.as_os_str().to_string_lossy().starts_with(r"\\.\") {
        return true;
    }
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name.trim_end_matches(':').to_ascii_uppercase();
    let numbered = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit() && n != "0")
    };
    matches!(
        name.as_str(),
        "NUL" | "CON" | "PRN" | "AUX" | "CONIN$" | "CONOUT$"
    ) || numbered("COM")
        || numbered("LPT")
}

/// The folder `path` is in; `.` for a bare file name.
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// How icu names its temp files: `.icu-` six letters or digits `.tmp`.
const TEMP_PREFIX: &str = ".icu-";
const TEMP_SUFFIX: &str = ".tmp";
const TEMP_RANDOM: usize = 6;

/// How old one of icu's temp files must be before another run removes it. A
/// write takes milliseconds, so a temp file this old was left by a run that
/// was killed (a crash, `kill -9`, a power cut) between writing and renaming.
const LEFTOVER_AGE: Duration = Duration::from_secs(60);

/// True for a name icu gives its temp files, and only for those.
fn is_temp_name(name: &str) -> bool {
    name.strip_prefix(TEMP_PREFIX)
        .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|r| r.len() == TEMP_RANDOM && r.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Removes from `dir` icu's own temp files ([`is_temp_name`], regular files)
/// last changed more than [`LEFTOVER_AGE`] ago. Nothing else is touched,
/// and a failure is no reason to stop the command: it is best effort.
///
/// The age is measured against the system clock, not icu's "now" (which
/// `ICU_NOW` may fix): the file times it is compared with are the file
/// system's own.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.filter_map(Result::ok) {
        if !entry.file_name().to_str().is_some_and(is_temp_name) {
            continue;
        }
        // The entry's own metadata: a link is not followed.
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let stale = meta
            .modified()
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > LEFTOVER_AGE);
        if meta.is_file() && stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Refuses a path that exists and is not a regular file (after links): an
/// update or a config is never a device, a FIFO or a folder.
pub fn ensure_regular(path: &Path) -> Result<(), StoreError> {
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
/// its permissions and its owner (`staged`), and anything but a regular
/// file is refused: an update or a config is never a device or a pipe.
///
/// A file it creates is private (0600): updates and the config are notes
/// about the person's work. Exports are created with the umask instead
/// ([`write_output`]).
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), StoreError> {
    write_atomic_as(path, contents, NewFile::Private)
}

fn write_atomic_as(path: &Path, contents: &[u8], new: NewFile) -> Result<(), StoreError> {
    let (target, tmp) = staged(path, contents, new, None)?;
    tmp.persist(&target)
        .map_err(|e| replacing(&target, e.error))?;
    Ok(())
}

/// The error of a rename over `target` that failed. On Windows a program
/// that has the file open without sharing it for removal (an editor that
/// locks what it shows) makes the rename fail: `StoreError::InUse`.
fn replacing(target: &Path, e: std::io::Error) -> StoreError {
    // ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION.
    #[cfg(windows)]
    if matches!(e.raw_os_error(), Some(5 | 32 | 33)) {
        return StoreError::InUse {
            path: target.to_path_buf(),
            source: e,
        };
    }
    StoreError::io("replacing", target, e)
}

/// The mode of a file icu creates (an existing file keeps its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NewFile {
    /// 0600: only the person reads their updates and config.
    Private,
    /// 0666 less the umask, as `cat > OUT` or any editor creates a file:
    /// an export is meant to be shared.
    Umask,
}

/// Creates `dir` and the folders above it. When that fails because one of
/// them is a link to nothing (`update.dir` pointing at a missing folder,
/// which `create_dir_all` reports as "File exists"), the error names the link
/// and its target.
fn create_dir(dir: &Path) -> Result<(), StoreError> {
    fs::create_dir_all(dir).map_err(|e| {
        for a in dir.ancestors() {
            let link = fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink());
            if link && fs::metadata(a).is_err() {
                if let Ok(target) = fs::read_link(a) {
                    return StoreError::DanglingLink {
                        link: a.to_path_buf(),
                        target,
                    };
                }
            }
        }
        StoreError::io("creating", dir, e)
    })
}

/// A temp file holding `contents`, flushed to disk, in the folder of the file
/// `path` names (a symbolic link is followed), with that file's permissions
/// and owner when it exists — or those of `like` when given (a backup takes
/// its update's) — ready to be renamed over it. Returns the file it is to
/// replace too.
fn staged(
    path: &Path,
    contents: &[u8],
    new: NewFile,
    like: Option<&fs::Metadata>,
) -> Result<(PathBuf, NamedTempFile), StoreError> {
    ensure_regular(path)?;
    let target = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = parent_dir(&target);
    create_dir(dir)?;
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(TEMP_RANDOM);
    #[cfg(unix)]
    if new == NewFile::Umask {
        // The mode open(2) is given; the kernel takes the umask off it.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    // Windows has no mode: a new file takes its folder's permissions.
    #[cfg(windows)]
    let _ = new;
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| StoreError::io("creating a temp file in", dir, e))?;
    #[cfg(windows)]
    refuse_read_only(&target)?;
    if let Some(m) = like.cloned().or_else(|| fs::metadata(&target).ok()) {
        // The owner first: a change of owner clears the set-id bits.
        #[cfg(unix)]
        keep_owner(&tmp, &m, &target)?;
        tmp.as_file()
            .set_permissions(m.permissions())
            .map_err(|e| StoreError::io("setting the permissions of", tmp.path(), e))?;
    }
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| StoreError::io("writing", &target, e))?;
    Ok((target, tmp))
}

/// Windows lets no program replace a read-only file (and a read-only temp
/// file could not be removed): said, not worked around.
#[cfg(windows)]
fn refuse_read_only(path: &Path) -> Result<(), StoreError> {
    if fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
        return Err(StoreError::ReadOnly {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// Gives the temp file the owner and group of the file it will replace, so
/// that root (`sudo icu …`) does not take a person's update from them. Only
/// root may give a file away: for anyone else the temp file is already
/// theirs, as an editor's save would be, and the refusal changes nothing.
#[cfg(unix)]
fn keep_owner(tmp: &NamedTempFile, of: &fs::Metadata, target: &Path) -> Result<(), StoreError> {
    let mine = tmp
        .as_file()
        .metadata()
        .map_err(|e| StoreError::io("reading", tmp.path(), e))?;
    if (mine.uid(), mine.gid()) == (of.uid(), of.gid()) {
        return Ok(());
    }
    match std::os::unix::fs::fchown(tmp.as_file(), Some(of.uid()), Some(of.gid())) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Ok(()),
        r => r.map_err(|e| StoreError::io("keeping the owner of", target, e)),
    }
}

/// What an output the person names (`icu export -o OUT`) may replace.
#[derive(Debug, Clone, Copy)]
pub struct Guard<'a> {
    /// Replace an existing regular file (`--overwrite`).
    pub overwrite: bool,
    /// The update being exported: never written over, however it is named.
    pub doc: &'a Path,
    /// The updates dir, when known: no `YYYY-MM-DD.md` in it is written over
    /// or created. The doc's own folder is protected the same way.
    pub updates_dir: Option<&'a Path>,
}

impl Guard<'_> {
    /// True when writing `out` would replace (or create) an update.
    fn protects(&self, out: &Path) -> bool {
        // The doc itself, under any name: a link, a hard link, /dev/fd/N.
        if let (Some(a), Some(b)) = (identity_at(out), identity_at(self.doc)) {
            if a == b {
                return true;
            }
        }
        let Some(landing) = landing(out) else {
            return false;
        };
        if date_of(&landing).is_none() {
            return false;
        }
        [Some(parent_dir(self.doc)), self.updates_dir]
            .into_iter()
            .flatten()
            .filter_map(|d| fs::canonicalize(d).ok())
            .any(|d| landing.parent() == Some(d.as_path()))
    }
}

/// The file a write to `out` lands on: its links and its folder resolved.
fn landing(out: &Path) -> Option<PathBuf> {
    if let Ok(p) = fs::canonicalize(out) {
        return Some(p);
    }
    let name = out.file_name()?;
    Some(fs::canonicalize(parent_dir(out)).ok()?.join(name))
}

/// Writes an output the person named (`icu export -o OUT`). An update — the
/// doc being exported, or a `YYYY-MM-DD.md` of the updates dir — is never
/// written over ([`Guard`]). An existing regular file is replaced only with
/// `guard.overwrite`; a new file is created atomically, and if one appears
/// at the path meanwhile it is not replaced either. Anything else —
/// `/dev/null`, `/dev/stdout`, a terminal, a FIFO, a device, a process
/// substitution — is opened and written in place, as `cat > OUT` would:
/// never renamed over, removed or chmod-ed, and `--overwrite` is not needed.
/// A file it creates gets 0666 less the umask, as any program's output.
pub fn write_output(path: &Path, contents: &[u8], guard: &Guard<'_>) -> Result<(), StoreError> {
    if guard.protects(path) {
        return Err(StoreError::OutputIsUpdate {
            path: path.to_path_buf(),
        });
    }
    // `/dev/stdout` redirected to a file is a link to a regular file, but
    // renaming over it would cut the shell's redirection off: anything under
    // /dev or /proc is written in place whatever it points to.
    // On Windows, `NUL`, `CON` and the like are devices in every folder.
    #[cfg(windows)]
    let device = windows_device(path);
    #[cfg(not(windows))]
    let device = false;
    let special = device
        || path.starts_with("/dev")
        || path.starts_with("/proc")
        || fs::metadata(path).is_ok_and(|m| !m.is_file());
    if special {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| StoreError::io("opening", path, e))?;
        return f
            .write_all(contents)
            .and_then(|()| f.flush())
            .map_err(|e| StoreError::io("writing", path, e));
    }
    let exists = || StoreError::OutputExists {
        path: path.to_path_buf(),
    };
    if guard.overwrite {
        return write_atomic_as(path, contents, NewFile::Umask);
    }
    if fs::symlink_metadata(path).is_ok() {
        return Err(exists());
    }
    let (target, tmp) = staged(path, contents, NewFile::Umask, None)?;
    match tmp.persist_noclobber(&target) {
        Ok(_) => Ok(()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
        Err(e) => Err(StoreError::io("creating", &target, e.error)),
    }
}

/// Replaces an existing update whose content was `expected` when read: keeps
/// a backup of it, then writes `new` atomically — unless the file changed on
/// disk meanwhile (an editor saved it), in which case nothing is written.
///
/// The compare and the rename are two steps, and an editor may save between
/// them. Where the file system can exchange two names in one step (Linux,
/// `renameat2(RENAME_EXCHANGE)`), icu's version is swapped in and the file
/// swapped out is compared with what was read: if it differs, it was a save,
/// and it is swapped back ([`StoreError::SavedMeanwhile`]). Elsewhere the
/// rename is plain and that instant stays open.
pub fn replace(path: &Path, expected: &str, new: &str) -> Result<(), StoreError> {
    replace_with(path, expected, new, &mut || {})
}

/// [`replace`], running `compared` between the compare and the swap: where
/// the tests play the editor that saves at the worst moment.
fn replace_with(
    path: &Path,
    expected: &str,
    new: &str,
    compared: &mut dyn FnMut(),
) -> Result<(), StoreError> {
    let current = read(path)?;
    if current != expected {
        return Err(StoreError::Changed {
            path: path.to_path_buf(),
        });
    }
    if current == new {
        return Ok(());
    }
    // Before the backup: a refusal leaves nothing written.
    #[cfg(windows)]
    refuse_read_only(path)?;
    write_backup(path, current.as_bytes())?;
    let (target, tmp) = staged(path, new.as_bytes(), NewFile::Private, None)?;
    compared();
    swap_in(&target, tmp, expected.as_bytes(), new.as_bytes())
}

/// Keeps `contents`, the update at `path` as it was, as its backup
/// ([`backup_path`]), atomically, with the update's owner, group and mode:
/// when root refreshes someone's update, the backup is theirs to read, as
/// the update is, and no more readable by others than it.
fn write_backup(path: &Path, contents: &[u8]) -> Result<(), StoreError> {
    let doc = fs::metadata(path).map_err(|e| StoreError::io("reading", path, e))?;
    let (target, tmp) = staged(&backup_path(path), contents, NewFile::Private, Some(&doc))?;
    tmp.persist(&target)
        .map_err(|e| replacing(&target, e.error))?;
    Ok(())
}

/// Puts `tmp` at `target` and takes out the file that was there in one step,
/// then checks that what came out is what icu read (`expected`).
#[cfg(target_os = "linux")]
fn swap_in(
    target: &Path,
    tmp: NamedTempFile,
    expected: &[u8],
    new: &[u8],
) -> Result<(), StoreError> {
    use rustix::io::Errno;
    let tmp = tmp.into_temp_path();
    match exchange(&tmp, target) {
        Ok(()) => {}
        // A file system that cannot exchange (or a kernel before 3.15): the
        // plain rename, after the compare replace made.
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {
            return tmp
                .persist(target)
                .map_err(|e| StoreError::io("replacing", target, e.error));
        }
        // Moved away or deleted since it was read: nothing to replace.
        Err(Errno::NOENT) => {
            return Err(StoreError::Changed {
                path: target.to_path_buf(),
            })
        }
        Err(e) => return Err(StoreError::io("replacing", target, e.into())),
    }
    // `tmp` now names the file that was at `target` an instant ago.
    if fs::read(&tmp).is_ok_and(|b| b == expected) {
        // What icu read: the backup holds it, and this copy goes.
        return Ok(());
    }
    // A save landed between the compare and the swap: put it back.
    if exchange(&tmp, target).is_ok() && fs::read(&tmp).is_ok_and(|b| b == new) {
        return Err(StoreError::SavedMeanwhile {
            path: target.to_path_buf(),
        });
    }
    // Either it could not go back, or another save came in meanwhile and
    // `tmp` holds it: keep it beside, under a name no run removes.
    Err(StoreError::SavedBeside {
        path: target.to_path_buf(),
        theirs: keep_beside(tmp, target),
    })
}

#[cfg(not(target_os = "linux"))]
fn swap_in(
    target: &Path,
    tmp: NamedTempFile,
    _expected: &[u8],
    _new: &[u8],
) -> Result<(), StoreError> {
    tmp.persist(target)
        .map(|_| ())
        .map_err(|e| replacing(target, e.error))
}

/// Exchanges the files at `a` and `b` in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<(), rustix::io::Errno> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE)
}

/// Moves the temp file `tmp` to `NAME.saved` beside `target` (or
/// `NAME.saved.1` … when taken) and returns where it is now. If none can be
/// made, the temp file stays where it is, no longer removed on drop (a later
/// run removes it after a minute: that is the one case it could be lost).
#[cfg(target_os = "linux")]
fn keep_beside(tmp: tempfile::TempPath, target: &Path) -> PathBuf {
    let mut tmp = tmp;
    for n in 0..10 {
        let suffix = if n == 0 {
            ".saved".to_string()
        } else {
            format!(".saved.{n}")
        };
        let to = sibling(target, "", &suffix);
        match tmp.persist_noclobber(&to) {
            Ok(()) => return to,
            Err(e) => tmp = e.path,
        }
    }
    tmp.disable_cleanup(true);
    tmp.to_path_buf()
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

    #[cfg(unix)]
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

    #[cfg(unix)]
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

    /// A save as most editors make it: a new file renamed over the old.
    #[cfg(target_os = "linux")]
    fn save_by_rename(p: &Path, text: &str) {
        let side = p.with_file_name("editor-swap");
        fs::write(&side, text).unwrap();
        fs::rename(&side, p).unwrap();
    }

    /// icu's temp files left in `dir`.
    fn temp_files(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| is_temp_name(n))
            .collect()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_save_between_the_compare_and_the_rename_is_kept() {
        // The editor saves at the worst moment: after icu compared, before
        // it renamed. Both ways editors save: a new file renamed over the
        // doc, and the doc's own file rewritten in place.
        let in_place = |p: &Path, text: &str| fs::write(p, text).unwrap();
        for save in [save_by_rename as fn(&Path, &str), in_place] {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("2026-11-23.md");
            fs::write(&p, "old").unwrap();
            let e =
                replace_with(&p, "old", "icu's", &mut || save(&p, "saved by hand")).unwrap_err();
            assert!(matches!(e, StoreError::SavedMeanwhile { .. }), "{e}");
            assert!(e.to_string().contains("your save is kept"), "{e}");
            assert_eq!(fs::read_to_string(&p).unwrap(), "saved by hand");
            assert_eq!(temp_files(dir.path()), Vec::<String>::new());
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_save_that_cannot_go_back_is_kept_beside_under_a_name_no_run_removes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2026-11-23.md");
        fs::write(&p, "icu's").unwrap();
        let stray = |text: &str| {
            let mut t = tempfile::Builder::new()
                .prefix(TEMP_PREFIX)
                .suffix(TEMP_SUFFIX)
                .rand_bytes(TEMP_RANDOM)
                .tempfile_in(dir.path())
                .unwrap();
            t.write_all(text.as_bytes()).unwrap();
            t.into_temp_path()
        };
        let first = keep_beside(stray("first save"), &p);
        let second = keep_beside(stray("second save"), &p);
        assert_eq!(first, dir.path().join("2026-11-23.md.saved"));
        assert_eq!(second, dir.path().join("2026-11-23.md.saved.1"));
        assert_eq!(fs::read_to_string(&first).unwrap(), "first save");
        assert_eq!(fs::read_to_string(&second).unwrap(), "second save");
        assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_replace_that_is_not_interrupted_swaps_the_doc_in() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2026-11-23.md");
        fs::write(&p, "old").unwrap();
        let mut calls = 0;
        replace_with(&p, "old", "new", &mut || calls += 1).unwrap();
        assert_eq!(calls, 1);
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(fs::read_to_string(backup_path(&p)).unwrap(), "old");
        assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_doc_moved_away_before_the_swap_is_not_recreated() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2026-11-23.md");
        fs::write(&p, "old").unwrap();
        let moved = dir.path().join("renamed.md");
        let e =
            replace_with(&p, "old", "new", &mut || fs::rename(&p, &moved).unwrap()).unwrap_err();
        assert!(matches!(e, StoreError::Changed { .. }), "{e}");
        assert!(!p.exists());
        assert_eq!(fs::read_to_string(&moved).unwrap(), "old");
        assert_eq!(temp_files(dir.path()), Vec::<String>::new());
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
        assert!(is_at(b.file.as_ref().unwrap(), &lock_path(&p)));
        assert!(Lock::acquire(&p).is_err(), "B holds it");
        drop(b);
        assert!(!lock_path(&p).exists(), "removed on release");
    }

    #[cfg(unix)]
    #[test]
    fn only_icus_old_temp_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let old = SystemTime::now() - Duration::from_secs(120);
        let names = [
            (".icu-Ab12Cd.tmp", true, true),
            (".icu-Ab12Ce.tmp", false, false),
            (".icu-notes.tmp", true, false),
            (".icu-Ab12Cd.tmp.keep", true, false),
            ("icu-Ab12Cd.tmp", true, false),
            ("2026-11-23.md", true, false),
        ];
        for (name, aged, _) in names {
            let p = dir.path().join(name);
            fs::write(&p, "x").unwrap();
            if aged {
                File::options()
                    .write(true)
                    .open(&p)
                    .unwrap()
                    .set_modified(old)
                    .unwrap();
            }
        }
        // A folder and a link with icu's name are not icu's temp files.
        let folder = dir.path().join(".icu-Folder.tmp");
        fs::create_dir(&folder).unwrap();
        File::open(&folder).unwrap().set_modified(old).unwrap();
        let link = dir.path().join(".icu-Link12.tmp");
        std::os::unix::fs::symlink(dir.path().join("2026-11-23.md"), &link).unwrap();
        let at = rustix::fs::Timestamps {
            last_access: rustix::fs::Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            last_modification: rustix::fs::Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
        };
        rustix::fs::utimensat(
            rustix::fs::CWD,
            &link,
            &at,
            rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
        )
        .unwrap();
        let _lock = Lock::acquire(&dir.path().join("2026-11-23.md")).unwrap();
        for (name, _, removed) in names {
            assert_eq!(!dir.path().join(name).exists(), removed, "{name}");
        }
        assert!(folder.exists() && fs::symlink_metadata(&link).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn root_keeps_the_owner_of_the_file_it_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2026-11-23.md");
        fs::write(&p, "old").unwrap();
        if fs::metadata(&p).unwrap().uid() != 0 {
            eprintln!("not running as root: this test checked nothing");
            return;
        }
        std::os::unix::fs::chown(&p, Some(4242), Some(4343)).unwrap();
        let owner = |p: &Path| {
            let m = fs::metadata(p).unwrap();
            (m.uid(), m.gid())
        };
        write_atomic(&p, b"written").unwrap();
        assert_eq!(owner(&p), (4242, 4343));
        replace(&p, "written", "replaced").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "replaced");
        assert_eq!(owner(&p), (4242, 4343));
    }

    #[cfg(unix)]
    #[test]
    fn root_gives_the_backup_the_owner_and_mode_of_the_update() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2026-11-23.md");
        fs::write(&p, "old").unwrap();
        if fs::metadata(&p).unwrap().uid() != 0 {
            eprintln!("not running as root: this test checked nothing");
            return;
        }
        std::os::unix::fs::chown(&p, Some(4242), Some(4343)).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        let owner_and_mode = |p: &Path| {
            let m = fs::metadata(p).unwrap();
            (m.uid(), m.gid(), m.permissions().mode() & 0o7777)
        };
        // A first backup, and one over a backup root left as root:root 0600.
        replace(&p, "old", "refreshed").unwrap();
        let bak = backup_path(&p);
        assert_eq!(fs::read_to_string(&bak).unwrap(), "old");
        assert_eq!(owner_and_mode(&bak), (4242, 4343, 0o640));
        std::os::unix::fs::chown(&bak, Some(0), Some(0)).unwrap();
        fs::set_permissions(&bak, fs::Permissions::from_mode(0o600)).unwrap();
        replace(&p, "refreshed", "again").unwrap();
        assert_eq!(fs::read_to_string(&bak).unwrap(), "refreshed");
        assert_eq!(owner_and_mode(&bak), (4242, 4343, 0o640));
        assert_eq!(owner_and_mode(&p), (4242, 4343, 0o640));
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

    #[cfg(unix)]
    #[test]
    fn an_updates_dir_linked_to_nothing_names_the_link_and_its_target() {
        let d = tempfile::tempdir().unwrap();
        let updates = d.path().join("updates");
        std::os::unix::fs::symlink(d.path().join("gone"), &updates).unwrap();
        let doc = updates.join("2026-11-23.md");
        for e in [
            Lock::acquire(&doc).err().unwrap(),
            staged(&doc, b"x", NewFile::Private, None).err().unwrap(),
        ] {
            let m = e.to_string();
            assert!(m.contains(&updates.display().to_string()), "{m}");
            assert!(
                m.contains(&d.path().join("gone").display().to_string()),
                "{m}"
            );
            assert!(m.contains("does not exist"), "{m}");
            assert!(!m.contains("File exists"), "{m}");
        }
        assert!(!d.path().join("gone").exists());
    }

    /// Opens `p` as an editor that locks what it shows opens it: shared for
    /// reading only, so nobody may write, rename or remove it meanwhile.
    #[cfg(windows)]
    fn open_locked(p: &Path) -> File {
        use std::os::windows::fs::OpenOptionsExt;
        /// FILE_SHARE_READ alone.
        const SHARE_READ: u32 = 0x1;
        File::options()
            .read(true)
            .write(true)
            .share_mode(SHARE_READ)
            .open(p)
            .unwrap()
    }

    #[cfg(windows)]
    #[test]
    fn an_update_an_editor_holds_locked_is_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2026-11-23.md");
        fs::write(&p, "my prose\r\n").unwrap();
        let held = open_locked(&p);
        let e = replace(&p, "my prose\r\n", "icu's").unwrap_err();
        assert!(matches!(e, StoreError::InUse { .. }), "{e}");
        assert!(e.to_string().contains("Close it in that program"), "{e}");
        drop(held);
        assert_eq!(fs::read_to_string(&p).unwrap(), "my prose\r\n");
        assert_eq!(temp_files(dir.path()), Vec::<String>::new());
        // Once the editor lets go, the same refresh goes through.
        replace(&p, "my prose\r\n", "icu's").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "icu's");
    }

    #[cfg(windows)]
    #[test]
    fn a_read_only_update_is_refused_and_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("2026-11-23.md");
        fs::write(&p, "old").unwrap();
        let mut ro = fs::metadata(&p).unwrap().permissions();
        ro.set_readonly(true);
        fs::set_permissions(&p, ro).unwrap();
        let e = replace(&p, "old", "new").unwrap_err();
        assert!(
            matches!(&e, StoreError::ReadOnly { path } if *path == p),
            "{e}"
        );
        assert!(e.to_string().contains("attrib -r"), "{e}");
        assert!(
            !backup_path(&p).exists(),
            "nothing written, not even a backup"
        );
        assert!(write_atomic(&p, b"new").is_err());
        assert_eq!(fs::read_to_string(&p).unwrap(), "old");
        assert!(fs::metadata(&p).unwrap().permissions().readonly());
        assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    }

    #[cfg(windows)]
    #[test]
    fn nul_and_con_are_devices_written_in_place() {
        for name in ["NUL", "nul", "CON", "con:", "COM1", "CONOUT$"] {
            assert!(windows_device(Path::new(name)), "{name}");
            assert!(windows_device(&Path::new(r"C:\x").join(name)), "{name}");
        }
        for name in [
            "NULL",
            "nul.md",
            "COM0",
            "COM10",
            "console",
            "2026-11-23.md",
        ] {
            assert!(!windows_device(Path::new(name)), "{name}");
        }
        assert!(windows_device(Path::new(r"\\.\pipe\x")));
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("2026-11-23.md");
        fs::write(&doc, "x").unwrap();
        let guard = Guard {
            overwrite: false,
            doc: &doc,
            updates_dir: Some(dir.path()),
        };
        write_output(Path::new("NUL"), b"into nothing", &guard).unwrap();
        write_output(&dir.path().join("NUL"), b"into nothing", &guard).unwrap();
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["2026-11-23.md"]);
    }

    #[test]
    fn an_export_is_never_written_over_the_update_under_another_name() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("2026-11-23.md");
        fs::write(&doc, "prose").unwrap();
        let guard = Guard {
            overwrite: true,
            doc: &doc,
            updates_dir: None,
        };
        let hard = dir.path().join("export.html");
        fs::hard_link(&doc, &hard).unwrap();
        let e = write_output(&hard, b"<p>html</p>", &guard).unwrap_err();
        assert!(matches!(e, StoreError::OutputIsUpdate { .. }), "{e}");
        assert_eq!(fs::read_to_string(&doc).unwrap(), "prose");
        write_output(&dir.path().join("other.html"), b"<p>html</p>", &guard).unwrap();
    }
}
