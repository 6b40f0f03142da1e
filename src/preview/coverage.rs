//! `coverage.md`: the project's lifecycle stages crossed with the channels,
//! showing which campaigns reach customers of each stage on each channel,
//! and listing the empty cells as gaps.

use super::mermaid::channel_key;
use crate::check::model::Channel;
use crate::plan::format::Plan;

/// The coverage report in Markdown (ends with a newline).
pub fn coverage_markdown(stages: &[String], plans: &[Plan]) -> String {
    let cell = |stage: &str, channel: Channel| -> Vec<&str> {
        let mut names: Vec<&str> = plans
            .iter()
            .filter(|p| p.stage == stage)
            .filter(|p| {
                p.messages
                    .values()
                    .any(|m| channel_key(m.channel) == channel.as_str())
            })
            .map(|p| p.campaign.as_str())
            .collect();
        names.sort_unstable();
        names
    };
    let total = stages.len() * Channel::ALL.len();
    let mut covered = 0;
    let mut gaps = Vec::new();
    let mut table = String::from("| Stage |");
    for c in Channel::ALL {
        table.push_str(&format!(" {} |", c.as_str()));
    }
    table.push_str("\n|---|");
    table.push_str(&"---|".repeat(Channel::ALL.len()));
    table.push('\n');
    for stage in stages {
        table.push_str(&format!("| `{stage}` |"));
        for c in Channel::ALL {
            let names = cell(stage, c);
            if names.is_empty() {
                table.push_str(" — |");
                gaps.push(format!(
                    "- No campaign reaches `{stage}` customers by {}",
                    c.as_str()
                ));
            } else {
                covered += 1;
                let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                table.push_str(&format!(" {} |", list.join(", ")));
            }
        }
        table.push('\n');
    }
    let mut out = String::from("# Lifecycle coverage\n\n");
    out.push_str(&format!("{covered} of {total} cells covered.\n\n"));
    out.push_str(
        "Each cell lists the campaigns of that lifecycle stage that send on that channel.\n\n",
    );
    out.push_str(&table);
    out.push_str("\n## Gaps\n\n");
    if gaps.is_empty() {
        out.push_str("None: every stage is reached on every channel.\n");
    }
    for g in gaps {
        out.push_str(&g);
        out.push('\n');
    }
    out
}
