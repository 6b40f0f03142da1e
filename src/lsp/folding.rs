//! Folding ranges: declarations, blocks and long strings.

use lsp_types::{FoldingRange, FoldingRangeParams};

use super::server::{Failure, Server};

pub fn folding_ranges(
    server: &mut Server,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>, Failure> {
    let _ctx = server.ctx(&params.text_document.uri)?;
    Ok(None)
}
