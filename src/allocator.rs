//! The binary's allocator and how it is tuned, shared by `src/main.rs` and
//! `benches/memory.rs` (which reports the binary's peak memory) through
//! `#[path]`: not a module of the library, which leaves the allocator to
//! its binary.

/// mimalloc instead of the system allocator: the checker builds (and
/// frees) a whole model of the project on every edit, and with glibc's
/// allocator allocation was about a third of the language server's time
/// (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h`, the enum
/// `mi_option_e`; the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// For `check` and `build` (see `campaignc::cli::main_with`): memory freed
/// is given back to the system at once instead of 10 ms later. Those
/// commands free each segment's tree and typed body as they go, and with
/// the delay the freed pages stayed resident: the peak of `check` on
/// 10 MB of segments went from about 120 MB to about 90 MB, with no
/// measurable cost in time (docs/performance.md, "Memory").
pub fn return_freed_memory_at_once() {
    // SAFETY: sets an integer option of the allocator, which mimalloc
    // allows at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}
