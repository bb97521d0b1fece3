//! Browser journeys in headless Chromium against the real server binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]
#![allow(
    clippy::too_many_lines,
    reason = "a journey reads as one scenario, start to finish (the 80-line rule is for app code)"
)]
//! Every page visited is checked with axe-core (WCAG 2.2 A and AA); any violation fails.

use fantoccini::{Client, Locator};
use std::time::Duration;
use tests::browser::{
    accessibility_violations, Browser, RunningServer, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD,
    E2E_BOARD_EMAIL, E2E_BOARD_PASSWORD, E2E_OFFICER_EMAIL, E2E_OFFICER_PASSWORD,
};

/// Waits until hydration has run: the app marks `<body data-hydrated>` from a browser-only effect.
async fn wait_for_hydration(client: &Client) -> anyhow::Result<()> {
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("body[data-hydrated='true']"))
        .await?;
    Ok(())
}

/// Waits (up to 15 s) until an element matching `css` is on the page.
async fn wait_for(client: &Client, css: &str) -> anyhow::Result<()> {
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await?;
    Ok(())
}

async fn assert_accessible(client: &Client, page: &str) -> anyhow::Result<()> {
    let violations = accessibility_violations(client).await?;
    anyhow::ensure!(
        violations.is_empty(),
        "{page} has accessibility violations:\n{}",
        violations.join("\n")
    );
    Ok(())
}

async fn text_of(client: &Client, css: &str) -> anyhow::Result<String> {
    Ok(client.find(Locator::Css(css)).await?.text().await?)
}

