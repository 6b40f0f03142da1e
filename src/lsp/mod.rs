//! `campaignc lsp`: the language server.
//!
//! The server holds the project in a [`crate::driver::Workspace`] (every
//! `.camp` file under the workspace folder, open buffers taking precedence
//! over the disk) and answers every request from its current snapshot:
//! the checked model, its reference table and its diagnostics. It speaks
//! the Language Server Protocol over stdio with `lsp-server`'s message
//! types and `lsp-types`' structures; the framing is ours
//! ([`transport`]), so that a malformed message gets an error answer
//! instead of ending the connection.
//!
//! One module per feature; each handler takes the server and the
//! request's parameters and returns the answer or a [`server::Failure`].

pub mod actions;
pub mod capabilities;
pub mod completion;
pub mod convert;
pub mod folding;
pub mod format;
pub mod handlers;
pub mod hover;
pub mod inlay;
pub mod navigate;
pub mod rename;
pub mod server;
pub mod tokens;
pub mod transport;

/// Serves on stdin and stdout until `exit`. Returns whether `shutdown`
/// came before it (exit status 0) or not (1), as the protocol asks.
pub fn serve_stdio() -> std::io::Result<bool> {
    let input = std::io::BufReader::new(std::io::stdin());
    server::run(input, std::io::stdout())
}
