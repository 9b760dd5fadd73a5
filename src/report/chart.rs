//! The briefing's charts as inline SVG, drawn to be read on paper: axes with labelled ticks, the
//! value written on every bar, dark ink on white, text at 8–9 pt when the page is printed.

use super::html::esc;
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;

/// Days a time chart shows one bar each; a longer period is drawn by week (a bar per day would
/// be thinner than a line of print).
pub(super) const MAX_DAILY_BARS: i64 = 92;

/// Rows a bar chart of countries or languages shows; the rest are summed into "Other".
pub(super) const MAX_BAR_ROWS: usize = 10;

/// Labels on the time axis: more would overlap at print size.
const MAX_DATE_LABELS: usize = 8;

const INK: &str = "#1f2933";
const BAR: &str = "#3b6ea8";
const LINE: &str = "#c2571a";
const GRID: &str = "#d9dee3";

/// A tick step of 1, 2 or 5 × 10ⁿ giving at most `max_ticks` steps up to `max`.
fn nice_step(max: usize, max_ticks: usize) -> usize {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if max.div_ceil(step * m) <= max_ticks {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// Placements over time: a bar per day (per week past [`MAX_DAILY_BARS`] days) with its count,
/// and the running total as a line on its own right-hand axis.
pub(super) fn over_time(by_day: &[(NaiveDate, usize)]) -> String {
    let (Some(first), Some(last)) = (by_day.first().map(|d| d.0), by_day.last().map(|d| d.0)) else {
        return String::new();
    };
    let weekly = (last - first).num_days() >= MAX_DAILY_BARS;
    let bucket_start = |d: NaiveDate| {
        if weekly {
            d - chrono::Days::new(u64::from(d.weekday().num_days_from_monday()))
        } else {
            d
        }
    };
    let step_days = if weekly { 7 } else { 1 };
    let start = bucket_start(first);
    let buckets = ((bucket_start(last) - start).num_days() / step_days + 1) as usize;
    let mut counts = vec![0usize; buckets];
    for (d, n) in by_day {
        let i = ((bucket_start(*d) - start).num_days() / step_days) as usize;
        counts[i.min(buckets - 1)] += n;
    }
    let total: usize = counts.iter().sum();
    let max = counts.iter().copied().max().unwrap_or(1).max(1);

    let (width, height) = (720.0, 240.0);
    // The top margin holds the titles above the tallest bar's value.
    let (left, right, top, bottom) = (40.0, 50.0, 34.0, 40.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let step = nice_step(max, 5);
    let axis_max = max.div_ceil(step) * step;
    let y = |v: f64| top + plot_h - plot_h * v / axis_max as f64;
    let cum_step = nice_step(total, 5);
    let cum_max = total.div_ceil(cum_step) * cum_step;
    let cy = |v: f64| top + plot_h - plot_h * v / cum_max as f64;
    let slot = plot_w / buckets as f64;
    let unit = if weekly { "week" } else { "day" };

    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Placements per {unit} and cumulative\" \
         font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\" fill=\"{INK}\">"
    );
    // Left axis: placements per bucket, with grid lines.
    let mut v = 0;
    while v <= axis_max {
        let yy = y(v as f64);
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"{GRID}\" stroke-width=\"0.8\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v}</text>",
            left + plot_w,
            left - 5.0,
            yy + 4.0
        );
        v += step;
    }
    // Right axis: the running total.
    let mut v = 0;
    while v <= cum_max {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{LINE}\">{v}</text>",
            left + plot_w + 5.0,
            cy(v as f64) + 4.0
        );
        v += cum_step;
    }
    let _ = write!(
        svg,
        "<text x=\"{left}\" y=\"12\" font-weight=\"bold\">Placements per {unit}</text>\
         <text x=\"{:.1}\" y=\"12\" text-anchor=\"end\" font-weight=\"bold\" fill=\"{LINE}\">Cumulative</text>",
        width
    );
    let label_values = slot >= 12.0;
    let mut points = Vec::with_capacity(buckets);
    let mut running = 0;
    for (i, n) in counts.iter().enumerate() {
        let x = left + i as f64 * slot;
        running += n;
        points.push((x + slot / 2.0, cy(running as f64)));
        if *n == 0 {
            continue;
        }
        let top_y = y(*n as f64);
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{top_y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{BAR}\"/>",
            x + slot * 0.15,
            (slot * 0.7).max(1.0),
            top + plot_h - top_y
        );
        if label_values {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"bold\">{n}</text>",
                x + slot / 2.0,
                top_y - 3.0
            );
        }
    }
    // Axes drawn over the bars.
    axes(&mut svg, left, top, plot_w, plot_h);
    let path: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
    let _ = write!(
        svg,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{LINE}\" stroke-width=\"2\"/>",
        path.join(" ")
    );
    if let Some((x, yy)) = points.last() {
        // Above the point, unless the last bar's own count stands there: then below it, on a
        // white halo so it reads over the bar.
        let label_y = if label_values && *yy < top + 16.0 {
            yy + 14.0
        } else {
            yy - 5.0
        };
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{yy:.1}\" r=\"3\" fill=\"{LINE}\"/>\
             <text x=\"{:.1}\" y=\"{label_y:.1}\" text-anchor=\"end\" fill=\"{LINE}\" font-weight=\"bold\" \
             stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">{total}</text>",
            x - 5.0
        );
    }
    // Date labels under the axis, evenly spaced, the first and last always.
    let every = buckets.div_ceil(MAX_DATE_LABELS).max(1);
    for i in (0..buckets).filter(|i| i % every == 0 || *i == buckets - 1) {
        if i == buckets - 1 && i % every != 0 && i % every < every / 2 + 1 {
            // Too close to the label before it.
            continue;
        }
        let d = start + chrono::Days::new((i as i64 * step_days) as u64);
        let label = if i == 0 || d.month() == 1 && d.day() <= step_days as u32 {
            d.format("%-d %b %Y").to_string()
        } else {
            d.format("%-d %b").to_string()
        };
        let x = left + i as f64 * slot + slot / 2.0;
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{INK}\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{label}</text>",
            top + plot_h,
            top + plot_h + 4.0,
            top + plot_h + 16.0
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text></svg>",
        left + plot_w / 2.0,
        height - 4.0,
        if weekly {
            "Week starting (Monday)"
        } else {
            "Publication date"
        }
    );
    svg
}

