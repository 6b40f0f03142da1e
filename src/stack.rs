//! Room on the stack for the recursive stages.
//!
//! Parsing, building, checking, lowering and evaluating walk trees by
//! recursion. Their depth is bounded (see `syntax::MAX_NESTING` and
//! `syntax::MAX_EXPR_DEPTH`), but the thread they run on may have a small
//! stack (rayon workers and test threads get 2 MiB). Each recursive step
//! goes through [`deep`], which continues on a fresh heap-allocated stack
//! segment when the current one runs low, instead of the old design of a
//! thread with a huge reserved stack per file (which failed to start under
//! a memory limit with many threads).

/// Below this much remaining stack, [`deep`] switches to a new segment.
const RED_ZONE: usize = 128 * 1024;

/// The size of each new stack segment.
const SEGMENT: usize = 4 * 1024 * 1024;

/// Runs `f`, first moving to a new stack segment if less than
/// [`RED_ZONE`] bytes remain. Cheap when there is room: one comparison.
#[inline]
pub fn deep<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}
