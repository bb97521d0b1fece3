//! The programme dashboard and board packs on the demo data, on SQLite and PostgreSQL: each
//! chart's SVG and CSV (insta snapshots), each CSV adding up to the plotted totals and to the
//! savings engine's figures, the filters, who may see what, and a frozen pack that stays byte
//! for byte the same after a return it used changes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::domain::{ReturnAction, Role};
use app::error::AppError;
use app::model::chart::Chart;
use app::model::dashboard::DashboardQuery;
use app::services::{board_packs, dashboard, returns, savings};
use axum::body::Body;
use http::{header, Request, StatusCode};
use rust_decimal::Decimal;
use tests::{on_both_backends, test_client, Backend, TestApp, TEST_HOST};

/// The demo data, and a board member signed in.
async fn demo(app: &TestApp) -> (app::model::CurrentUser, String) {
    let admin = app.user("admin@gov.scot", Role::Admin, &[]).await;
    app::services::demo::seed(&app.db, admin.id).await.unwrap();
    app::services::demo_estate::seed(&app.db, admin.id)
        .await
        .unwrap();
    app.signed_in_user("board@gov.scot", Role::Board, &[]).await
}

/// Sums each value column of a chart's CSV (exact decimals).
fn csv_totals(csv: &str) -> Vec<Decimal> {
    let mut reader = ::csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let columns = reader.headers().unwrap().len() - 1;
    let mut totals = vec![Decimal::ZERO; columns];
    for record in reader.records() {
        let record = record.unwrap();
        for (i, total) in totals.iter_mut().enumerate() {
            let cell = record.get(i + 1).unwrap();
            if !cell.is_empty() {
                *total += cell.parse::<Decimal>().unwrap();
            }
        }
    }
    totals
}

fn chart<'a>(d: &'a app::model::dashboard::ProgrammeDashboard, id: &str) -> &'a Chart {
    &d.charts
        .iter()
        .find(|c| c.chart.id == id)
        .unwrap_or_else(|| panic!("chart {id}"))
        .chart
}

