//! Charts drawn on the server as SVG by plotters, and their CSV.
//!
//! Policy (issue 8): no JavaScript charting. Each SVG carries `role="img"`, a `<title>` and a
//! `<desc>` for screen readers; the colours are the Okabe–Ito colour-blind-safe palette, each at
//! least 3:1 against white; colour is never the only cue: series differ by line dash and marker
//! shape, lines are labelled at their ends, bars carry their values, and a legend names each
//! series. The page shows the same figures as a table, and the CSV holds exactly the plotted
//! values (exact decimals, not the floats used for drawing). Drawing never panics: a chart that
//! cannot be drawn becomes an SVG saying so, and the table still has the figures.

use crate::model::chart::{Chart, ChartKind, Series, SeriesStyle};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// The drawing's size in SVG user units (the page scales it to its column).
pub const SIZE: (u32, u32) = (760, 380);

/// Okabe–Ito blue, vermillion, bluish green, and black: each ≥ 3:1 against white.
const PALETTE: [RGBColor; 4] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0x00, 0x00, 0x00),
];
/// The design system's text colour.
const TEXT: RGBColor = RGBColor(0x33, 0x33, 0x33);
const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
const FONT: &str = "sans-serif";

pub use crate::util::escape;

/// A value as the axis and labels show it: pounds in millions, other units as they are.
fn shown(value: f64, unit: &str) -> String {
    if unit == "£" {
        let m = value / 1_000_000.0;
        if m.abs() >= 100.0 {
            format!("£{m:.0}m")
        } else {
            format!("£{m:.1}m")
        }
    } else if value.abs() >= 100.0 || value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

fn as_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// The chart as an accessible SVG document fragment.
pub fn svg(chart: &Chart) -> String {
    let mut buf = String::new();
    let drawn = draw(chart, &mut buf);
    let body = match drawn {
        Ok(()) => buf,
        Err(e) => {
            tracing::warn!(chart = %chart.id, error = %e, "a chart could not be drawn");
            format!(
                r#"<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg"><text x="20" y="40" font-family="{FONT}" font-size="16">The chart could not be drawn; the table has its figures.</text></svg>"#,
                w = SIZE.0,
                h = SIZE.1
            )
        }
    };
    accessible(chart, &body)
}

/// Replaces the SVG's opening tag with one that names the chart for assistive technology.
fn accessible(chart: &Chart, svg: &str) -> String {
    let id = escape(&chart.id);
    let start = svg.find("<svg").unwrap_or(0);
    let end = svg[start..].find('>').map_or(0, |e| start + e + 1);
    format!(
        r#"<svg class="tracker-chart" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{rest}"#,
        w = SIZE.0,
        h = SIZE.1,
        title = escape(&chart.title),
        desc = escape(&chart.description),
        rest = &svg[end..]
    )
}

type Coords = Cartesian2d<
    plotters::coord::ranged1d::SegmentedCoord<plotters::coord::types::RangedCoordusize>,
    plotters::coord::types::RangedCoordf64,
>;
type BarCoords = Cartesian2d<
    plotters::coord::types::RangedCoordf64,
    plotters::coord::ranged1d::SegmentedCoord<plotters::coord::types::RangedCoordusize>,
>;

/// The value axis: from 0 (or below the lowest negative value) to the highest value, with
/// `headroom` (a fraction of the span) above it for the legend or the value labels.
fn value_range(chart: &Chart, headroom: f64) -> (f64, f64) {
    let (lo, hi) = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .map(|v| as_f64(*v))
        .fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let span = if hi - lo <= 0.0 { 1.0 } else { hi - lo };
    (
        if lo < 0.0 { lo - span * 0.1 } else { 0.0 },
        hi + span * headroom,
    )
}

fn draw(chart: &Chart, buf: &mut String) -> Result<(), String> {
    if chart.categories.is_empty() {
        return Err("no categories".into());
    }
    let root = SVGBackend::with_string(buf, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|x| x.to_string())?;
    match chart.kind {
        ChartKind::Line => draw_lines(chart, &root)?,
        ChartKind::Bar => draw_bars(chart, &root)?,
    }
    root.present().map_err(|x| x.to_string())?;
    Ok(())
}

type Area<'b> = DrawingArea<SVGBackend<'b>, plotters::coord::Shift>;

/// Years across, values up: one line per series, labelled at its end, with a legend.
fn draw_lines(chart: &Chart, root: &Area<'_>) -> Result<(), String> {
    let e = |x: &dyn std::fmt::Display| x.to_string();
    let n = chart.categories.len();
    let (lo, hi) = value_range(chart, 0.35);
    let mut ctx = ChartBuilder::on(root)
        .margin(14)
        .margin_right(190)
        .x_label_area_size(44)
        .y_label_area_size(78)
        .build_cartesian_2d((0..n.saturating_sub(1)).into_segmented(), lo..hi)
        .map_err(|x| e(&x))?;
    let categories = chart.categories.clone();
    let x_format = move |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) => categories.get(*i).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let unit = chart.unit.clone();
    let y_format = |v: &f64| shown(*v, &unit);
    ctx.configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(TEXT)
        .x_labels(n)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .y_labels(6)
        .x_desc(chart.category_label.as_str())
        .y_desc(axis_title(chart))
        .label_style((FONT, 17).into_font().color(&TEXT))
        .axis_desc_style((FONT, 17).into_font().color(&TEXT))
        .draw()
        .map_err(|x| e(&x))?;
    for (k, series) in chart.series.iter().enumerate() {
        line(&mut ctx, series, PALETTE[k % PALETTE.len()])?;
    }
    ctx.configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(TEXT)
        .label_font((FONT, 17).into_font().color(&TEXT))
        .draw()
        .map_err(|x| e(&x))?;
    Ok(())
}

