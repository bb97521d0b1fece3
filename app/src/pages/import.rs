//! Importing a spreadsheet return: the upload form, then the validation report and preview of
//! what will change, then the commit. The upload is a plain multipart form (it works without
//! JavaScript); an error comes back in the query string.

use crate::api::import::{get_import_preview, CommitImport};
use crate::api::returns::return_path;
use crate::components::error_page::view_or_error;
use crate::components::forms::ErrorSummary;
use crate::components::page_header::PageHeader;
use crate::domain::spend_line::SpendLine;
use crate::domain::{FinancialYear, Money};
use crate::error::AppError;
use crate::model::import::{ChangeKind, ImportPreview, Problem, RecordChange};
use crate::model::CurrentUser;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/import`: choose the body, the year and the file.
#[component]
pub fn ImportPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| crate::api::auth::get_current_user());
    view! {
        <PageHeader title="Import a spreadsheet return" label="Spend returns" />
        <div class="ds_layout__content">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(user)) => view! { <UploadForm user /> }.into_any(),
                        Ok(None) => view! { <crate::components::error_page::ErrorPage error=AppError::Unauthorized /> }.into_any(),
                        Err(error) => view! { <crate::components::error_page::ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

fn default_year() -> String {
    FinancialYear::containing(chrono::Utc::now().date_naive())
        .ok()
        .and_then(FinancialYear::previous)
        .map(|y| y.to_string())
        .unwrap_or_default()
}

#[component]
fn UploadForm(user: CurrentUser) -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let error = {
        let message = param("error");
        (!message.is_empty()).then(|| {
            let field = param("field");
            AppError::validation(
                if field.is_empty() {
                    "file".to_owned()
                } else {
                    field
                },
                message,
            )
        })
    };
    let chosen_org = param("org");
    let fy = Some(param("fy"))
        .filter(|f| !f.is_empty())
        .unwrap_or_else(default_year);
    if user.organisations.is_empty() {
        return view! {
            <p id="no-organisations">"Only a body's finance officers import its returns, and your account belongs to no body. The programme office can add you to one."</p>
            <p><a href="/returns/template.xlsx">"Download the blank template"</a>" (Excel, .xlsx)"</p>
        }
        .into_any();
    }
    let options = user
        .organisations
        .iter()
        .map(|o| {
            view! { <option value=o.code.clone() selected=o.code == chosen_org>{o.name.clone()}</option> }
        })
        .collect_view();
    let field_error = |field: &str| {
        error
            .as_ref()
            .and_then(|e| crate::components::forms::message_for(Some(e), field))
    };
    let (org_error, fy_error, file_error) =
        (field_error("org"), field_error("fy"), field_error("file"));
    let question = |has_error: bool| {
        if has_error {
            "ds_question ds_question--error"
        } else {
            "ds_question"
        }
    };
    let (org_class, fy_class, file_class) = (
        question(org_error.is_some()),
        question(fy_error.is_some()),
        question(file_error.is_some()),
    );
    let first_org = user.organisations[0].code.clone();
    view! {
        {error.clone().map(|error| view! { <ErrorSummary error default_field="file" /> })}
        <p>"Upload your body's ICT spend for a financial year as a spreadsheet. You will see every problem with its cell, and what will change, before anything is saved."</p>
        <p>
            <a href="/returns/template.xlsx" id="blank-template">"Download the template"</a>
            " (Excel, .xlsx), or "
            <a href=format!("/returns/{first_org}/{fy}/template.xlsx") id="prefilled-template">"the template filled in for your body with last year's figures"</a>
            "."
        </p>
        <form method="post" action="/import/upload" enctype="multipart/form-data" id="upload-form" novalidate="novalidate">
            <div class=org_class>
                <label class="ds_label" for="org">"Organisation"</label>
                {org_error.map(|m| view! { <p class="ds_question__error-message" id="org-error">{m}</p> })}
                <div class="ds_select-wrapper">
                    <select class="ds_select" id="org" name="org">{options}</select>
                    <span class="ds_select-arrow" aria-hidden="true"></span>
                </div>
            </div>
            <div class=fy_class>
                <label class="ds_label" for="fy">"Financial year"</label>
                <p class="ds_hint-text" id="fy-hint">"For example 2013-14"</p>
                {fy_error.map(|m| view! { <p class="ds_question__error-message" id="fy-error">{m}</p> })}
                <input class="ds_input ds_input--fixed-10" type="text" id="fy" name="fy" value=fy aria-describedby="fy-hint" />
            </div>
            <div class=file_class>
                <label class="ds_label" for="file">"Spreadsheet"</label>
                <p class="ds_hint-text" id="file-hint">".xlsx, .xlsm, .xls, .ods or .csv, up to the size the tracker is set to accept (10 MB unless changed)"</p>
                {file_error.map(|m| view! { <p class="ds_question__error-message" id="file-error">{m}</p> })}
                <input class="ds_file-upload" type="file" id="file" name="file" accept=".xlsx,.xlsm,.xls,.ods,.csv" aria-describedby="file-hint" />
            </div>
            <button type="submit" class="ds_button" id="upload">"Upload and check"</button>
        </form>
    }
    .into_any()
}

/// `/import/TOKEN`: the validation report and the preview; the commit form when it may go in.
#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let commit = ServerAction::<CommitImport>::new();
    let preview = Resource::new(
        move || {
            (
                params.read().get("token").unwrap_or_default(),
                commit.version().get(),
            )
        },
        |(token, _)| get_import_preview(token),
    );
    let error = move || commit.value().get().and_then(Result::err);
    view! {
        <Transition fallback=|| view! { <p>"Checking the file…"</p> }>
            {move || Suspend::new(async move {
                view_or_error(preview.await, |preview| view! { <PreviewView preview error=error() commit /> })
            })}
        </Transition>
    }
}

fn money(m: Option<Money>) -> String {
    m.map_or_else(String::new, |m| m.to_string())
}

fn line_total(l: Option<&SpendLine>) -> Option<Money> {
    l.and_then(SpendLine::total)
}

fn problem_rows(problems: &[Problem]) -> impl IntoView {
    problems
        .iter()
        .map(|p| {
            view! {
                <tr>
                    <td><code>{p.cell.clone()}</code></td>
                    <td>{p.found.clone()}</td>
                    <td>{p.expected.clone()}</td>
                </tr>
            }
        })
        .collect_view()
}

fn kind_name(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::New => "New",
        ChangeKind::Changed => "Changed",
        ChangeKind::Unchanged => "Unchanged",
        ChangeKind::Removed => "Removed",
    }
}

/// The rows of an estate sheet and what each changes.
fn record_table(
    id: &'static str,
    caption: &'static str,
    subject: &'static str,
    rows: &[RecordChange],
) -> impl IntoView + use<> {
    let body = rows
        .iter()
        .map(|r| {
            view! {
                <tr data-change=kind_name(r.kind)>
                    <td><code>{r.at.clone()}</code></td>
                    <th scope="row">{r.subject.clone()}</th>
                    <td>{kind_name(r.kind)}</td>
                    <td>{r.detail.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    (!rows.is_empty()).then(|| view! {
        <table class="ds_table" id=id>
            <caption>{caption}</caption>
            <thead><tr><th scope="col">"Row"</th><th scope="col">{subject}</th><th scope="col">"Change"</th><th scope="col">"What"</th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    })
}

#[component]
fn PreviewView(
    preview: ImportPreview,
    error: Option<AppError>,
    commit: ServerAction<CommitImport>,
) -> impl IntoView {
    let fy = preview.financial_year.to_string();
    let title = format!("Check the import: {} {fy}", preview.org_name);
    let return_link = return_path(&preview.org_code, &fy);
    let sha_short = preview.sha256.get(..16).unwrap_or_default().to_owned();
    let summary_line = format!(
        "{} rows read from sheet {:?}: {} imported, {} blank, {} total rows skipped.",
        preview.rows_read,
        preview.sheet,
        preview.rows_imported,
        preview.blank_rows,
        preview.total_rows.len()
    );
    let errors = (!preview.errors.is_empty()).then(|| {
        let count = preview.errors.len();
        view! {
            <div class="ds_error-summary" role="alert" aria-labelledby="import-errors-title" id="import-errors" tabindex="-1">
                <h2 class="ds_error-summary__title" id="import-errors-title">{format!("{count} problems to fix in the file")}</h2>
                <p>"Nothing has been imported. Correct these cells, save, and upload the file again."</p>
            </div>
            <table class="ds_table" id="error-table">
                <caption>"Problems (these stop the import)"</caption>
                <thead><tr><th scope="col">"Cell"</th><th scope="col">"Found"</th><th scope="col">"Expected"</th></tr></thead>
                <tbody>{problem_rows(&preview.errors)}</tbody>
            </table>
        }
    });
    let warnings = (!preview.warnings.is_empty()).then(|| {
        view! {
            <table class="ds_table" id="warning-table">
                <caption>"Warnings (read and confirm them before importing)"</caption>
                <thead><tr><th scope="col">"Where"</th><th scope="col">"Found"</th><th scope="col">"Needed"</th></tr></thead>
                <tbody>{problem_rows(&preview.warnings)}</tbody>
            </table>
        }
    });
    let notices = {
        let mut items: Vec<String> = preview
            .total_rows
            .iter()
            .map(|c| format!("Total row at {c} skipped"))
            .collect();
        items.extend(
            preview
                .ignored_columns
                .iter()
                .map(|c| format!("Column {c} ignored")),
        );
        (!items.is_empty()).then(|| {
            let list = items
                .into_iter()
                .map(|i| view! { <li>{i}</li> })
                .collect_view();
            view! { <ul id="import-notices">{list}</ul> }
        })
    };
    let sites = record_table(
        "site-changes",
        "Data centres: what will change",
        "Site",
        &preview.sites,
    );
    let adoptions = record_table(
        "adoption-changes",
        "Shared services: what will change",
        "Service",
        &preview.adoptions,
    );
    let spend_in_file = preview.spend_in_file;
    let changes = preview
        .changes
        .iter()
        .map(|c| {
            let kind = kind_name(c.kind);
            view! {
                <tr data-category=c.category.code() data-change=kind>
                    <th scope="row">{c.category.name()}</th>
                    <td>{kind}</td>
                    <td class="tracker-number">{money(line_total(c.before.as_ref()))}</td>
                    <td class="tracker-number">{money(line_total(c.after.as_ref()))}</td>
                </tr>
            }
        })
        .collect_view();
    // Income has its own row, after the spend total: it is never part of it (ADR 0010, rule 6).
    let income = preview.income.clone().map(|c| {
        let kind = kind_name(c.kind);
        let total = |i: Option<&crate::domain::income::Income>| {
            i.and_then(crate::domain::income::Income::total)
                .map_or_else(|| "-".to_owned(), |m| m.to_string())
        };
        view! {
            <tr data-category=crate::domain::income::INCOME_CODE data-change=kind id="income-change">
                <th scope="row">"Income (recorded beside the spend, not in its total)"</th>
                <td>{kind}</td>
                <td class="tracker-number">{total(c.before.as_ref())}</td>
                <td class="tracker-number">{total(c.after.as_ref())}</td>
            </tr>
        }
    });
    let state = if let Some(at) = preview.committed_at.clone() {
        view! { <div class="ds_inset-text" id="already-committed"><div class="ds_inset-text__text">{format!("This upload was imported at {at} (UTC).")}" "<a href=return_link.clone()>"See the return"</a></div></div> }.into_any()
    } else if let Some(reason) = preview.blocked.clone() {
        view! { <div class="ds_inset-text" id="import-blocked"><div class="ds_inset-text__text">{reason}" "<a href=return_link.clone()>"Go to the return"</a></div></div> }.into_any()
    } else if !preview.errors.is_empty() {
        view! { <p><a href="/import" class="ds_button ds_button--secondary">"Upload a corrected file"</a></p> }.into_any()
    } else {
        let nothing = preview.changes_nothing();
        let has_warnings = !preview.warnings.is_empty();
        let token = preview.token.clone();
        view! {
            {nothing.then(|| view! { <div class="ds_inset-text" id="no-changes"><div class="ds_inset-text__text">"The file holds exactly what is already stored. Importing it changes nothing."</div></div> })}
            <ActionForm action=commit attr:id="commit-form">
                <input type="hidden" name="token" value=token />
                {has_warnings.then(|| view! {
                    <div class="ds_checkbox ds_checkboxes__item">
                        <input class="ds_checkbox__input" type="checkbox" id="acknowledge" name="acknowledge" value="yes" />
                        <label class="ds_checkbox__label" for="acknowledge">"I have read the warnings"</label>
                    </div>
                })}
                <button type="submit" class="ds_button" id="commit-import">"Import these figures"</button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <PageHeader title=title label="Spreadsheet import" />
        <div class="ds_layout__content">
            {error.map(|error| view! { <ErrorSummary error default_field="commit-import" /> })}
            <dl class="ds_summary-list" id="import-file">
                <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"File"</dt><dd class="ds_summary-list__value">{preview.file_name.clone()}</dd></div>
                <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Size"</dt><dd class="ds_summary-list__value">{format!("{} bytes", preview.size_bytes)}</dd></div>
                <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"SHA-256"</dt><dd class="ds_summary-list__value"><code>{sha_short}"…"</code></dd></div>
            </dl>
            {if spend_in_file {
                view! { <p id="import-summary">{summary_line}</p> }.into_any()
            } else {
                view! { <p id="import-summary">"The file has no spend figures, so the return is not changed."</p> }.into_any()
            }}
            {errors}
            {warnings}
            {notices}
            {sites}
            {adoptions}
            <table class="ds_table" id="change-table" hidden=!spend_in_file>
                <caption>"What will change"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Change"</th>
                        <th scope="col" class="tracker-number">"Stored now"</th>
                        <th scope="col" class="tracker-number">"From the file"</th>
                    </tr>
                </thead>
                <tbody>
                    {changes}
                    <tr class="tracker-total">
                        <th scope="row">"Total"</th>
                        <td></td>
                        <td class="tracker-number" id="total-before">{preview.total_before.to_string()}</td>
                        <td class="tracker-number" id="total-after">{preview.total_after.to_string()}</td>
                    </tr>
                    {income}
                </tbody>
            </table>
            {state}
        </div>
    }
}
