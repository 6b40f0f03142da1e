//! The `campaignc` binary: everything happens in [`campaignc::cli`].

#[path = "allocator.rs"]
mod allocator;

fn main() -> std::process::ExitCode {
    allocator::without_huge_pages();
    campaignc::cli::main_with(allocator::TUNING)
}