fn axis_title(chart: &Chart) -> &str {
    if chart.unit == "£" {
        "£ million"
    } else {
        chart.unit.as_str()
    }
}

/// Categories down, values across (long category names stay readable): one bar per category
/// for the first series, each with its value written beside it.
fn draw_bars(chart: &Chart, root: &Area<'_>) -> Result<(), String> {
    let e = |x: &dyn std::fmt::Display| x.to_string();
    let n = chart.categories.len();
    let (lo, hi) = value_range(chart, 0.2);
    let mut ctx = ChartBuilder::on(root)
        .margin(14)
        .margin_right(24)
        .x_label_area_size(44)
        .y_label_area_size(300)
        .build_cartesian_2d(lo..hi, (0..n.saturating_sub(1)).into_segmented())
        .map_err(|x| e(&x))?;
    // The first category at the top.
    let categories = chart.categories.clone();
    let y_format = move |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) => categories
            .get(n.saturating_sub(1 + *i))
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    };
    let unit = chart.unit.clone();
    let x_format = |v: &f64| shown(*v, &unit);
    ctx.configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(TEXT)
        .y_labels(n)
        .y_label_formatter(&y_format)
        .x_label_formatter(&x_format)
        .x_labels(6)
        .x_desc(axis_title(chart))
        .label_style((FONT, 17).into_font().color(&TEXT))
        .axis_desc_style((FONT, 17).into_font().color(&TEXT))
        .draw()
        .map_err(|x| e(&x))?;
    if let Some(series) = chart.series.first() {
        bars(&mut ctx, series, PALETTE[0], &chart.unit)?;
    }
    Ok(())
}

type DrawResult = Result<(), String>;