async fn the_charts_match_the_savings_engine_and_their_csv_adds_up(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (board, token) = demo(&app).await;
    let d = async {
        let actor = tests::actor(&board, None);
        dashboard::programme(&app.db, &actor.read_all()?, &DashboardQuery::default()).await
    }
    .await
    .unwrap();
    assert_eq!(
        (d.from.to_string(), d.to.to_string()),
        ("2012-13".into(), "2016-17".into())
    );
    let ids: Vec<&str> = d.charts.iter().map(|c| c.chart.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "savings-annual",
            "savings-cumulative",
            "savings-by-sector",
            "savings-by-category",
            "estate-sites",
            "estate-energy",
            "estate-carbon"
        ]
    );
    // Every chart: the CSV's columns add up to the plotted series, and SVG and CSV are as
    // snapshotted on the demo data.
    for view in &d.charts {
        let c = &view.chart;
        let csv = app::charts::csv(c);
        let totals = csv_totals(&csv);
        assert_eq!(totals.len(), c.series.len(), "{}", c.id);
        for (i, total) in totals.iter().enumerate() {
            assert_eq!(*total, c.total(i), "{} series {i}", c.id);
        }
        assert!(view
            .svg
            .contains(&format!(r#"aria-labelledby="{0}-title {0}-desc""#, c.id)));
        insta::assert_snapshot!(format!("{}-csv", c.id), csv);
        insta::assert_snapshot!(format!("{}-svg", c.id), view.svg);
    }
    // The charts agree with the savings engine and with each other: the annual savings are the
    // summary's, and the sectors and the categories each add up to the same total.
    let summary = async {
        let actor = tests::actor(&board, None);
        savings::summary(
            &app.db,
            &actor.read_all()?,
            &savings::SummaryQuery::default(),
        )
        .await
    }
    .await
    .unwrap();
    let annual = chart(&d, "savings-annual");
    for (i, year) in annual.categories.iter().enumerate() {
        let row = summary
            .years
            .iter()
            .find(|r| r.year.to_string() == *year)
            .unwrap();
        assert_eq!(
            annual.series[0].values[i],
            Some(row.saving.as_decimal()),
            "{year}"
        );
        assert_eq!(
            annual.series[1].values[i],
            row.target.map(|t| t.as_decimal()),
            "{year}"
        );
    }
    let total = annual.total(0);
    assert!(total > Decimal::ZERO);
    assert_eq!(chart(&d, "savings-by-sector").total(0), total);
    assert_eq!(chart(&d, "savings-by-category").total(0), total);
    let cumulative = chart(&d, "savings-cumulative");
    assert_eq!(
        cumulative.series[0].values.last().copied().flatten(),
        Some(total)
    );
    // The estate: the demo's closures show as a falling count.
    let sites = chart(&d, "estate-sites");
    assert!(sites.series[0].values.first() > sites.series[0].values.last());
    assert!(
        sites.series[1].values.iter().all(Option::is_some),
        "the review's line"
    );
    assert!(d.submissions_total.bodies > 0);
    assert!(
        d.submissions.iter().any(|r| r.sector == "Local government"),
        "sectors by name: {:?}",
        d.submissions.first()
    );
    // Red/amber/green by sector: every body of the summary's table counted once, in its
    // sector; listed below, only the bodies furthest behind (red, the largest shortfall first).
    let counted: usize = d
        .rag_by_sector
        .iter()
        .map(|r| r.green + r.amber + r.red + r.not_reported)
        .sum();
    assert_eq!(counted, summary.bodies.len());
    let red = summary
        .bodies
        .iter()
        .filter(|b| b.rag == app::domain::savings::Rag::Red)
        .count();
    assert_eq!(d.rag_by_sector.iter().map(|r| r.red).sum::<usize>(), red);
    assert!(!d.bodies_all);
    assert_eq!(d.bodies.len(), red.min(dashboard::BODIES_BEHIND_SHOWN));
    let shortfalls: Vec<Decimal> = d
        .bodies
        .iter()
        .map(|b| b.target.as_decimal() - b.saving.map_or(Decimal::ZERO, |m| m.as_decimal()))
        .collect();
    assert!(
        shortfalls.windows(2).all(|w| w[0] >= w[1]),
        "{shortfalls:?}"
    );
    assert!(d
        .body_html
        .contains(r#"href="/dashboard?basis=nominal&amp;sector=local-government"#));
    // Adoption, services × sectors: each cell counts the sector's bodies live on the service.
    assert_eq!(d.adoption.row_label, "Service");
    assert_eq!(d.adoption.columns.len(), app::domain::Sector::ALL.len());
    let live_in_cells: usize = d
        .adoption
        .rows
        .iter()
        .flat_map(|r| r.stages.iter().flatten())
        .filter_map(|cell| {
            cell.split(" live")
                .next()
                .filter(|_| cell.contains(" live"))
        })
        .map(|n| n.parse::<usize>().unwrap())
        .sum();
    let front = async {
        let actor = tests::actor(&board, None);
        app::services::shared::front_page(&app.db, &actor).await
    }
    .await
    .unwrap();
    assert_eq!(
        live_in_cells,
        front.services.iter().map(|s| s.live).sum::<usize>()
    );
    assert!(live_in_cells > 0);

    // The CSV route serves exactly the chart's CSV.
    let response = app
        .get_as(
            "/dashboard/charts/savings-by-sector.csv?from=2012-13&to=2016-17",
            Some(&token),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.body,
        app::charts::csv(chart(&d, "savings-by-sector"))
    );
    app.teardown().await;
}

async fn filters_narrow_the_dashboard_and_bad_ones_are_named(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (board, token) = demo(&app).await;
    let nhs = DashboardQuery {
        sector: Some("nhs".into()),
        from: Some("2013-14".into()),
        to: Some("2015-16".into()),
        basis: Some("real-2024-25".into()),
        ..DashboardQuery::default()
    };
    let d = async {
        let actor = tests::actor(&board, None);
        dashboard::programme(&app.db, &actor.read_all()?, &nhs).await
    }
    .await
    .unwrap();
    let by_sector = chart(&d, "savings-by-sector");
    assert_eq!(by_sector.categories.len(), 1);
    assert_eq!(
        chart(&d, "savings-annual").categories,
        ["2013-14", "2014-15", "2015-16"]
    );
    assert_eq!(by_sector.total(0), chart(&d, "savings-annual").total(0));
    assert!(
        d.bodies_all && !d.bodies.is_empty() && d.bodies.iter().all(|b| b.sector == "NHS Scotland"),
        "{:?}",
        d.bodies.first()
    );
    assert_eq!(d.rag_by_sector.len(), 1);
    assert_eq!(d.adoption.row_label, "Body");
    assert!(
        d.body_html.contains("real terms at 2024-25 prices"),
        "the basis is named"
    );

    let initiatives = DashboardQuery {
        measure: Some("initiative".into()),
        ..DashboardQuery::default()
    };
    let d = async {
        let actor = tests::actor(&board, None);
        dashboard::programme(&app.db, &actor.read_all()?, &initiatives).await
    }
    .await
    .unwrap();
    assert!(d.charts.iter().any(|c| c.chart.id == "savings-by-class"));
    assert!(
        chart(&d, "savings-annual").total(0) > Decimal::ZERO,
        "closures and adoptions"
    );
    // Initiatives are cash, and so are the targets beside them, even when real terms are asked
    // for (one basis, ADR 0010 rule 4); the CSV says so in each column's heading.
    let real_initiatives = async {
        let actor = tests::actor(&board, None);
        dashboard::programme(
            &app.db,
            &actor.read_all()?,
            &DashboardQuery {
                basis: Some("real-2024-25".into()),
                ..initiatives.clone()
            },
        )
        .await
    }
    .await
    .unwrap();
    let (cash, real) = (
        chart(&d, "savings-annual"),
        chart(&real_initiatives, "savings-annual"),
    );
    assert_eq!(real.series[1].values, cash.series[1].values);
    assert_eq!(real.series, cash.series);
    let heading = app::charts::csv(real)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(
        heading.contains("nominal (initiatives are recorded in cash)")
            && heading.contains("illustrative trajectory profile")
            && heading.contains("synthetic demo data"),
        "{heading}"
    );

    for (q, field) in [
        (
            DashboardQuery {
                from: Some("2016-17".into()),
                to: Some("2013-14".into()),
                ..DashboardQuery::default()
            },
            "from",
        ),
        (
            DashboardQuery {
                to: Some("2016".into()),
                ..DashboardQuery::default()
            },
            "to",
        ),
        (
            DashboardQuery {
                measure: Some("vibes".into()),
                ..DashboardQuery::default()
            },
            "measure",
        ),
        (
            DashboardQuery {
                sector: Some("space".into()),
                ..DashboardQuery::default()
            },
            "sector",
        ),
    ] {
        let e = async {
            let actor = tests::actor(&board, None);
            dashboard::programme(&app.db, &actor.read_all()?, &q).await
        }
        .await
        .unwrap_err();
        assert!(
            e.field_errors().iter().any(|f| f.field == field),
            "{field}: {e:?}"
        );
    }
    let (officer, officer_token) = app
        .signed_in_user("morag@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    assert!(matches!(
        async {
            let actor = tests::actor(&officer, None);
            dashboard::programme(&app.db, &actor.read_all()?, &DashboardQuery::default()).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    // The page: the board sees the programme; an officer and a visitor see the baseline only.
    let page = app.get_as("/dashboard?sector=nhs", Some(&token)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"id="chart-savings-annual""#) && page.body.contains("<svg"));
    assert!(page.body.contains(r#"id="baseline-sectors""#));
    let page = app.get_as("/dashboard", Some(&officer_token)).await;
    assert!(!page.body.contains("chart-savings-annual") && page.body.contains("baseline-sectors"));
    let page = app.get_as("/dashboard", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("chart-savings-annual"));
    app.teardown().await;
}

async fn pack_bytes(app: &TestApp, token: &str, id: i64) -> (Vec<u8>, String) {
    let request = Request::get(format!("/board-packs/{id}/pack.html"))
        .header(header::HOST, TEST_HOST)
        .header(header::COOKIE, format!("tracker_session={token}"))
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let sha = response.headers()["x-content-sha256"]
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = axum::body::to_bytes(response.into_body(), 50 << 20)
        .await
        .unwrap()
        .to_vec();
    (bytes, sha)
}

async fn a_frozen_pack_stays_byte_identical_after_a_return_changes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (board, token) = demo(&app).await;
    let client = test_client();
    let q = DashboardQuery {
        sector: Some("local-government".into()),
        ..DashboardQuery::default()
    };
    let refused = async {
        let actor = tests::actor(&board, Some(&client));
        board_packs::freeze(&app.db, &actor.read_all()?, "  ", &q).await
    }
    .await
    .unwrap_err();
    assert!(refused.field_errors().iter().any(|f| f.field == "title"));
    let id = async {
        let actor = tests::actor(&board, Some(&client));
        board_packs::freeze(&app.db, &actor.read_all()?, "Board meeting, June 2017", &q).await
    }
    .await
    .unwrap();
    let (before, sha) = pack_bytes(&app, &token, id).await;
    assert_eq!(app::services::import::sha256_hex(&before), sha);
    let text = String::from_utf8(before.clone()).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>") && text.contains("Board meeting, June 2017"));
    assert!(
        !text.contains("src=\"/") && !text.contains("href=\"/dashboard/charts"),
        "self-contained"
    );
    assert!(
        text.contains("data:text/csv;charset=utf-8,"),
        "the frozen figures travel with it"
    );
    let frozen_annual = async {
        let actor = tests::actor(&board, None);
        dashboard::programme(&app.db, &actor.read_all()?, &q).await
    }
    .await
    .unwrap();

    // Fife's 2016-17 return (submitted, counted as provisional) is sent back by the board.
    let key = returns::ReturnRef {
        org_code: "council-fife",
        fy: "2016-17".parse().unwrap(),
    };
    let current = async {
        let actor = tests::actor(&board, None);
        let key = &key;
        returns::get(&app.db, &actor.read_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    async {
        let actor = tests::actor(&board, Some(&client));
        returns::act(
            &app.db,
            &actor,
            &key,
            current.row_version,
            ReturnAction::SendBack,
            Some("Please check the hardware line"),
        )
        .await
    }
    .await
    .unwrap();
    let live = async {
        let actor = tests::actor(&board, None);
        dashboard::programme(&app.db, &actor.read_all()?, &q).await
    }
    .await
    .unwrap();
    assert_ne!(
        chart(&live, "savings-annual").series[0].values,
        chart(&frozen_annual, "savings-annual").series[0].values,
        "the live dashboard moved"
    );
    let (after, sha_after) = pack_bytes(&app, &token, id).await;
    assert_eq!(after, before, "the pack is byte-identical");
    assert_eq!(sha_after, sha);
    let view = async {
        let actor = tests::actor(&board, None);
        board_packs::get(&app.db, &actor.read_all()?, id).await
    }
    .await
    .unwrap();
    assert!(
        text.contains(&view.body_html),
        "the page shows the frozen body"
    );
    let page = app
        .get_as(&format!("/board-packs/{id}"), Some(&token))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Board meeting, June 2017") && page.body.contains(&sha));
    assert!(view.verified && page.body.contains("it is the file that was frozen"));
    // Issue 15: immutability is the database's rule, not only the code's.
    for statement in [
        "UPDATE board_packs SET title = 'Rewritten' WHERE id = $1",
        "UPDATE board_packs SET document = '<p>other figures</p>' WHERE id = $1",
        "DELETE FROM board_packs WHERE id = $1",
    ] {
        let refused = sqlx::query(statement).bind(id).execute(app.db.pool()).await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.to_string().contains("board pack is frozen")),
            "{statement}: {refused:?}"
        );
    }
    let (still, _) = pack_bytes(&app, &token, id).await;
    assert_eq!(still, before);
    let list = app.get_as("/board-packs", Some(&token)).await;
    assert!(list.body.contains(&format!("/board-packs/{id}")));

    // Officers neither list, read nor download packs.
    let (officer, officer_token) = app
        .signed_in_user("morag@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    assert!(matches!(
        async {
            let actor = tests::actor(&officer, None);
            board_packs::get(&app.db, &actor.read_all()?, id).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    let response = app
        .get_as(
            &format!("/board-packs/{id}/pack.html"),
            Some(&officer_token),
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    app.teardown().await;
}

async fn a_body_s_dashboard_is_for_those_who_may_read_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (board, _) = demo(&app).await;
    let (officer, token) = app
        .signed_in_user("morag@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let (other, other_token) = app
        .signed_in_user("angus@angus.gov.uk", Role::Officer, &["council-angus"])
        .await;
    let q = DashboardQuery::default();
    let d = async {
        let actor = tests::actor(&officer, None);
        dashboard::organisation(&app.db, &actor.read_body("council-fife")?, &q).await
    }
    .await
    .unwrap();
    let ids: Vec<&str> = d.charts.iter().map(|c| c.chart.id.as_str()).collect();
    assert_eq!(
        ids,
        ["savings-annual", "savings-cumulative", "estate-sites"]
    );
    // The charts are the body's savings page's figures.
    let body = async {
        let actor = tests::actor(&officer, None);
        savings::body(&app.db, &actor.read_body("council-fife")?, None).await
    }
    .await
    .unwrap();
    let annual = chart_of(&d.charts, "savings-annual");
    for (i, year) in annual.categories.iter().enumerate() {
        let row = body
            .years
            .iter()
            .find(|r| r.year.to_string() == *year)
            .unwrap();
        assert_eq!(
            annual.series[0].values[i],
            row.saving.map(|m| m.as_decimal()),
            "{year}"
        );
        assert_eq!(
            annual.series[1].values[i],
            row.target.map(|m| m.as_decimal()),
            "{year}"
        );
    }
    assert_eq!(
        csv_totals(&app::charts::csv(annual)),
        [annual.total(0), annual.total(1)]
    );
    assert!(d
        .body_html
        .contains("/savings/council-fife/2013-14/calculation"));
    assert!(
        d.body_html.contains(r#"id="org-returns-table""#)
            && d.body_html.contains("/returns/council-fife/2016-17")
    );
    assert!(
        d.body_html.contains(r#"id="org-sites-table""#)
            && d.body_html.contains(r#"id="org-adoptions-table""#)
    );
    // The board reads it too; another body's officer does not.
    assert!(async {
        let actor = tests::actor(&board, None);
        dashboard::organisation(&app.db, &actor.read_body("council-fife")?, &q).await
    }
    .await
    .is_ok());
    assert!(matches!(
        async {
            let actor = tests::actor(&other, None);
            dashboard::organisation(&app.db, &actor.read_body("council-fife")?, &q).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    let csv = app
        .get_as(
            "/organisations/council-fife/charts/savings-annual.csv",
            Some(&token),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body, app::charts::csv(annual));
    // The labels travel with the body's figures: in the download's headings and the page's notes.
    let heading = csv.body.lines().next().unwrap_or_default();
    assert!(
        heading.contains("Apportioned target (£; nominal")
            && heading.contains("illustrative trajectory profile")
            && heading.contains("Spend-based saving (£; nominal")
            && heading.contains("synthetic demo data"),
        "{heading}"
    );
    assert!(
        d.notes.iter().any(|n| n.contains("illustrative"))
            && d.notes.iter().any(|n| n.contains("Synthetic demo data")),
        "{:?}",
        d.notes
    );
    let refused = app
        .get_as(
            "/organisations/council-fife/charts/savings-annual.csv",
            Some(&other_token),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The page: the dashboard for the body's officer, the public facts for everyone else.
    let page = app
        .get_as(
            "/organisations/council-fife?from=2013-14&to=2015-16",
            Some(&token),
        )
        .await;
    assert!(
        page.body.contains(r#"id="body-dashboard""#)
            && page.body.contains(r#"id="organisation-facts""#)
    );
    assert!(page.body.contains("Showing 2013-14 to 2015-16"));
    for t in [Some(other_token.as_str()), None] {
        let page = app.get_as("/organisations/council-fife", t).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.body.contains(r#"id="body-dashboard""#)
                && page.body.contains(r#"id="organisation-facts""#)
        );
    }
    app.teardown().await;
}

/// The performance dataset's generator, small: every body, year, category, site and service it
/// was asked for, a dashboard over it, and no second run into the same database.
async fn the_synthetic_dataset_has_what_was_asked_for(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (board, _) = app.signed_in_user("board@gov.scot", Role::Board, &[]).await;
    let size = app::services::synthetic::Size {
        bodies: 24,
        years: 3,
        sites: 10,
        services: 4,
    };
    let made = app::services::synthetic::generate(&app.db, size, board.id)
        .await
        .unwrap();
    assert_eq!((made.bodies, made.returns, made.lines), (24, 72, 648));
    assert_eq!((made.sites, made.services), (10, 4));
    assert!(made.adoptions > 24, "{made:?}");
    assert!(app::services::synthetic::generate(&app.db, size, board.id)
        .await
        .is_err());
    let d = async {
        let actor = tests::actor(&board, None);
        dashboard::programme(&app.db, &actor.read_all()?, &DashboardQuery::default()).await
    }
    .await
    .unwrap();
    assert_eq!(
        chart(&d, "savings-annual").categories,
        ["2012-13", "2013-14", "2014-15"]
    );
    let counted: Vec<usize> = async {
        let actor = tests::actor(&board, None);
        savings::summary(
            &app.db,
            &actor.read_all()?,
            &savings::SummaryQuery::default(),
        )
        .await
    }
    .await
    .unwrap()
    .years
    .iter()
    .filter(|y| y.bodies_counted > 0)
    .map(|y| y.bodies_counted)
    .collect();
    assert_eq!(counted, [24, 24, 24], "every synthetic return is counted");
    app::services::dashboard::raw_sql(&app.db).await.unwrap();
    app.teardown().await;
}

fn chart_of<'a>(charts: &'a [app::model::chart::ChartView], id: &str) -> &'a Chart {
    &charts.iter().find(|c| c.chart.id == id).unwrap().chart
}

on_both_backends!(
    the_synthetic_dataset_has_what_was_asked_for,
    a_body_s_dashboard_is_for_those_who_may_read_it,
    the_charts_match_the_savings_engine_and_their_csv_adds_up,
    filters_narrow_the_dashboard_and_bad_ones_are_named,
    a_frozen_pack_stays_byte_identical_after_a_return_changes,
);
