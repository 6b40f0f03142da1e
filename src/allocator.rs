//! The binary's allocator and how it is tuned, shared by `src/main.rs` and
//! `benches/memory.rs` (which reports the binary's peak memory) through
//! `#[path]`: not a module of the library, which leaves the allocator to
//! its binary.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// mimalloc instead of the system allocator: the checker builds (and
/// frees) a whole model of the project on every edit, and with glibc's
/// allocator allocation was about a third of the language server's time
/// (docs/performance.md).
#[global_allocator]
static ALLOCATOR: Mimalloc = Mimalloc;

/// mimalloc, asked for alignment only when a layout needs more than the
/// block of its size has anyway.
///
/// `mimalloc::MiMalloc` passes every layout to `mi_malloc_aligned`. In
/// mimalloc 3 that call takes its fast path only while the size class has
/// a free block at hand; otherwise, unless the class is a power of two, it
/// over-allocates (size + alignment − 1, a block of a larger class,
/// aligned inside), and the class it should have refilled stays empty (the
/// upstream report: microsoft/mimalloc#889). In the simulator's benchmark
/// 231,692 of 1,625,555 allocations (14%) went that way; with plain
/// `mi_malloc` the replay takes 3% fewer instructions and, cache misses
/// included, more than that less time (docs/performance.md, "The
/// allocator's slow path").
///
/// Plain `mi_malloc` is enough when the layout needs no more than what the
/// block of its size has: every block is aligned to a word (block sizes
/// are whole words and a page's first block is aligned to 16), and to 16
/// when its size is a multiple of 16 (the size classes of such sizes are
/// multiples of 16 too). That holds without mimalloc's padding, which only
/// its `secure` and `debug` builds add and which this crate does not
/// enable; a debug build checks every pointer it returns.
pub struct Mimalloc;

/// Whether plain `mi_malloc` of `size` bytes gives `align`.
#[inline]
fn plain(size: usize, align: usize) -> bool {
    align <= std::mem::size_of::<usize>() || (align <= 16 && size % 16 == 0)
}

/// `p` after checking, in a debug build, that it has the alignment asked.
#[inline]
fn checked(p: *mut c_void, align: usize) -> *mut u8 {
    debug_assert!(
        p.is_null() || p as usize % align == 0,
        "mimalloc block not aligned to {align}"
    );
    p.cast()
}

/// A new block for `layout`: `plain_call` (mimalloc's `mi_malloc` or
/// `mi_zalloc`) when that gives the alignment ([`plain`]), else
/// `aligned_call`.
///
/// # Safety
///
/// `plain_call` and `aligned_call` are mimalloc's allocation functions
/// of one kind.
#[inline]
unsafe fn allocate(
    layout: Layout,
    plain_call: unsafe extern "C" fn(usize) -> *mut c_void,
    aligned_call: unsafe extern "C" fn(usize, usize) -> *mut c_void,
) -> *mut u8 {
    let (size, align) = (layout.size(), layout.align());
    // SAFETY: mimalloc's allocation functions take any size, and the
    // alignment is a power of two (a `Layout`'s is).
    let p = unsafe {
        if plain(size, align) {
            plain_call(size)
        } else {
            aligned_call(size, align)
        }
    };
    checked(p, align)
}

// SAFETY: every pointer comes from mimalloc with at least the layout's
// alignment (see `plain`), and is freed or resized by mimalloc (`mi_free`,
// `mi_realloc`, `mi_realloc_aligned` accept blocks from either call).
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's two allocation functions.
        unsafe { allocate(layout, mi::mi_malloc, mi::mi_malloc_aligned) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's two allocation functions of zeroed blocks.
        unsafe { allocate(layout, mi::mi_zalloc, mi::mi_zalloc_aligned) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator (the caller's contract).
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let (ptr, align) = (ptr.cast::<c_void>(), layout.align());
        // SAFETY: `ptr` came from this allocator (the caller's contract);
        // the alignment is a power of two.
        let p = unsafe {
            if plain(new_size, align) {
                mi::mi_realloc(ptr, new_size)
            } else {
                mi::mi_realloc_aligned(ptr, new_size, align)
            }
        };
        checked(p, align)
    }
}

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h`, the enum
/// `mi_option_e`; the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;

/// mimalloc's `mi_option_allow_thp`, from the same enum.
const MI_OPTION_ALLOW_THP: mi::mi_option_t = 43;

/// Small (4 KiB) pages only, for the whole process: no transparent huge
/// pages. Called first thing in `main`, before the work allocates much.
///
/// mimalloc asks the kernel for huge pages on its arenas (`madvise
/// MADV_HUGEPAGE`). Every first touch of such a 2 MiB region then has the
/// kernel zero 2 MiB, and where the system's `defrag` setting is
/// `madvise` (a common default) it first compacts memory to find one, on
/// the faulting thread. The compiler holds its memory briefly and returns
/// it often (see [`TUNING`]), so a region is faulted in more than once. In
/// a cold 1,000-campaign `build`, the kernel's page zeroing was 14-30 % of
/// the samples and system time 0.8-1.1 s of a 1.5 s run; with small pages
/// system time is 0.4-0.5 s, the run about 1.1 s, and peak memory 20-30
/// MB lower (docs/performance.md, "Small pages").
///
/// On Linux, `prctl(PR_SET_THP_DISABLE)` turns huge pages off for the
/// process at fault time, for mappings mimalloc made before this call
/// too; mimalloc's own option then stops it asking. Elsewhere only the
/// option is set.
pub fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integers and sets a flag of this
    // process; an error (an old kernel) leaves huge pages as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    // SAFETY: sets an integer option of the allocator.
    unsafe { mi::mi_option_set(MI_OPTION_ALLOW_THP, 0) }
}

