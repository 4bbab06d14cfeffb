//! The Win32 calls std has no safe form for, on Windows only: a job object
//! ([`Job`], for `platform::process::Group`) and a file's identity ([`file_id`], for
//! `updates::store`). With `scan::tuning`, the only `unsafe` in icu; each
//! block is one call, its arguments owned handles or plain out-structs.

use std::fs::File;
use std::io;
use std::os::windows::io::{AsRawHandle, FromRawHandle, OwnedHandle};
use std::process::Child;

use windows_sys::Win32::Storage::FileSystem::{
    GetFileInformationByHandle, BY_HANDLE_FILE_INFORMATION,
};
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, TerminateJobObject,
};

/// A job object holding a program and everything it starts (closed when
/// dropped; closing it does not kill what it holds).
#[derive(Debug)]
pub struct Job(OwnedHandle);

impl Job {
    /// A new job holding `child`.
    pub fn holding(child: &Child) -> io::Result<Job> {
        // SAFETY: no security attributes and no name; the handle returned is
        // new and ours alone, owned by the `OwnedHandle` from here on.
        #[allow(unsafe_code)]
        let job = unsafe {
            let raw = CreateJobObjectW(std::ptr::null(), std::ptr::null());
            if raw.is_null() {
                return Err(io::Error::last_os_error());
            }
            Job(OwnedHandle::from_raw_handle(raw))
        };
        // SAFETY: both handles are open for the duration of the call.
        #[allow(unsafe_code)]
        let assigned =
            unsafe { AssignProcessToJobObject(job.0.as_raw_handle(), child.as_raw_handle()) };
        if assigned == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(job)
    }

    /// Terminates every process in the job (exit code 1).
    pub fn terminate(&self) {
        // SAFETY: the job handle is open for the duration of the call.
        #[allow(unsafe_code)]
        unsafe {
            TerminateJobObject(self.0.as_raw_handle(), 1);
        }
    }
}

/// The identity of the file `file` is open on: its volume's serial number
/// and its file index, as `(st_dev, st_ino)` on Unix.
pub fn file_id(file: &File) -> io::Result<(u32, u64)> {
    // SAFETY: an all-zero BY_HANDLE_FILE_INFORMATION is a valid value (plain
    // integers), filled in by the call, whose handle is open throughout.
    #[allow(unsafe_code)]
    unsafe {
        let mut info: BY_HANDLE_FILE_INFORMATION = std::mem::zeroed();
        if GetFileInformationByHandle(file.as_raw_handle(), &mut info) == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok((
            info.dwVolumeSerialNumber,
            (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow),
        ))
    }
}
