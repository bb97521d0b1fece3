//! A chart's data: what the server draws as SVG, shows as a table beside it, and offers as CSV —
//! the same numbers in all three.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How a chart draws its series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChartKind {
    /// One line per series over the categories (years), each with its own marker.
    Line,
    /// One bar per category for the first series; further series as marked lines over it.
    Bar,
}

/// How a series is drawn besides its colour (so colour is never the only cue).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeriesStyle {
    /// Solid line, circle markers.
    Actual,
    /// Dashed line, triangle markers.
    Target,
    /// Dotted line, square markers.
    Other,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub style: SeriesStyle,
    /// One value per category; `None` where there is no figure (never drawn as zero).
    pub values: Vec<Option<Decimal>>,
    /// What must travel with these figures wherever they go (ADR 0010, rule 10): their basis,
    /// and "illustrative", "unverified" or "synthetic demo data" where that is so. The CSV puts
    /// them in the series' column heading.
    #[serde(default)]
    pub marks: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Stable identifier: the CSV's name and the SVG's element ids.
    pub id: String,
    pub title: String,
    /// What the chart shows, in words, for screen readers and the page.
    pub description: String,
    pub kind: ChartKind,
    /// The categories' heading (the CSV's first column), e.g. "Financial year".
    pub category_label: String,
    /// The values' unit, e.g. "£ million".
    pub unit: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

impl Chart {
    /// The total of a series over every category (the figures the CSV must add up to).
    pub fn total(&self, series: usize) -> Decimal {
        self.series
            .get(series)
            .map(|s| s.values.iter().flatten().copied().sum())
            .unwrap_or_default()
    }
}

/// A chart with its drawing: the SVG is rendered on the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartView {
    pub chart: Chart,
    pub svg: String,
    /// Where the CSV of exactly the plotted data is downloaded.
    pub csv_href: String,
}