fn bars<'a, 'b: 'a>(
    ctx: &mut ChartContext<'a, SVGBackend<'b>, BarCoords>,
    series: &Series,
    colour: RGBColor,
    unit: &str,
) -> DrawResult {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let n = series.values.len();
    let fill = colour.filled();
    let bars: Vec<(usize, f64)> = series
        .values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (n.saturating_sub(1 + i), as_f64(v))))
        .collect();
    ctx.draw_series(bars.iter().map(|(i, v)| {
        let mut bar = Rectangle::new(
            [
                (0.0, SegmentValue::Exact(*i)),
                (*v, SegmentValue::Exact(*i + 1)),
            ],
            fill,
        );
        bar.set_margin(6, 6, 0, 0);
        bar
    }))
    .map_err(|x| x.to_string())?;
    let text = (FONT, 16).into_font().color(&TEXT);
    let unit = unit.to_owned();
    ctx.draw_series(bars.iter().map(|(i, v)| {
        let negative = *v < 0.0;
        EmptyElement::at((*v, SegmentValue::CenterOf(*i)))
            + Text::new(
                shown(*v, &unit),
                (if negative { -6 } else { 6 }, 0),
                text.clone().pos(Pos::new(
                    if negative { HPos::Right } else { HPos::Left },
                    VPos::Center,
                )),
            )
    }))
    .map_err(|x| x.to_string())?;
    Ok(())
}

fn line<'a, 'b: 'a>(
    ctx: &mut ChartContext<'a, SVGBackend<'b>, Coords>,
    series: &Series,
    colour: RGBColor,
) -> DrawResult {
    let style = colour.stroke_width(3);
    // Runs of consecutive figures: a missing year breaks the line rather than drawing it as 0.
    let mut runs: Vec<Vec<(SegmentValue<usize>, f64)>> = vec![Vec::new()];
    for (i, v) in series.values.iter().enumerate() {
        match v {
            Some(v) => runs
                .last_mut()
                .map(|r| r.push((SegmentValue::CenterOf(i), as_f64(*v))))
                .unwrap_or_default(),
            None => runs.push(Vec::new()),
        }
    }
    let mut first = true;
    for run in runs.iter().filter(|r| !r.is_empty()) {
        let drawn = match series.style {
            SeriesStyle::Actual => ctx
                .draw_series(LineSeries::new(run.clone(), style))
                .map_err(|x| x.to_string())?,
            SeriesStyle::Target => ctx
                .draw_series(DashedLineSeries::new(run.clone(), 10, 6, style))
                .map_err(|x| x.to_string())?,
            SeriesStyle::Other => ctx
                .draw_series(DashedLineSeries::new(run.clone(), 3, 5, style))
                .map_err(|x| x.to_string())?,
        };
        if first {
            let kind = series.style;
            drawn
                .label(series.name.as_str())
                .legend(move |(x, y)| marker(kind, (x + 7, y), colour));
            first = false;
        }
        ctx.draw_series(run.iter().map(|(x, y)| {
            let kind = series.style;
            EmptyElement::at((x.clone(), *y)) + marker(kind, (0, 0), colour)
        }))
        .map_err(|x| x.to_string())?;
    }
    // The series' name beside its last point.
    if let Some((x, y)) = runs.iter().flatten().last() {
        ctx.draw_series(std::iter::once(
            EmptyElement::at((x.clone(), *y))
                + Text::new(
                    series.name.clone(),
                    (8, -14),
                    (FONT, 16).into_font().color(&colour),
                ),
        ))
        .map_err(|x| x.to_string())?;
    }
    Ok(())
}

/// A series' marker: circle, triangle or square, so that shape tells series apart too.
fn marker<DB: DrawingBackend>(
    kind: SeriesStyle,
    at: (i32, i32),
    colour: RGBColor,
) -> DynElement<'static, DB, (i32, i32)> {
    match kind {
        SeriesStyle::Actual => Circle::new(at, 5, colour.filled()).into_dyn(),
        SeriesStyle::Target => TriangleMarker::new(at, 6, colour.filled()).into_dyn(),
        SeriesStyle::Other => Rectangle::new(
            [(at.0 - 4, at.1 - 4), (at.0 + 4, at.1 + 4)],
            colour.filled(),
        )
        .into_dyn(),
    }
}

