//! SQLite's own allocations through mimalloc, the allocator of the rest of the binary.
//!
//! sqlx copies every value of every row it reads from SQLite (`sqlite3_value_dup`) on the
//! connection's thread and frees the copies on a Tokio worker once the row is decoded. With
//! SQLite's default allocator that is glibc `malloc` on one thread and `free` on another, a
//! pair per value (issue 16: 3 % of a signed-in list page's CPU); mimalloc frees across threads
//! without taking the allocating thread's arena lock.
//!
//! SQLite's memory statistics are turned off with it: kept on, every `sqlite3_malloc` and
//! `sqlite3_free` takes one process-wide mutex to count bytes nobody reads here, which the two
//! Tokio workers of a list page contend for (issue 16: 2–5 % of a 50-row page's CPU, with
//! futex waits). SQLite's own advice for speed is `SQLITE_DEFAULT_MEMSTATUS=0`.

use libsqlite3_sys as ffi;
use std::os::raw::{c_int, c_void};

/// Hands SQLite mimalloc's functions and turns its memory statistics off. Must run before anything opens a database or calls
/// into SQLite on any thread (`sqlite3_config` is not thread-safe), so `main` calls it first;
/// once SQLite has started it refuses (`SQLITE_MISUSE`) and keeps its own allocator.
pub fn use_mimalloc_for_sqlite() -> Result<(), c_int> {
    let methods = ffi::sqlite3_mem_methods {
        xMalloc: Some(sqlite_malloc),
        xFree: Some(sqlite_free),
        xRealloc: Some(sqlite_realloc),
        xSize: Some(sqlite_size),
        xRoundup: Some(sqlite_roundup),
        xInit: Some(sqlite_init),
        xShutdown: Some(sqlite_shutdown),
        pAppData: std::ptr::null_mut(),
    };
    // SQLite copies the methods before returning, so a local struct is enough.
    // SAFETY: called before SQLite is used (see above); the functions match SQLite's contract.
    let rc = unsafe {
        ffi::sqlite3_config(
            ffi::SQLITE_CONFIG_MALLOC,
            &methods as *const ffi::sqlite3_mem_methods,
        )
    };
    if rc != ffi::SQLITE_OK {
        return Err(rc);
    }
    // SAFETY: as above, before SQLite has started; the option takes one int.
    let rc = unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int) };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rc)
    }
}

// SQLite never asks for zero or negative sizes and keeps allocations below 2^31 bytes.
unsafe extern "C" fn sqlite_malloc(n: c_int) -> *mut c_void {
    unsafe { libmimalloc_sys::mi_malloc(n as usize) }
}

unsafe extern "C" fn sqlite_free(p: *mut c_void) {
    unsafe { libmimalloc_sys::mi_free(p) }
}

unsafe extern "C" fn sqlite_realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    unsafe { libmimalloc_sys::mi_realloc(p, n as usize) }
}

unsafe extern "C" fn sqlite_size(p: *mut c_void) -> c_int {
    let size = unsafe { libmimalloc_sys::mi_usable_size(p) };
    c_int::try_from(size).unwrap_or(c_int::MAX)
}

/// SQLite's own allocator rounds to 8 bytes; mimalloc's size classes do the rest.
unsafe extern "C" fn sqlite_roundup(n: c_int) -> c_int {
    (n + 7) & !7
}

unsafe extern "C" fn sqlite_init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn sqlite_shutdown(_: *mut c_void) {}
