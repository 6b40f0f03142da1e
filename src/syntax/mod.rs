//! Syntax: the pest grammar (`grammar/campaign.pest`) turned into the typed
//! tree of [`ast`]. Nothing semantic happens here.

pub mod ast;
