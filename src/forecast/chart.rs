//! The chart of sends per day per channel (all the report's campaigns
//! together), as an SVG document drawn with `plotters` (its SVG backend
//! only: no fonts are loaded, the text is SVG `<text>`).

use std::collections::BTreeMap;

use plotters::prelude::*;

use super::Report;

/// One line per channel over every day of the period (days without a send
/// count 0). `Err` says why plotters could not draw.
pub fn sends_svg(report: &Report) -> Result<String, String> {
    let mut days = vec![report.period.from];
    while let Some(next) = days.last().and_then(|d| d.tomorrow().ok()) {
        if next > report.period.to {
            break;
        }
        days.push(next);
    }
    let index: BTreeMap<_, usize> = days.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let mut series: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for (_, c) in &report.campaigns {
        for ((day, _, channel, _), n) in &c.sends {
            let counts = series
                .entry(channel.as_str())
                .or_insert_with(|| vec![0; days.len()]);
            if let Some(i) = index.get(day) {
                counts[*i] += n;
            }
        }
    }
    let max = series.values().flatten().copied().max().unwrap_or(0).max(1);
    let mut svg = String::new();
    draw(&mut svg, &days, &series, max)?;
    Ok(svg)
}

fn draw(
    svg: &mut String,
    days: &[jiff::civil::Date],
    series: &BTreeMap<&str, Vec<u64>>,
    max: u64,
) -> Result<(), String> {
    let root = SVGBackend::with_string(svg, (960, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(text)?;
    let last = days.len().saturating_sub(1).max(1) as i64;
    let mut chart = ChartBuilder::on(&root)
        .caption("Sends per day by channel", ("sans-serif", 20))
        .margin(16)
        .margin_right(48)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(0i64..last, 0u64..max + max / 10 + 1)
        .map_err(text)?;
    let label = |i: &i64| {
        days.get(*i as usize)
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .x_labels(days.len().min(8))
        .x_label_formatter(&label)
        .y_desc("sends")
        .draw()
        .map_err(text)?;
    for (i, (channel, counts)) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let points = counts.iter().enumerate().map(|(x, y)| (x as i64, *y));
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))
            .map_err(text)?
            .label(*channel)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE)
        .border_style(BLACK)
        .draw()
        .map_err(text)?;
    root.present().map_err(text)?;
    Ok(())
}

fn text(error: impl std::fmt::Display) -> String {
    error.to_string()
}