/// The chart's figures as CSV: the categories' column, then one column per series, with the
/// exact values plotted (empty where there is no figure). A series' heading carries its unit and
/// its marks (basis, "illustrative", "unverified", "synthetic demo data": ADR 0010, rule 10), so
/// they stay with the column wherever it is copied.
pub fn csv(chart: &Chart) -> String {
    let cell = |text: &str| crate::util::csv_cell(text);
    let mut out = String::new();
    let mut header = vec![cell(&chart.category_label)];
    header.extend(chart.series.iter().map(|s| {
        let mut about = vec![chart.unit.as_str()];
        about.extend(s.marks.iter().map(String::as_str));
        cell(&format!("{} ({})", s.name, about.join("; ")))
    }));
    out.push_str(&header.join(","));
    out.push('\n');
    for (i, category) in chart.categories.iter().enumerate() {
        let mut row = vec![cell(category)];
        row.extend(chart.series.iter().map(|s| {
            s.values
                .get(i)
                .copied()
                .flatten()
                .map(|v| v.normalize().to_string())
                .unwrap_or_default()
        }));
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Chart {
        Chart {
            id: "savings-annual".into(),
            title: "Savings <by year>".into(),
            description: "Saving against target".into(),
            kind: ChartKind::Line,
            category_label: "Financial year".into(),
            unit: "£".into(),
            categories: vec!["2012-13".into(), "2013-14".into(), "2014-15".into()],
            series: vec![
                Series {
                    name: "Saving".into(),
                    style: SeriesStyle::Actual,
                    values: vec![
                        Some(Decimal::new(125_000_005, 2)),
                        None,
                        Some(Decimal::from(-3)),
                    ],
                    marks: Vec::new(),
                },
                Series {
                    name: "Target, \"low\"".into(),
                    style: SeriesStyle::Target,
                    values: vec![
                        Some(Decimal::from(60_000_000)),
                        Some(Decimal::from(120_000_000)),
                        None,
                    ],
                    marks: Vec::new(),
                },
            ],
        }
    }

    #[test]
    fn the_svg_is_named_for_screen_readers_and_escapes_text() {
        let svg = svg(&sample());
        assert!(
            svg.starts_with(r#"<svg class="tracker-chart" viewBox="0 0 760 380""#),
            "{svg}"
        );
        assert!(svg
            .contains(r#"role="img" aria-labelledby="savings-annual-title savings-annual-desc""#));
        assert!(svg.contains(r#"<title id="savings-annual-title">Savings &lt;by year&gt;</title>"#));
        assert_eq!(svg.matches("<svg").count(), 1);
        assert!(svg.trim_end().ends_with("</svg>"));
        // Both series are labelled in words, not by colour alone.
        assert!(
            svg.contains("\nSaving\n") && svg.contains("\nTarget, &quot;low&quot;\n"),
            "{svg}"
        );
        // The dashed target line and the palette's first two colours.
        assert!(svg.contains("#0072B2") && svg.contains("#D55E00"));
    }

    #[test]
    fn the_csv_holds_the_exact_values_with_gaps_left_empty() {
        assert_eq!(
            csv(&sample()),
            "Financial year,Saving (£),\"Target, \"\"low\"\" (£)\"\n2012-13,1250000.05,60000000\n2013-14,,120000000\n2014-15,-3,\n"
        );
        assert_eq!(
            sample().total(0),
            Decimal::new(125_000_005, 2) - Decimal::from(3)
        );
    }

    #[test]
    fn a_series_marks_travel_in_its_csv_heading() {
        let mut chart = sample();
        chart.series[1].marks = vec![
            "real terms at 2016-17 prices".into(),
            "illustrative trajectory profile".into(),
        ];
        let csv = csv(&chart);
        assert_eq!(
            csv.lines().next(),
            Some("Financial year,Saving (£),\"Target, \"\"low\"\" (£; real terms at 2016-17 prices; illustrative trajectory profile)\"")
        );
        // The figures are unchanged.
        assert_eq!(csv.lines().nth(1), Some("2012-13,1250000.05,60000000"));
    }

    #[test]
    fn a_chart_without_categories_says_it_could_not_be_drawn() {
        let mut chart = sample();
        chart.categories.clear();
        assert!(svg(&chart).contains("could not be drawn"));
    }
}
