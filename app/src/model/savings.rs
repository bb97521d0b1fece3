//! What the savings pages and the JSON endpoints show (shared by server and browser).
//!
//! Amounts are rounded to pence for display (`Money`); where a figure is exact but not whole
//! pence (real terms), the exact value is also given as text (`*_exact`), so the trace can be
//! checked by hand.

use crate::domain::savings::{ApportionMethod, Rag};
use crate::domain::{FinancialYear, Money};
use serde::{Deserialize, Serialize};

/// One year of a savings table (national, a sector or a body).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearRow {
    pub year: FinancialYear,
    /// Baseline of the bodies counted this year, actual spend and the saving (on the basis).
    pub baseline: Money,
    pub actual: Money,
    pub saving: Money,
    /// From 2012-13; `None` before.
    pub cumulative: Option<Money>,
    /// The target for the scope on the same basis as the saving (cash in nominal terms, at the
    /// base year's prices in real terms), and its running total.
    pub target: Option<Money>,
    pub cumulative_target: Option<Money>,
    /// The saving against the target, both on the basis shown (`NoTarget` without a target).
    pub rag: Rag,
    /// The baseline of the bodies counted as a share of the review's published baseline for
    /// the scope (national, or the sector's), like "81.2%".
    pub baseline_share: Option<String>,
    pub bodies_counted: usize,
    pub bodies_provisional: usize,
    /// Bodies that answered for the year (existed on 1 April; within the scope).
    pub bodies_existing: usize,
}

/// A published baseline beside the sum of the bodies' recorded ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoverageRow {
    pub label: String,
    pub published: Money,
    pub source: String,
    pub recorded: Money,
    /// Recorded as a percentage of published, to one decimal place.
    pub percent: Option<String>,
    pub bodies_with_baseline: usize,
}

/// A body in the RAG table of a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BodyRagRow {
    pub code: String,
    pub name: String,
    pub sector: String,
    pub saving: Option<Money>,
    pub target: Money,
    pub rag: Rag,
    pub provisional: bool,
    pub explanation: Option<String>,
}

/// Initiative-based savings of a class in a year (never added to spend-based ones).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassRow {
    pub class: String,
    pub gross: Money,
    pub one_off: Money,
    pub net: Money,
}

/// One category's figures in a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryRow {
    pub code: String,
    pub name: String,
    pub group: String,
    pub baseline: Money,
    pub actual: Money,
    pub saving: Money,
}

/// The national or sector savings summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavingsSummary {
    pub basis: String,
    pub basis_label: String,
    pub base_years: Vec<FinancialYear>,
    pub sector: Option<String>,
    pub sectors: Vec<(String, String)>,
    pub profile: String,
    pub profiles: Vec<String>,
    pub method: ApportionMethod,
    pub years: Vec<YearRow>,
    /// The year of the bodies' table and the initiatives.
    pub year: Option<FinancialYear>,
    pub bodies: Vec<BodyRagRow>,
    /// The year's spend-based figures by category (same bodies and basis as `years`).
    pub categories: Vec<CategoryRow>,
    pub initiatives: Vec<ClassRow>,
    /// How many claims are left out because another claim counts the same saving.
    pub double_counts: usize,
    pub excluded_claims: Vec<ExcludedClaimRow>,
    /// Body-years with a return that are not counted, and why (ADR 0010).
    pub not_counted: Vec<NotCountedRow>,
    pub coverage: Vec<CoverageRow>,
    pub deflator_release: Option<String>,
    pub deflators_verified: bool,
    pub problems: Vec<String>,
    /// Whether the figures include `seed --demo`'s synthetic data.
    pub demo_data: bool,
    /// A figure reported at the time, with its source, beside what the tracker computes.
    pub reported: Vec<ReportedFigureView>,
}

/// A figure reported at the time (DOMAIN.md §7), with its source and its share of the review's
/// minimum, computed by the tracker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedFigureView {
    pub label: String,
    pub amount: Money,
    pub source: String,
    /// Of the review's five-year minimum (£870m), like "6.45%".
    pub share_of_minimum: Option<String>,
}

/// A claim left out of the totals, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludedClaimRow {
    pub body: String,
    pub title: String,
    pub reason: String,
}

