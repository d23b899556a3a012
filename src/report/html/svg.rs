//! Inline SVG building blocks: linear scales with round ticks, and a plot frame with axes.
//! Charts are drawn in data coordinates through [`Frame`]; every text goes through
//! [`escape::html`](crate::escape::html).

use crate::escape::html;
use std::fmt::Write;

/// Width of every chart, px (the page scales it down on narrow screens).
pub const WIDTH: f64 = 640.0;
/// Margins: left (y labels), right, top, bottom (x labels).
const MARGIN: (f64, f64, f64, f64) = (72.0, 32.0, 12.0, 36.0);

/// A time tick in nanoseconds: the unit of `v` (as [`units::time`](crate::report::units::time)
/// picks it) with as many decimals as the step needs, so close ticks stay distinct.
pub fn time_tick(v: f64, step: f64) -> String {
    let magnitude = v.abs().max(step);
    let (scale, unit) = if magnitude < 1e3 {
        (1.0, "ns")
    } else if magnitude < 1e6 {
        (1e3, "µs")
    } else if magnitude < 1e9 {
        (1e6, "ms")
    } else {
        (1e9, "s")
    };
    format!("{} {unit}", fixed(v / scale, step / scale))
}

/// `v` with as many decimals as a tick step of `step` needs (0.05 -> 2 decimals).
pub fn fixed(v: f64, step: f64) -> String {
    let decimals = if step > 0.0 && step < 1.0 {
        (-step.log10() - 1e-9).ceil() as usize
    } else {
        0
    };
    let text = format!("{v:.decimals$}");
    // `-0` reads as a value below zero.
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

/// Round tick values covering `[lo, hi]`: steps of 1, 2 or 5 times a power of ten, about
/// `count` of them. Returns the ticks (first <= lo, last >= hi).
pub fn ticks(lo: f64, hi: f64, count: usize, integer: bool) -> Vec<f64> {
    if !lo.is_finite() || !hi.is_finite() {
        return vec![0.0, 1.0]; // charts drop non-finite values; this is only a backstop
    }
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        // A constant series gets a small band around its value.
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.05 };
        (lo - pad, hi + pad)
    };
    let raw = (hi - lo) / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    // Counts (samples, runs) have no ticks between integers.
    let step = if integer { step.max(1.0) } else { step };
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// A plot area mapping data coordinates to pixels, with its SVG being written.
pub struct Frame {
    height: f64,
    x: (f64, f64),
    y: (f64, f64),
    svg: String,
}

/// How a frame labels an axis.
pub struct AxisSpec<'a> {
    /// Axis title.
    pub title: &'a str,
    /// Formats a tick value; the second argument is the step between ticks.
    pub format: &'a dyn Fn(f64, f64) -> String,
    /// Whether the axis counts things (ticks at integers only).
    pub integer: bool,
}

impl<'a> AxisSpec<'a> {
    /// An axis of nanoseconds, labelled in adaptive units.
    pub fn time(title: &'a str) -> Self {
        AxisSpec {
            title,
            format: &time_tick,
            integer: false,
        }
    }

    /// An axis that counts (samples, runs): ticks at integers.
    pub fn count(title: &'a str) -> Self {
        AxisSpec {
            title,
            format: &fixed,
            integer: true,
        }
    }

    /// A plain numeric axis.
    pub fn number(title: &'a str) -> Self {
        AxisSpec {
            title,
            format: &fixed,
            integer: false,
        }
    }
}

impl Frame {
    /// A frame of `height` px whose axes span the ticks of the data ranges `x` and `y`.
    /// `kind` names the chart (`data-chart`), `label` describes it for screen readers.
    pub fn new(
        kind: &str,
        label: &str,
        height: f64,
        x: (f64, f64),
        y: (f64, f64),
        x_axis: &AxisSpec,
        y_axis: &AxisSpec,
    ) -> Frame {
        let xt = ticks(x.0, x.1, 6, x_axis.integer);
        let yt = ticks(y.0, y.1, 4, y_axis.integer);
        let mut frame = Frame {
            height,
            x: (xt[0], *xt.last().expect("ticks are never empty")),
            y: (yt[0], *yt.last().expect("ticks are never empty")),
            svg: String::new(),
        };
        let _ = write!(
            frame.svg,
            r#"<svg class="chart" data-chart="{}" role="img" aria-label="{}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">"#,
            html(kind),
            html(label)
        );
        let (left, right, top, bottom) = frame.plot_box();
        for &v in &yt {
            let py = frame.py(v);
            let _ = write!(
                frame.svg,
                r#"<line class="grid" x1="{left:.1}" x2="{right:.1}" y1="{py:.1}" y2="{py:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                left - 6.0,
                py + 4.0,
                html(&(y_axis.format)(v, yt[1] - yt[0]))
            );
        }
        for &v in &xt {
            let px = frame.px(v);
            let _ = write!(
                frame.svg,
                r#"<line class="axis" x1="{px:.1}" x2="{px:.1}" y1="{bottom:.1}" y2="{:.1}"/><text class="tick" x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                bottom + 4.0,
                bottom + 16.0,
                html(&(x_axis.format)(v, xt[1] - xt[0]))
            );
        }
        let _ = write!(
            frame.svg,
            r#"<line class="axis" x1="{left:.1}" x2="{right:.1}" y1="{bottom:.1}" y2="{bottom:.1}"/><line class="axis" x1="{left:.1}" x2="{left:.1}" y1="{top:.1}" y2="{bottom:.1}"/><text class="title" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text class="title" transform="translate(12 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
            (left + right) / 2.0,
            height - 4.0,
            html(x_axis.title),
            (top + bottom) / 2.0,
            html(y_axis.title)
        );
        frame
    }