/// Horizontal bars, largest first, each with its name and count; rows past [`MAX_BAR_ROWS`] are
/// summed into one "Other" row.
pub(super) fn bars(title: &str, rows: &[(String, usize)]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut shown: Vec<(String, usize)> = rows.iter().take(MAX_BAR_ROWS).cloned().collect();
    if rows.len() > MAX_BAR_ROWS {
        let rest = &rows[MAX_BAR_ROWS - 1..];
        shown.truncate(MAX_BAR_ROWS - 1);
        shown.push((format!("{} others", rest.len()), rest.iter().map(|r| r.1).sum()));
    }
    let max = shown.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let step = nice_step(max, 4);
    let axis_max = max.div_ceil(step) * step;
    let (width, row_h, label_w, top) = (350.0, 19.0, 118.0, 22.0);
    let plot_w = width - label_w - 26.0;
    let plot_h = row_h * shown.len() as f64;
    let height = top + plot_h + 22.0;
    let x = |v: f64| label_w + plot_w * v / axis_max as f64;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" \
         font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\" fill=\"{INK}\">\
         <text x=\"0\" y=\"12\" font-weight=\"bold\">{}</text>",
        esc(title),
        esc(title)
    );
    let mut v = 0;
    while v <= axis_max {
        let xx = x(v as f64);
        let _ = write!(
            svg,
            "<line x1=\"{xx:.1}\" x2=\"{xx:.1}\" y1=\"{top}\" y2=\"{:.1}\" stroke=\"{GRID}\" stroke-width=\"0.8\"/>\
             <text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{v}</text>",
            top + plot_h,
            top + plot_h + 14.0
        );
        v += step;
    }
    for (i, (name, n)) in shown.iter().enumerate() {
        let yy = top + i as f64 * row_h;
        let name = crate::text::shorten(name, 20);
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{BAR}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-weight=\"bold\">{n}</text>",
            label_w - 5.0,
            yy + row_h * 0.68,
            esc(&name),
            yy + row_h * 0.15,
            (x(*n as f64) - label_w).max(1.0),
            row_h * 0.7,
            x(*n as f64) + 4.0,
            yy + row_h * 0.68
        );
    }
    axes(&mut svg, label_w, top, plot_w, plot_h);
    svg.push_str("</svg>");
    svg
}

/// The two axes of a plot area whose top left corner is (`left`, `top`), in SVG user units: the
/// vertical one on its left edge, the horizontal one along its bottom.
fn axes(svg: &mut String, left: f64, top: f64, plot_w: f64, plot_h: f64) {
    let bottom = top + plot_h;
    let _ = write!(
        svg,
        "<line x1=\"{left}\" x2=\"{left}\" y1=\"{top}\" y2=\"{bottom:.1}\" stroke=\"{INK}\"/>\
         <line x1=\"{left}\" x2=\"{:.1}\" y1=\"{bottom:.1}\" y2=\"{bottom:.1}\" stroke=\"{INK}\"/>",
        left + plot_w
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(nice_step(3, 5), 1);
        assert_eq!(nice_step(9, 5), 2);
        assert_eq!(nice_step(23, 5), 5);
        assert_eq!(nice_step(62, 5), 20);
        assert_eq!(nice_step(0, 5), 1);
    }

    #[test]
    fn a_bar_per_day_with_its_value_and_the_running_total() {
        let svg = over_time(&[(d("2021-11-12"), 2), (d("2021-11-14"), 3)]);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(">2</text>") && svg.contains(">3</text>"));
        assert!(
            svg.contains("paint-order=\"stroke\">5</text>"),
            "running total at the end"
        );
        assert!(svg.contains("12 Nov 2021") && svg.contains("14 Nov"));
        assert!(svg.contains("Publication date"));
    }

    #[test]
    fn a_long_period_is_drawn_by_week() {
        let svg = over_time(&[(d("2021-01-04"), 1), (d("2021-06-30"), 1)]);
        assert!(svg.contains("Placements per week") && svg.contains("Week starting"));
        assert_eq!(svg.matches("<rect").count(), 2);
    }

    #[test]
    fn many_rows_end_in_others() {
        let rows: Vec<(String, usize)> = (0..14).map(|i| (format!("C<{i}>"), 20 - i)).collect();
        let svg = bars("By country", &rows);
        assert_eq!(svg.matches("<rect").count(), MAX_BAR_ROWS);
        assert!(svg.contains("5 others"), "{svg}");
        assert!(svg.contains("C&lt;0&gt;") && !svg.contains("C<0>"));
    }
}