async fn organisations_journey(client: &Client, base: &str) -> anyhow::Result<()> {
    client.goto(&format!("{base}/organisations")).await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/organisations").await?;
    let before = text_of(client, "#organisation-count").await?;
    anyhow::ensure!(before.starts_with("Showing"), "count shown: {before}");

    // A marker on window survives only if the page is not reloaded.
    client
        .execute("window.__notReloaded = true;", vec![])
        .await?;
    client
        .find(Locator::Css("#sector"))
        .await?
        .select_by_value("nhs")
        .await?;
    click(client, "#apply-filter").await?;

    let start = std::time::Instant::now();
    let after = loop {
        let now = text_of(client, "#organisation-count").await?;
        if now != before {
            break now;
        }
        anyhow::ensure!(
            start.elapsed() < Duration::from_secs(15),
            "the list did not change: {now}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let url = client.current_url().await?;
    anyhow::ensure!(
        url.query().unwrap_or_default().contains("sector=nhs"),
        "URL keeps the filter: {url}"
    );
    let marker = client
        .execute("return window.__notReloaded === true;", vec![])
        .await?;
    anyhow::ensure!(
        marker == serde_json::json!(true),
        "the filter reloaded the page"
    );

    let sectors = client
        .execute(
            "return Array.from(document.querySelectorAll('#organisation-table tbody tr')).map(r => r.dataset.sector);",
            vec![],
        )
        .await?;
    let sectors: Vec<String> = serde_json::from_value(sectors)?;
    anyhow::ensure!(
        !sectors.is_empty() && sectors.iter().all(|s| s == "nhs"),
        "only NHS rows: {sectors:?}"
    );
    anyhow::ensure!(
        after.contains(&format!("Showing {} of", sectors.len())),
        "count matches rows: {after}"
    );
    assert_accessible(client, "/organisations?sector=nhs").await?;

    // Follow a link to a body's page.
    click(client, "a[href='/organisations/nhs-grampian']").await?;
    wait_for(client, "#organisation-facts").await?;
    let heading = text_of(client, "h1").await?;
    anyhow::ensure!(heading == "NHS Grampian", "heading: {heading}");
    assert_accessible(client, "/organisations/nhs-grampian").await?;
    Ok(())
}

/// Scrolls the element to the middle of the window at once (the design system scrolls smoothly,
/// which would move it under the pointer), then clicks it as a person would.
async fn click(client: &Client, css: &str) -> anyhow::Result<()> {
    let element = client.find(Locator::Css(css)).await?;
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
            vec![serde_json::to_value(&element)?],
        )
        .await?;
    element.click().await?;
    Ok(())
}

async fn fill(client: &Client, css: &str, text: &str) -> anyhow::Result<()> {
    let field = client.find(Locator::Css(css)).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

async fn sign_in_journey(client: &Client, base: &str) -> anyhow::Result<()> {
    client.goto(&format!("{base}/login")).await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/login").await?;

    // A wrong password: the design system's error summary, linking to the field.
    fill(client, "#email", E2E_OFFICER_EMAIL).await?;
    fill(client, "#password", "not the password").await?;
    click(client, "#sign-in").await?;
    wait_for(client, "#error-summary").await?;
    let summary = text_of(client, "#error-summary").await?;
    anyhow::ensure!(
        summary.contains("There is a problem")
            && summary.contains("correct email address and password"),
        "{summary}"
    );
    assert_accessible(client, "/login with an error").await?;

    // The right password: signed in, name and role in the header.
    fill(client, "#email", E2E_OFFICER_EMAIL).await?;
    fill(client, "#password", E2E_OFFICER_PASSWORD).await?;
    click(client, "#sign-in").await?;
    wait_for(client, "#signed-in-as").await?;
    let who = text_of(client, "#signed-in-as").await?;
    anyhow::ensure!(
        who.contains("Morag Officer") && who.contains("Finance officer"),
        "{who}"
    );
    assert_accessible(client, "/ signed in").await?;

    // Sign out: the header offers sign-in again, and the session is gone.
    click(client, "#sign-out").await?;
    wait_for(client, "#sign-in-link").await?;
    let me = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/api/auth/me').then(r => r.text()).then(done).catch(e => done(String(e)));",
            vec![],
        )
        .await?;
    anyhow::ensure!(
        me == serde_json::json!("null"),
        "signed out, but the server says: {me}"
    );
    Ok(())
}

/// The programme office's pages, signed in as an admin: each accessible, and creating an account
/// works in the browser.
async fn admin_journey(client: &Client, base: &str) -> anyhow::Result<()> {
    client.goto(&format!("{base}/login?next=/admin")).await?;
    wait_for_hydration(client).await?;
    fill(client, "#email", E2E_ADMIN_EMAIL).await?;
    fill(client, "#password", E2E_ADMIN_PASSWORD).await?;
    click(client, "#sign-in").await?;
    wait_for(client, "#user-table").await?;
    assert_accessible(client, "/admin").await?;

    client.goto(&format!("{base}/admin/users/new")).await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/admin/users/new").await?;
    fill(client, "#email", "new.officer@angus.gov.uk").await?;
    fill(client, "#name", "New Officer").await?;
    fill(client, "#organisations", "council-angus").await?;
    fill(client, "#password", "short").await?;
    click(client, "#create-user").await?;
    wait_for(client, "#error-summary").await?;
    let summary = text_of(client, "#error-summary").await?;
    anyhow::ensure!(summary.contains("12 to 128 characters"), "{summary}");
    assert_accessible(client, "/admin/users/new with an error").await?;
    fill(client, "#password", "a long enough password").await?;
    click(client, "#create-user").await?;
    wait_for(client, "#account-facts").await?;
    let facts = text_of(client, "#account-facts").await?;
    anyhow::ensure!(
        facts.contains("new.officer@angus.gov.uk") && facts.contains("council-angus"),
        "{facts}"
    );
    assert_accessible(client, "/admin/users/:id").await?;

    client.goto(&format!("{base}/admin/audit")).await?;
    wait_for_hydration(client).await?;
    anyhow::ensure!(
        text_of(client, "#audit-table")
            .await?
            .contains("user_created"),
        "the audit log shows the new account"
    );
    assert_accessible(client, "/admin/audit").await?;
    click(client, "#sign-out").await?;
    wait_for(client, "#sign-in-link").await?;
    Ok(())
}

/// The current financial year, as "2026-27".
fn current_year() -> String {
    app::domain::FinancialYear::containing(chrono::Utc::now().date_naive())
        .unwrap()
        .to_string()
}

async fn sign_in_as(
    client: &Client,
    base: &str,
    email: &str,
    password: &str,
    next: &str,
) -> anyhow::Result<()> {
    client.goto(&format!("{base}/login?next={next}")).await?;
    fill(client, "#email", email).await?;
    fill(client, "#password", password).await?;
    click(client, "#sign-in").await?;
    Ok(())
}

/// The officer's path with JavaScript on: my returns, start the year's return, a mistake shown
/// in the error summary, figures saved with their totals, and the return submitted, all without
/// a page reload.
async fn officer_return_journey(client: &Client, base: &str) -> anyhow::Result<()> {
    let fy = current_year();
    sign_in_as(
        client,
        base,
        E2E_OFFICER_EMAIL,
        E2E_OFFICER_PASSWORD,
        "/returns",
    )
    .await?;
    wait_for(client, "#my-returns").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/returns").await?;
    click(
        client,
        &format!("#my-returns a[href='/returns/council-fife/{fy}']"),
    )
    .await?;
    wait_for(client, "#start-return").await?;
    client
        .execute("window.__notReloaded = true;", vec![])
        .await?;
    click(client, "#start-return").await?;
    wait_for(client, "#return-form").await?;
    assert_accessible(client, "a draft return").await?;

    fill(client, "#hardware-capital", "1,500.259").await?;
    click(client, "#save-return").await?;
    wait_for(client, "#error-summary a[href='#hardware-capital']").await?;
    let summary = text_of(client, "#error-summary").await?;
    anyhow::ensure!(summary.contains("two decimal places"), "{summary}");
    let kept = client
        .find(Locator::Css("#hardware-capital"))
        .await?
        .prop("value")
        .await?;
    anyhow::ensure!(
        kept.as_deref() == Some("1,500.259"),
        "what was typed is kept: {kept:?}"
    );
    assert_accessible(client, "a return with an error").await?;

    fill(client, "#hardware-capital", "1500.25").await?;
    fill(client, "#staff-revenue", "50000").await?;
    fill(client, "#staff-fte", "2.5").await?;
    click(client, "#save-return").await?;
    wait_for(client, "#saved").await?;
    let total = text_of(client, "#grand-total").await?;
    anyhow::ensure!(total == "£51,500.25", "grand total: {total}");

    click(client, "#submit-return").await?;
    let start = std::time::Instant::now();
    loop {
        let status = text_of(client, "#return-status").await.unwrap_or_default();
        if status.contains("Submitted") {
            break;
        }
        anyhow::ensure!(
            start.elapsed() < Duration::from_secs(15),
            "status: {status}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let marker = client
        .execute("return window.__notReloaded === true;", vec![])
        .await?;
    anyhow::ensure!(marker == serde_json::json!(true), "the page reloaded");
    assert_accessible(client, "a submitted return").await?;
    click(client, "#sign-out").await?;
    wait_for(client, "#sign-in-link").await?;
    Ok(())
}

/// Importing a spreadsheet with JavaScript on: upload, the report and preview, the commit.
async fn officer_import_journey(client: &Client, base: &str) -> anyhow::Result<()> {
    sign_in_as(
        client,
        base,
        E2E_OFFICER_EMAIL,
        E2E_OFFICER_PASSWORD,
        "/import",
    )
    .await?;
    wait_for(client, "#upload-form").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/import").await?;
    fill(client, "#fy", "2013-14").await?;
    let broken = tests::workspace_root().join("fixtures/returns/broken-amount.xlsx");
    client
        .find(Locator::Css("#file"))
        .await?
        .send_keys(&broken.display().to_string())
        .await?;
    click(client, "#upload").await?;
    wait_for(client, "#error-table").await?;
    let table = text_of(client, "#error-table").await?;
    anyhow::ensure!(
        table.contains("Spend!E4") && table.contains("12k"),
        "{table}"
    );
    assert_accessible(client, "an import with errors").await?;

    client.goto(&format!("{base}/import")).await?;
    wait_for(client, "#upload-form").await?;
    fill(client, "#fy", "2013-14").await?;
    let good = tests::workspace_root().join("fixtures/returns/good.ods");
    client
        .find(Locator::Css("#file"))
        .await?
        .send_keys(&good.display().to_string())
        .await?;
    click(client, "#upload").await?;
    wait_for(client, "#commit-form").await?;
    wait_for_hydration(client).await?;
    let after = text_of(client, "#total-after").await?;
    anyhow::ensure!(after == "£1,491,001.14", "total after: {after}");
    assert_accessible(client, "an import preview").await?;
    click(client, "#commit-import").await?;
    wait_for(client, "#imported").await?;
    let url = client.current_url().await?;
    anyhow::ensure!(url.path() == "/returns/council-fife/2013-14", "{url}");
    click(client, "#sign-out").await?;
    wait_for(client, "#sign-in-link").await?;
    Ok(())
}

/// The same form with JavaScript off: it posts, the server validates, and the page comes back
/// with the error summary and what was typed, then saves.
async fn officer_return_without_javascript(client: &Client, base: &str) -> anyhow::Result<()> {
    let fy = app::domain::FinancialYear::containing(chrono::Utc::now().date_naive())
        .unwrap()
        .previous()
        .unwrap()
        .to_string();
    sign_in_as(
        client,
        base,
        E2E_OFFICER_EMAIL,
        E2E_OFFICER_PASSWORD,
        &format!("/returns/council-fife/{fy}"),
    )
    .await?;
    wait_for(client, "#start-return").await?;
    click(client, "#start-return").await?;
    wait_for(client, "#return-form").await?;
    fill(client, "#software-revenue", "twelve").await?;
    fill(client, "#energy-revenue", "900").await?;
    click(client, "#save-return").await?;
    wait_for(client, "#error-summary a[href='#software-revenue']").await?;
    let energy = client
        .find(Locator::Css("#energy-revenue"))
        .await?
        .prop("value")
        .await?;
    anyhow::ensure!(
        energy.as_deref() == Some("900"),
        "what was typed is kept: {energy:?}"
    );
    fill(client, "#software-revenue", "12000").await?;
    click(client, "#save-return").await?;
    wait_for(client, "#grand-total").await?;
    let start = std::time::Instant::now();
    loop {
        let total = text_of(client, "#grand-total").await?;
        if total == "£12,900.00" {
            break;
        }
        anyhow::ensure!(
            start.elapsed() < Duration::from_secs(15),
            "grand total: {total}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Savings with JavaScript on: an officer records the baseline (a mistake first), then the
/// programme office reads the national savings in real terms and the trajectory.
async fn savings_journey(client: &Client, base: &str) -> anyhow::Result<()> {
    sign_in_as(
        client,
        base,
        E2E_OFFICER_EMAIL,
        E2E_OFFICER_PASSWORD,
        "/savings/council-fife/baseline",
    )
    .await?;
    wait_for(client, "#baseline-form").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/savings/council-fife/baseline").await?;
    fill(client, "#hardware", "12abc").await?;
    click(client, "#record-baseline").await?;
    wait_for(client, "#error-summary a[href='#hardware']").await?;
    wait_for(client, "#error-summary a[href='#reason']").await?;
    assert_accessible(client, "a baseline form with errors").await?;
    fill(client, "#hardware", "100000").await?;
    fill(client, "#reason", "From the 2008-09 accounts").await?;
    click(client, "#record-baseline").await?;
    wait_for(client, "#baseline-versions tr[data-version='1']").await?;
    let versions = text_of(client, "#baseline-versions").await?;
    anyhow::ensure!(versions.contains("From the 2008-09 accounts"), "{versions}");
    client.goto(&format!("{base}/savings/council-fife")).await?;
    wait_for(client, "#savings-body-years").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/savings/council-fife").await?;
    // Issue 15: an initiative is recorded, then corrected with a reason; both versions are kept.
    client
        .goto(&format!("{base}/savings/council-fife/initiatives"))
        .await?;
    wait_for(client, "#initiative-form").await?;
    wait_for_hydration(client).await?;
    fill(client, "#title", "Printer fleet consolidated").await?;
    fill(client, "#recurring", "25000").await?;
    fill(client, "#first_year", "2014-15").await?;
    fill(
        client,
        "#quality_note",
        "Fewer printers, the same printing for staff.",
    )
    .await?;
    click(client, "#record-initiative").await?;
    wait_for(client, "#initiatives a").await?;
    click(client, "#initiatives a").await?;
    wait_for(client, "#edit-initiative-form").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "an initiative with its correction forms").await?;
    fill(client, "#recurring", "20000").await?;
    click(client, "#edit-initiative").await?;
    wait_for(client, "#error-summary a[href='#reason']").await?;
    assert_accessible(
        client,
        "an initiative's correction refused for want of a reason",
    )
    .await?;
    fill(
        client,
        "#reason",
        "The lease ended a year later than planned",
    )
    .await?;
    click(client, "#edit-initiative").await?;
    wait_for(client, "#initiative-history tr[data-version='2']").await?;
    let history = text_of(client, "#initiative-history").await?;
    anyhow::ensure!(
        history.contains("£25,000.00") && history.contains("£20,000.00"),
        "both versions are kept: {history}"
    );
    click(client, "#sign-out").await?;
    wait_for(client, "#sign-in-link").await?;

    // The programme office approves the proposed baseline (only approved versions count).
    sign_in_as(
        client,
        base,
        E2E_ADMIN_EMAIL,
        E2E_ADMIN_PASSWORD,
        "/savings/council-fife/baseline",
    )
    .await?;
    wait_for(client, "#approve-baseline-button-1").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "a proposed baseline for the programme office").await?;
    click(client, "#approve-baseline-button-1").await?;
    wait_for(client, "#baseline-versions [data-status='approved']").await?;
    client.goto(&format!("{base}/savings")).await?;
    wait_for(client, "#savings-years").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/savings").await?;
    client
        .find(Locator::Css("#basis"))
        .await?
        .select_by_value("real-2024-25")
        .await?;
    click(client, "#savings-filter button[type='submit']").await?;
    wait_for(client, "#deflator-note").await?;
    let note = text_of(client, "#deflator-note").await?;
    anyhow::ensure!(note.contains("unverified"), "{note}");
    let coverage = text_of(client, "#savings-coverage").await?;
    anyhow::ensure!(
        coverage.contains("£100,000.00"),
        "Fife's baseline counted: {coverage}"
    );
    for path in ["/trajectory", "/admin/organisation-changes"] {
        client.goto(&format!("{base}{path}")).await?;
        wait_for_hydration(client).await?;
        assert_accessible(client, path).await?;
    }
    click(client, "#sign-out").await?;
    wait_for(client, "#sign-in-link").await?;
    Ok(())
}

/// Data centres with JavaScript on: an officer adds a site, plans and records its closure; the
/// programme office sees the number of sites fall.
async fn data_centre_journey(client: &Client, base: &str) -> anyhow::Result<()> {
    sign_in_as(
        client,
        base,
        E2E_OFFICER_EMAIL,
        E2E_OFFICER_PASSWORD,
        "/data-centres/council-fife",
    )
    .await?;
    wait_for(client, "#site-form").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/data-centres/council-fife").await?;
    fill(client, "#name", "Fife House computer room").await?;
    fill(client, "#physical_servers", "40").await?;
    fill(client, "#total_energy_kwh", "1250000").await?;
    fill(client, "#it_energy_kwh", "2500000").await?;
    click(client, "#save-site").await?;
    wait_for(client, "#error-summary a[href='#it_energy_kwh']").await?;
    fill(client, "#it_energy_kwh", "500000").await?;
    fill(client, "#cost_power", "150000").await?;
    click(client, "#save-site").await?;
    wait_for(client, "#plan-form").await?;
    let summary = text_of(client, "#site-summary").await?;
    anyhow::ensure!(summary.contains("2.50"), "PUE computed: {summary}");
    assert_accessible(client, "a site").await?;
    fill(client, "#target_date", "2015-03-31").await?;
    client
        .find(Locator::Css("#destination"))
        .await?
        .select_by_value("cloud")
        .await?;
    fill(client, "#migration_cost", "20000").await?;
    click(client, "#plan-closure").await?;
    wait_for(client, "#close-form").await?;
    fill(client, "#closed_date", "2015-03-01").await?;
    fill(client, "#evidence", "Decommissioning certificate").await?;
    click(client, "#record-closure").await?;
    wait_for(client, "#closure-summary").await?;
    let closure = text_of(client, "#closure-summary").await?;
    anyhow::ensure!(closure.contains("£150,000.00"), "{closure}");
    assert_accessible(client, "a closed site").await?;
    click(client, "#sign-out").await?;
    wait_for(client, "#sign-in-link").await?;

    sign_in_as(
        client,
        base,
        E2E_ADMIN_EMAIL,
        E2E_ADMIN_PASSWORD,
        "/data-centres",
    )
    .await?;
    wait_for(client, "#estate-counts").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/data-centres").await?;
    let before = text_of(
        client,
        "#estate-counts tr[data-year='2013-14'] td[data-col='sites']",
    )
    .await?;
    let after = text_of(
        client,
        "#estate-counts tr[data-year='2014-15'] td[data-col='sites']",
    )
    .await?;
    anyhow::ensure!(
        before == "1" && after == "0",
        "sites: {before} then {after}"
    );
    // Issue 15: the programme office reverses the closure, recorded in error, with a reason.
    client
        .goto(&format!("{base}/data-centres/council-fife"))
        .await?;
    wait_for(client, "#sites a").await?;
    click(client, "#sites a").await?;
    wait_for(client, "#reverse-form").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "a closed site for the programme office").await?;
    click(client, "#reverse-closure").await?;
    wait_for(client, "#error-summary a[href='#reason']").await?;
    fill(
        client,
        "#reason",
        "The room still runs: the move was postponed",
    )
    .await?;
    click(client, "#reverse-closure").await?;
    let start = std::time::Instant::now();
    loop {
        let summary = text_of(client, "#site-summary").await.unwrap_or_default();
        if summary.contains("Closure planned") {
            break;
        }
        anyhow::ensure!(
            start.elapsed() < Duration::from_secs(15),
            "the site is open again: {summary}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(client, "#sign-out").await?;
    wait_for(client, "#sign-in-link").await?;
    Ok(())
}

/// The programme dashboard with JavaScript on: a board member filters by sector (the figures
/// change without a full reload), opens a body, downloads a chart's CSV and freezes a pack.
async fn dashboard_journey(client: &Client, base: &str) -> anyhow::Result<()> {
    sign_in_as(
        client,
        base,
        E2E_BOARD_EMAIL,
        E2E_BOARD_PASSWORD,
        "/dashboard",
    )
    .await?;
    wait_for(client, "#chart-savings-annual svg").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/dashboard").await?;
    // A marker that a full page load would wipe.
    client
        .execute("window.trackerMarker = 'kept';", vec![])
        .await?;
    client
        .find(Locator::Css("#sector"))
        .await?
        .select_by_value("local-government")
        .await?;
    click(client, "#apply-filters").await?;
    for _ in 0..100 {
        // The scope is re-rendered by the filter: an element found just before it is replaced
        // goes stale, which means "not yet", not a failure.
        if text_of(client, "#dashboard-scope")
            .await
            .is_ok_and(|t| t.contains("Local government"))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let scope = text_of(client, "#dashboard-scope").await?;
    anyhow::ensure!(scope.contains("Local government"), "{scope}");
    let marker = client
        .execute("return window.trackerMarker || 'lost';", vec![])
        .await?;
    anyhow::ensure!(
        marker == serde_json::json!("kept"),
        "the filter reloaded the page"
    );
    let url = client.current_url().await?;
    anyhow::ensure!(url.as_str().contains("sector=local-government"), "{url}");
    // The chart's CSV is exactly its table's figures.
    let csv = client
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch(document.querySelector('#csv-savings-annual').href).then(r => r.text()).then(done);",
            vec![],
        )
        .await?;
    let csv = csv.as_str().unwrap_or_default().to_owned();
    anyhow::ensure!(csv.starts_with("Financial year,"), "{csv}");
    // Opening a body from the red/amber/green table: its own dashboard.
    click(client, "#rag-table a[href='/organisations/council-fife']").await?;
    wait_for(client, "#body-dashboard #chart-savings-annual svg").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/organisations/council-fife").await?;
    // Back to the dashboard to freeze a pack of what it showed.
    client
        .goto(&format!("{base}/dashboard?sector=local-government"))
        .await?;
    wait_for(client, "#freeze").await?;
    wait_for_hydration(client).await?;
    click(client, "#freeze summary").await?;
    click(client, "#freeze-pack").await?;
    wait_for(client, "#error-summary a[href='#title']").await?;
    fill(client, "#title", "Board meeting, browser test").await?;
    click(client, "#freeze-pack").await?;
    wait_for(client, "#pack-body #chart-savings-annual svg").await?;
    let details = text_of(client, "#pack-details").await?;
    anyhow::ensure!(details.contains("Local government"), "{details}");
    assert_accessible(client, "a board pack").await?;
    client.goto(&format!("{base}/board-packs")).await?;
    wait_for(client, "#pack-list").await?;
    wait_for_hydration(client).await?;
    assert_accessible(client, "/board-packs").await?;
    click(client, "#sign-out").await?;
    wait_for(client, "#sign-in-link").await?;
    Ok(())
}

async fn every_page_is_accessible(client: &Client, base: &str) -> anyhow::Result<()> {
    for path in [
        "/",
        "/dashboard",
        "/organisations/police-scotland",
        "/returns",
        "/no-such-page",
    ] {
        client.goto(&format!("{base}{path}")).await?;
        wait_for_hydration(client).await?;
        assert_accessible(client, path).await?;
    }
    // The checker itself must be able to fail: an image without a text alternative is caught.
    client
        .execute("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/favicon.svg\">');", vec![])
        .await?;
    let violations = accessibility_violations(client).await?;
    anyhow::ensure!(
        violations.iter().any(|v| v.starts_with("image-alt")),
        "axe-core did not report an image without alt text: {violations:?}"
    );
    Ok(())
}

/// Keeps what the browser showed when a journey failed, for the person reading the failure.
async fn save_screenshot(client: &Client, name: &str) {
    let dir = tests::workspace_root().join("target/e2e-screenshots");
    if let (Ok(png), Ok(())) = (client.screenshot().await, std::fs::create_dir_all(&dir)) {
        let path = dir.join(format!("{name}.png"));
        if std::fs::write(&path, png).is_ok() {
            eprintln!("screenshot of the failure: {}", path.display());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organisations_filter_and_sign_in_work_after_hydration_and_pages_are_accessible() {
    let server = RunningServer::start().expect("the tracker server starts");
    let browser = Browser::start().await.expect("headless Chromium starts");
    let journey = organisations_journey(&browser.client, &server.base_url).await;
    if journey.is_err() {
        save_screenshot(&browser.client, "organisations-journey").await;
    }
    let sign_in = sign_in_journey(&browser.client, &server.base_url).await;
    if sign_in.is_err() {
        save_screenshot(&browser.client, "sign-in-journey").await;
    }
    let admin = admin_journey(&browser.client, &server.base_url).await;
    if admin.is_err() {
        save_screenshot(&browser.client, "admin-journey").await;
    }
    let returns = officer_return_journey(&browser.client, &server.base_url).await;
    if returns.is_err() {
        save_screenshot(&browser.client, "return-journey").await;
    }
    let import = officer_import_journey(&browser.client, &server.base_url).await;
    if import.is_err() {
        save_screenshot(&browser.client, "import-journey").await;
    }
    let savings = savings_journey(&browser.client, &server.base_url).await;
    if savings.is_err() {
        save_screenshot(&browser.client, "savings-journey").await;
    }
    let estate = data_centre_journey(&browser.client, &server.base_url).await;
    if estate.is_err() {
        save_screenshot(&browser.client, "data-centre-journey").await;
    }
    let board = dashboard_journey(&browser.client, &server.base_url).await;
    if board.is_err() {
        save_screenshot(&browser.client, "dashboard-journey").await;
    }
    let pages = every_page_is_accessible(&browser.client, &server.base_url).await;
    if pages.is_err() {
        save_screenshot(&browser.client, "accessibility").await;
    }
    browser.close().await;
    drop(server);
    journey.expect("organisations journey");
    sign_in.expect("sign-in journey");
    admin.expect("admin journey");
    returns.expect("officer's return journey");
    import.expect("officer's import journey");
    savings.expect("savings journey");
    estate.expect("data-centre journey");
    board.expect("dashboard journey");
    pages.expect("accessibility of every page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_return_form_posts_and_validates_without_javascript() {
    let server = RunningServer::start().expect("the tracker server starts");
    let browser = Browser::start_without_javascript()
        .await
        .expect("headless Chromium starts");
    let journey = officer_return_without_javascript(&browser.client, &server.base_url).await;
    if journey.is_err() {
        save_screenshot(&browser.client, "return-without-javascript").await;
    }
    browser.close().await;
    drop(server);
    journey.expect("the return form without JavaScript");
}