/// A body-year whose return is not counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotCountedRow {
    pub code: String,
    pub name: String,
    pub year: FinancialYear,
    pub reason: String,
}

/// A year of one body's savings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BodyYearView {
    pub year: FinancialYear,
    /// "counted", "provisional", "no-return", or why the year is not counted: "outside-life",
    /// "no-baseline", "incomplete-baseline", "incomplete-return" (ADR 0010).
    pub status: String,
    /// The reason a year with a return is not counted, in words.
    pub not_counted: Option<String>,
    pub baseline: Option<Money>,
    pub actual: Option<Money>,
    pub saving: Option<Money>,
    pub cumulative: Option<Money>,
    pub target: Option<Money>,
    pub rag: Rag,
    pub explanation: Option<String>,
}

/// One part of a body's effective baseline, in words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaselineSourceView {
    pub source_code: String,
    pub source_name: String,
    pub version: i64,
    pub year: FinancialYear,
    pub via: String,
    pub total: Money,
}

/// One body's savings, year by year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BodySavings {
    pub code: String,
    pub name: String,
    pub sector: String,
    pub basis: String,
    pub basis_label: String,
    pub base_years: Vec<FinancialYear>,
    pub baseline_total: Option<Money>,
    pub baseline_own: bool,
    pub baseline_sources: Vec<BaselineSourceView>,
    pub years: Vec<BodyYearView>,
    pub may_explain: bool,
    pub may_record_baseline: bool,
    /// Initiative-based savings, shown beside the spend-based ones and never added to them.
    pub initiatives: Vec<InitiativeView>,
    pub problems: Vec<String>,
    /// The trajectory profile its targets come from (illustrative).
    pub profile: String,
    pub deflators_verified: bool,
    /// Whether the figures include `seed --demo`'s synthetic data.
    pub demo_data: bool,
}

/// An amount in a trace: where it came from, its prices, the deflation and the result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceTermView {
    pub source: String,
    pub prices: FinancialYear,
    pub amount: Money,
    pub index_from: Option<String>,
    pub index_to: Option<String>,
    pub factor: String,
    pub value_exact: String,
    pub value: Money,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceLineView {
    pub category: String,
    pub category_name: String,
    pub baseline: Vec<TraceTermView>,
    pub actual: Option<TraceTermView>,
    pub baseline_exact: String,
    pub actual_exact: String,
    pub saving_exact: String,
    pub saving: Money,
}

/// How a body's saving for a year was calculated (the page and `…/trace.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceView {
    pub org_code: String,
    pub org_name: String,
    pub year: FinancialYear,
    pub basis: String,
    pub basis_label: String,
    pub method: String,
    pub return_version: i64,
    pub provisional: bool,
    pub deflator_release: Option<String>,
    pub deflators_verified: bool,
    pub lines: Vec<TraceLineView>,
    pub baseline_exact: String,
    pub actual_exact: String,
    pub saving_exact: String,
    pub saving: Money,
    pub target: Option<Money>,
    pub target_method: String,
    pub target_working: Option<String>,
    pub rag: Rag,
    /// Why this body-year adds nothing to any total (ADR 0010), if so.
    pub not_counted: Option<String>,
    /// Whether the figures include `seed --demo`'s synthetic data (the trail says so).
    pub demo_data: bool,
}

/// A version of a body's own baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaselineVersionView {
    pub version: i64,
    pub year: FinancialYear,
    pub reason: String,
    pub recorded_at: String,
    pub recorded_by: Option<String>,
    pub amounts: Vec<(String, String, Money)>,
    pub total: Money,
    /// "proposed", "approved" or "returned": only approved versions count (ADR 0010, rule 8).
    pub status: String,
    /// Why the programme office returned it.
    pub decision_reason: Option<String>,
    /// For a proposed version, shown to the programme office: what approving it would do to
    /// every year's saving already reported (the body and its successors, nominal).
    pub effect: Vec<BaselineEffectRow>,
}

/// One year's saving before and after approving a proposed baseline (`None`: not counted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEffectRow {
    pub year: FinancialYear,
    pub before: Option<Money>,
    pub after: Option<Money>,
}

