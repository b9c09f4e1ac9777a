//! The `rapport` binary's allocator and its settings. Not part of the
//! library (a library should not choose its users' allocator): `main.rs`
//! includes it, and so do the build and serve benchmarks, by path, since
//! they run the library in their own process and their figures should be
//! what the command gives.

/// jemalloc rather than the system's allocator: see Cargo.toml and
/// docs/performance.md for what it saves.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read once when it starts (the variable
/// `_RJEM_MALLOC_CONF` overrides them). `thp:always` asks the kernel for
/// transparent huge pages for the heap: a build touches its memory once,
/// page by page, and with huge pages it takes far fewer page faults, which
/// makes a large build faster for a little more peak memory
/// (docs/performance.md). Where the kernel has huge pages turned off, this
/// does nothing.
#[cfg(not(target_env = "msvc"))]
#[used]
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: Option<&std::ffi::c_char> = Some(unsafe { &*c"thp:always".as_ptr() });