    /// (left, right, top, bottom) of the plot area, px.
    pub fn plot_box(&self) -> (f64, f64, f64, f64) {
        (MARGIN.0, WIDTH - MARGIN.1, MARGIN.2, self.height - MARGIN.3)
    }

    /// Pixel x of data `x`.
    pub fn px(&self, x: f64) -> f64 {
        let (left, right, _, _) = self.plot_box();
        left + (x - self.x.0) / (self.x.1 - self.x.0) * (right - left)
    }

    /// Pixel y of data `y`.
    pub fn py(&self, y: f64) -> f64 {
        let (_, _, top, bottom) = self.plot_box();
        bottom - (y - self.y.0) / (self.y.1 - self.y.0) * (bottom - top)
    }

    /// Appends raw SVG (already escaped) to the plot.
    pub fn push(&mut self, element: &str) {
        self.svg.push_str(element);
    }

    /// A polyline through `points` (data coordinates) with CSS class `class`.
    pub fn polyline(&mut self, points: &[(f64, f64)], class: &str) {
        let mut d = String::new();
        for (x, y) in points {
            let _ = write!(d, "{:.1},{:.1} ", self.px(*x), self.py(*y));
        }
        let _ = write!(
            self.svg,
            r#"<polyline class="{class}" points="{}"/>"#,
            d.trim_end()
        );
    }

    /// The finished `<svg>` element.
    pub fn finish(mut self) -> String {
        self.svg.push_str("</svg>");
        self.svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(
            ticks(0.0, 10.0, 5, false),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(
            ticks(13.0, 87.0, 4, false),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(ticks(0.0, 1.0, 6, true), vec![0.0, 1.0]);
        assert_eq!(ticks(0.0, 1.0, 5, false).len(), 6);
        let t = ticks(1032.0, 1071.0, 4, false);
        assert!(t[0] <= 1032.0 && *t.last().unwrap() >= 1071.0, "{t:?}");
        assert_eq!(t[1] - t[0], 10.0);
        // A constant series still gets an axis.
        let t = ticks(5.0, 5.0, 4, false);
        assert!(
            t.len() >= 2 && t[0] < 5.0 && *t.last().unwrap() > 5.0,
            "{t:?}"
        );
        assert!(ticks(0.0, 0.0, 4, false).len() >= 2);
    }

    #[test]
    fn close_time_ticks_stay_distinct() {
        let t = ticks(24_350.0, 24_372.0, 4, false);
        let labels: Vec<String> = t.iter().map(|&v| time_tick(v, t[1] - t[0])).collect();
        assert_eq!(labels[..2], ["24.35 µs", "24.36 µs"]);
        assert_eq!(time_tick(0.0, 20_000.0), "0 µs");
        assert_eq!(time_tick(1_500_000.0, 500_000.0), "1.5 ms");
        assert_eq!(time_tick(52.0, 2.0), "52 ns");
        assert_eq!(ticks(0.0, f64::INFINITY, 4, false), [0.0, 1.0]);
    }

    #[test]
    fn tick_labels_have_the_decimals_of_their_step() {
        assert_eq!(fixed(0.15000000000000002, 0.05), "0.15");
        assert_eq!(fixed(0.1, 0.05), "0.10");
        assert_eq!(fixed(200.0, 200.0), "200");
        assert_eq!(fixed(-0.0001, 0.5), "0.0");
        assert_eq!(fixed(2.5, 0.5), "2.5");
    }

    #[test]
    fn frame_maps_the_tick_range_onto_the_plot_box() {
        let fmt = |v: f64, _: f64| format!("{v}");
        let axis = AxisSpec {
            title: "x <axis>",
            format: &fmt,
            integer: false,
        };
        let f = Frame::new(
            "t",
            "a \"label\"",
            200.0,
            (0.0, 10.0),
            (0.0, 100.0),
            &axis,
            &axis,
        );
        let (left, right, top, bottom) = f.plot_box();
        assert_eq!((f.px(0.0), f.px(10.0)), (left, right));
        assert_eq!((f.py(0.0), f.py(100.0)), (bottom, top));
        let svg = f.finish();
        assert!(svg.contains("x &lt;axis&gt;") && svg.contains("a &quot;label&quot;"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
