//! The `campaignc` binary: everything happens in [`campaignc::cli`].

fn main() -> std::process::ExitCode {
    campaignc::cli::main()
}
