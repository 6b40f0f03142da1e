//! The `campaignc` binary: everything happens in [`campaignc::cli`].

/// mimalloc instead of the system allocator: the checker builds (and
/// frees) a whole model of the project on every edit, and with glibc's
/// allocator allocation was about a third of the language server's time
/// (docs/performance.md). The library leaves the choice to its binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    campaignc::cli::main()
}