/// The baseline page of a body: its versions and the form for a new one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaselinePage {
    pub code: String,
    pub name: String,
    pub versions: Vec<BaselineVersionView>,
    pub inherited: Vec<BaselineSourceView>,
    pub may_record: bool,
    /// The programme office approves or returns proposed versions.
    pub may_decide: bool,
    /// The year and amounts the form starts with (the latest version, or a return's totals).
    pub form_year: FinancialYear,
    pub form_amounts: Vec<(String, String, String)>,
    pub prefill_note: Option<String>,
}

/// The trajectory and settings page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetsPage {
    pub profile: String,
    pub method: ApportionMethod,
    pub profiles: Vec<ProfileView>,
    pub may_edit: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfileView {
    pub name: String,
    pub years: Vec<(FinancialYear, Money, Money, String)>,
}

/// One initiative's claimed saving as a body's pages show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InitiativeView {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub class: String,
    pub evidence: String,
    pub recurring: Money,
    pub one_off: Money,
    pub first_year: FinancialYear,
    pub last_year: Option<FinancialYear>,
    pub service: Option<String>,
    pub party: String,
    pub counterparty: Option<String>,
    pub quality_note: String,
    pub payback_year: Option<FinancialYear>,
    /// Net of one-off costs, cumulative to the year shown.
    pub net_to: Option<(FinancialYear, Money)>,
    /// The bodies whose claims on the same shared service may count this saving twice.
    pub double_count_with: Vec<String>,
}

/// A body's initiatives and the form to record one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InitiativesPage {
    pub code: String,
    pub name: String,
    pub initiatives: Vec<InitiativeView>,
    /// Initiatives withdrawn by the body (not counted), newest first.
    pub withdrawn: Vec<WithdrawnInitiative>,
    pub may_record: bool,
}

/// An initiative the body withdrew: kept, with its history, but no longer counted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WithdrawnInitiative {
    pub id: i64,
    pub title: String,
    pub recurring: Money,
    /// The date it was withdrawn (YYYY-MM-DD, UTC).
    pub withdrawn_on: String,
}

/// One initiative with its history and the corrections this person may make (issue 15).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InitiativePage {
    pub code: String,
    pub name: String,
    pub id: i64,
    pub title: String,
    pub row_version: i64,
    pub withdrawn: bool,
    /// The figures as the body's initiatives list shows them (in force only).
    pub view: Option<InitiativeView>,
    /// Where an initiative the tracker recorded itself came from, and the page to correct it on
    /// (a site's closure, a shared-service adoption).
    pub source: Option<(String, String)>,
    /// The stored values, as the edit form shows them (field id, text).
    pub values: Vec<(String, String)>,
    pub may_edit: bool,
    pub may_regrade: bool,
    pub history: Vec<InitiativeVersionView>,
}

/// One version of an initiative.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InitiativeVersionView {
    pub version: i64,
    /// recorded, edited, regraded, withdrawn or ended.
    pub change: String,
    pub reason: Option<String>,
    pub title: String,
    pub class: String,
    pub evidence: String,
    pub recurring: Money,
    pub one_off: Money,
    pub years: String,
    pub withdrawn: bool,
    /// When (YYYY-MM-DD HH:MM, UTC) and by whom.
    pub changed_at: String,
    pub changed_by: Option<String>,
}

/// A merger, split, transfer or rename as the programme office sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuccessionView {
    pub predecessor_code: String,
    pub predecessor: String,
    pub successor_code: String,
    pub successor: String,
    pub effective_date: String,
    pub kind: String,
    pub share: Option<String>,
    /// Where the record comes from (an Act, an order, the body's own history).
    pub source: Option<String>,
}

/// The organisation changes page: every succession, the problems they cause, and the form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuccessionsPage {
    pub successions: Vec<SuccessionView>,
    pub problems: Vec<String>,
}

/// A RAG status's design-system tag class. Its words are `Rag::name` (one label set for pages,
/// dashboards and packs), so colour is never the only cue.
pub fn rag_tag_class(rag: Rag) -> &'static str {
    match rag {
        Rag::Green => "ds_tag ds_tag--green",
        Rag::Amber => "ds_tag ds_tag--orange",
        Rag::Red => "ds_tag ds_tag--red",
        Rag::NotReported | Rag::NoTarget => "ds_tag ds_tag--grey",
    }
}
