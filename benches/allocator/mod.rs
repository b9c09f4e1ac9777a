//! The allocator the `rapport` binary uses, with its settings (src/main.rs):
//! the build and serve benchmarks run the library in their own process, and
//! their figures should be what the command gives.

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The same settings as src/main.rs's (transparent huge pages; see there).
#[cfg(not(target_env = "msvc"))]
#[used]
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: Option<&std::ffi::c_char> = Some(unsafe { &*c"thp:always".as_ptr() });