/// The purge delay while `check` and `build` read and parse the whole
/// project, in milliseconds: none. Memory freed then (each file's pest
/// token queue, the parts of a large file) goes back to the system at
/// once, before the check allocates the model; kept for a while, it
/// stayed resident through the start of the check on another thread. On
/// the 10 MB segment input (`cargo bench --bench memory -- 10`, goal 10×
/// the source) a delay of 1, 2 or 5 ms there put `check`'s peak at
/// 118-128 MB; with none it is 91 MB (docs/performance.md, "Release
/// builds as one unit").
const PARSING_PURGE_DELAY: std::ffi::c_long = 0;

/// The purge delay while `check` and `build` check the parsed project, in
/// milliseconds: long enough that a page freed by one declaration is
/// reused by the next instead of being returned and faulted in again,
/// short enough that the peak stays that of the live data. The cold
/// `check` of 1,000 campaigns takes about 10 % less with 5 ms than with 0
/// (0.200 s against 0.219 s as a command).
const CHECKING_PURGE_DELAY: std::ffi::c_long = 5;

/// The purge delay while `build` makes its outputs, in milliseconds:
/// short enough that the peak stays that of the check (the 10 MB segment
/// input: 92-96 MB with it, 92 MB with 0, up to 101 MB with mimalloc 3's
/// default of 1 s, all measured with huge pages), long enough that pages
/// freed by one preview are reused by the next instead of being returned
/// and faulted in again.
const OUTPUTS_PURGE_DELAY: std::ffi::c_long = 10;

/// The binary's tuning for `check` and `build` (`campaignc::cli::Tuning`):
///
/// - While they read and parse the project, memory freed is given back to
///   the system at once ([`PARSING_PURGE_DELAY`]).
/// - While they check it, after [`CHECKING_PURGE_DELAY`]. They free each
///   segment's tree and typed body as they go; with mimalloc's default
///   delay (1 s) the freed pages stayed resident, and the peak of `check`
///   on 10 MB of segments was about 120 MB instead of about 90 MB
///   (docs/performance.md, "Memory").
/// - Once `build` makes its outputs (plans, previews, writing), freed
///   memory is kept for [`OUTPUTS_PURGE_DELAY`]: rendering frees and
///   reuses pages all the time, and with 0 the 1,000-campaign build spent
///   about a fifth of its time faulting them in again.
///
/// Each is called between the parallel phases. A worker may still be
/// freeing what the previous phase left (the check drops the parsed trees
/// and its model on rayon workers); mimalloc's options are plain
/// variables, which its own `mi_option_set` writes at any time, so such
/// a free sees the old delay or the new one, and either is safe.
pub const TUNING: campaignc::cli::Tuning = campaignc::cli::Tuning {
    whole_project: return_freed_memory_at_once,
    checking: return_freed_memory_soon,
    outputs: keep_freed_memory_briefly,
};

fn return_freed_memory_at_once() {
    // SAFETY: sets an integer option of the allocator.
    unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, PARSING_PURGE_DELAY) }
}

fn return_freed_memory_soon() {
    // SAFETY: sets an integer option of the allocator.
    unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, CHECKING_PURGE_DELAY) }
}

fn keep_freed_memory_briefly() {
    // SAFETY: sets an integer option of the allocator.
    unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, OUTPUTS_PURGE_DELAY) }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// After the call the kernel gives this process no huge pages (the
    /// field of /proc/self/status that `PR_SET_THP_DISABLE` sets).
    #[test]
    fn huge_pages_are_off_for_the_process() {
        super::without_huge_pages();
        let status = std::fs::read_to_string("/proc/self/status").expect("status");
        let field = status
            .lines()
            .find_map(|l| l.strip_prefix("THP_enabled:"))
            .map(str::trim);
        // Kernels before 5.0 do not show the field.
        if let Some(enabled) = field {
            assert_eq!(enabled, "0", "{status}");
        }
    }
}
