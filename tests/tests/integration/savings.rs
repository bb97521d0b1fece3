//! The savings engine through its services (and a few pages), on SQLite and on PostgreSQL:
//! baselines and their versions, the read model kept in step with returns, hand-calculated
//! savings in nominal and real terms, inherited baselines, targets and explanations.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::domain::savings::Rag;
use app::domain::spend_line::{LineInput, SpendLine};
use app::domain::{FinancialYear, Money, ReturnAction, ReturnStatus, Role, SpendCategory};
use app::error::AppError;
use app::model::CurrentUser;
use app::services::{initiatives, returns, savings};
use http::StatusCode;
use std::collections::HashMap;
use tests::{form, on_both_backends, test_client, Backend, TestApp};

fn fy(text: &str) -> FinancialYear {
    text.parse().unwrap()
}

/// Fife's baseline for the worked example: £399,000.00 in 2008-09.
fn fife_baseline(reason: &str) -> HashMap<String, String> {
    form(&[
        ("org", "council-fife"),
        ("year", "2008-09"),
        ("hardware", "100000"),
        ("staff", "250,000.00"),
        ("energy", "50000"),
        ("other", "-1000"),
        ("reason", reason),
    ])
}

/// Records a baseline as the body's officer proposes it, and approves it as the programme
/// office does (ADR 0010, rule 8: only approved versions count).
async fn record_approved(
    app: &TestApp,
    officer: &CurrentUser,
    code: &str,
    form: &HashMap<String, String>,
) {
    async {
        let actor = tests::actor(officer, Some(&test_client()));
        savings::record_baseline(&app.db, &actor.write_body(code)?, form).await
    }
    .await
    .unwrap();
    static OFFICES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = OFFICES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let office = app
        .user(&format!("office{n}@gov.scot"), Role::Admin, &[])
        .await;
    let page = async {
        let actor = tests::actor(&office, None);
        savings::baseline_page(&app.db, &actor.read_body(code)?, None).await
    }
    .await
    .unwrap();
    let version = page.versions[0].version;
    async {
        let actor = tests::actor(&office, Some(&test_client()));
        savings::decide_baseline(&app.db, &actor.office()?, code, version, true, "").await
    }
    .await
    .unwrap();
}

/// Enters, submits and (unless `approve` is false) approves a return.
async fn file_return(
    app: &TestApp,
    officer: &CurrentUser,
    board: &CurrentUser,
    org: &str,
    year: &str,
    lines: &[(SpendCategory, &str, &str)],
    approve: bool,
) {
    let key = returns::ReturnRef {
        org_code: org,
        fy: fy(year),
    };
    let c = test_client();
    let draft = async {
        let actor = tests::actor(officer, Some(&c));
        let key = &key;
        returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    let inputs: Vec<(SpendCategory, LineInput<'_>)> = lines
        .iter()
        .map(|(category, capital, revenue)| {
            (
                *category,
                LineInput {
                    capital,
                    revenue,
                    fte: if *category == SpendCategory::StaffCost {
                        "5"
                    } else {
                        ""
                    },
                    ..LineInput::default()
                },
            )
        })
        .collect();
    let parsed = returns::parse_lines(&inputs).unwrap();
    let saved = async {
        let actor = tests::actor(officer, Some(&c));
        let key = &key;
        returns::save_lines(
            &app.db,
            &actor.write_body(key.org_code)?,
            key.fy,
            draft.row_version,
            &parsed.into(),
            &[],
        )
        .await
    }
    .await
    .unwrap();
    let submitted = async {
        let actor = tests::actor(officer, Some(&c));
        returns::act(
            &app.db,
            &actor,
            &key,
            saved.row_version,
            ReturnAction::Submit,
            None,
        )
        .await
    }
    .await
    .unwrap();
    if approve {
        async {
            let actor = tests::actor(board, Some(&c));
            returns::act(
                &app.db,
                &actor,
                &key,
                submitted.row_version,
                ReturnAction::Approve,
                None,
            )
            .await
        }
        .await
        .unwrap();
    }
}

const FIFE_2013: [(SpendCategory, &str, &str); 4] = [
    (SpendCategory::Hardware, "5000", "75000"),
    (SpendCategory::StaffCost, "", "240000"),
    (SpendCategory::Energy, "", "45000.50"),
    // A figure for every category of the baseline, £0 allowed (ADR 0010: blank is not zero).
    (SpendCategory::Other, "", "0"),
];

/// The worked example for one council, by hand.
///
/// Fife Council records its 2008-09 baseline: hardware £100,000.00, staff £250,000.00, energy
/// £50,000.00 and other costs −£1,000.00 (a credit): £399,000.00 in all. Its approved 2013-14
/// return holds hardware £5,000.00 capital + £75,000.00 revenue = £80,000.00, staff
/// £240,000.00 and energy £45,000.50: £365,000.50.
///
/// Nominal: saving = £399,000.00 − £365,000.50 = £33,999.50.
///
/// Real terms at 2024-25 prices, with the fixture's HM Treasury GDP deflators (2008-09 =
/// 66.8397, 2013-14 = 73.0337, 2024-25 = 100):
///   factor 2008-09 = 100 ÷ 66.8397 = 1.4961168288 (rounded once, to 10 places)
///   factor 2013-14 = 100 ÷ 73.0337 = 1.3692309167
///   baseline = 399,000.00 × 1.4961168288 = 596,950.6146912
///   actual   = 365,000.50 × 1.3692309167 = 499,769.96921095835
///   saving   = 97,180.64548024165, shown as £97,180.65.
///
/// Target (profile "low", apportioned by share of the review's national baseline): the
/// 2013-14 national target £120,000,000 × £399,000 ÷ £1,400,000,000 = £34,200.00; the saving
/// is 99.4% of it: amber, so the body must explain.
async fn a_council_saving_matches_the_hand_calculation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    record_approved(
        &app,
        &officer,
        "council-fife",
        &fife_baseline("From the 2008-09 accounts"),
    )
    .await;
    file_return(
        &app,
        &officer,
        &board,
        "council-fife",
        "2013-14",
        &FIFE_2013,
        true,
    )
    .await;

    let nominal = async {
        let actor = tests::actor(&board, None);
        savings::trace(
            &app.db,
            &actor.read_body("council-fife")?,
            fy("2013-14"),
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(nominal.saving_exact, "33999.5");
    assert_eq!(nominal.saving, Money::from_pence(3_399_950));
    assert_eq!(nominal.return_version, 1);
    assert!(!nominal.provisional);
    let hardware = nominal
        .lines
        .iter()
        .find(|l| l.category == "hardware")
        .unwrap();
    assert_eq!(hardware.baseline[0].amount, Money::from_pence(10_000_000));
    assert_eq!(
        hardware.actual.as_ref().unwrap().amount,
        Money::from_pence(8_000_000)
    );
    assert_eq!(hardware.saving_exact, "20000");

    let real = async {
        let actor = tests::actor(&board, None);
        savings::trace(
            &app.db,
            &actor.read_body("council-fife")?,
            fy("2013-14"),
            Some("real-2024-25"),
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(real.baseline_exact, "596950.6146912");
    assert_eq!(real.actual_exact, "499769.96921095835");
    assert_eq!(real.saving_exact, "97180.64548024165");
    assert_eq!(real.saving, Money::from_pence(9_718_065));
    let energy = real.lines.iter().find(|l| l.category == "energy").unwrap();
    let term = &energy.baseline[0];
    assert_eq!(
        (
            term.index_from.as_deref(),
            term.index_to.as_deref(),
            term.factor.as_str()
        ),
        (Some("66.8397"), Some("100"), "1.4961168288")
    );
    assert!(real
        .deflator_release
        .as_deref()
        .unwrap()
        .contains("March 2026"));
    assert!(
        !real.deflators_verified,
        "the shipped deflators are marked unverified"
    );

    assert_eq!(nominal.target, Some(Money::from_pence(3_420_000)));
    assert_eq!(nominal.rag, Rag::Amber);

    // The body's page and the national summary show the same figures.
    let body = async {
        let actor = tests::actor(&officer, None);
        savings::body(&app.db, &actor.read_body("council-fife")?, None).await
    }
    .await
    .unwrap();
    let year = body.years.iter().find(|y| y.year == fy("2013-14")).unwrap();
    assert_eq!(year.saving, Some(Money::from_pence(3_399_950)));
    assert_eq!(year.target, Some(Money::from_pence(3_420_000)));
    assert_eq!((year.status.as_str(), year.rag), ("counted", Rag::Amber));
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
    let national = summary
        .years
        .iter()
        .find(|y| y.year == fy("2013-14"))
        .unwrap();
    assert_eq!(national.saving, Money::from_pence(3_399_950));
    assert_eq!(national.target, Some(Money::from_pence(12_000_000_000)));
    assert_eq!(national.bodies_counted, 1);
    let real_summary = async {
        let actor = tests::actor(&board, None);
        savings::summary(
            &app.db,
            &actor.read_all()?,
            &savings::SummaryQuery {
                basis: Some("real-2024-25".into()),
                ..Default::default()
            },
        )
        .await
    }
    .await
    .unwrap();
    let national = real_summary
        .years
        .iter()
        .find(|y| y.year == fy("2013-14"))
        .unwrap();
    assert_eq!(national.saving, Money::from_pence(9_718_065));
    // By category, for the year of the bodies' table: hardware £100,000 − £80,000.
    let hardware = summary
        .categories
        .iter()
        .find(|c| c.code == "hardware")
        .unwrap();
    assert_eq!(summary.year, Some(fy("2013-14")));
    assert_eq!(
        (hardware.baseline, hardware.actual, hardware.saving),
        (
            Money::from_pence(10_000_000),
            Money::from_pence(8_000_000),
            Money::from_pence(2_000_000)
        )
    );
    let category_total: i64 = summary.categories.iter().map(|c| c.saving.pence()).sum();
    assert_eq!(
        category_total, 3_399_950,
        "the categories add up to the year's saving"
    );
    let coverage = &summary.coverage[0];
    assert_eq!(
        (coverage.recorded, coverage.bodies_with_baseline),
        (Money::from_pence(39_900_000), 1)
    );
    assert_eq!(coverage.percent.as_deref(), Some("0.0%"));

    // The JSON endpoint gives the same trace.
    let password = app.create_user("board2@gov.scot", Role::Board, &[]).await;
    let token = app.login("board2@gov.scot", &password).await;
    let response = app
        .get_as(
            "/api/v1/savings/council-fife/2013-14/calculation?basis=real-2024-25",
            token.as_deref(),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let json: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!(json["saving_exact"], "97180.64548024165");
    app.teardown().await;
}

async fn missing_a_target_needs_an_explanation_shown_beside_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    let admin = app.user("admin@gov.scot", Role::Admin, &[]).await;
    record_approved(&app, &officer, "council-fife", &fife_baseline("accounts")).await;
    file_return(
        &app,
        &officer,
        &board,
        "council-fife",
        "2013-14",
        &FIFE_2013,
        true,
    )
    .await;

    let empty = async {
        let actor = tests::actor(&officer, Some(&test_client()));
        savings::explain_target(
            &app.db,
            &actor.write_body("council-fife")?,
            fy("2013-14"),
            "  ",
        )
        .await
    }
    .await;
    assert!(matches!(empty, Err(AppError::Validation { ref field, .. }) if field == "explanation"));
    assert!(matches!(
        async {
            let actor = tests::actor(&board, Some(&test_client()));
            savings::explain_target(
                &app.db,
                &actor.write_body("council-fife")?,
                fy("2013-14"),
                "x",
            )
            .await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    async {
        let actor = tests::actor(&officer, Some(&test_client()));
        savings::explain_target(
            &app.db,
            &actor.write_body("council-fife")?,
            fy("2013-14"),
            "A data-centre move slipped to 2014-15.",
        )
        .await
    }
    .await
    .unwrap();
    let summary = async {
        let actor = tests::actor(&board, None);
        savings::summary(
            &app.db,
            &actor.read_all()?,
            &savings::SummaryQuery {
                year: Some("2013-14".into()),
                ..Default::default()
            },
        )
        .await
    }
    .await
    .unwrap();
    let fife = summary
        .bodies
        .iter()
        .find(|b| b.code == "council-fife")
        .unwrap();
    assert_eq!(fife.rag, Rag::Amber);
    assert_eq!(
        fife.explanation.as_deref(),
        Some("A data-centre move slipped to 2014-15.")
    );

    // The programme office lowers the 2013-14 target: £110m × 399,000 ÷ 1.4bn = £31,350.00, met.
    let mut edit = form(&[
        ("profile", "low"),
        ("method", "review-national-share"),
        ("target-low-2013-14", "110000000"),
    ]);
    assert!(matches!(
        async {
            let actor = tests::actor(&board, Some(&test_client()));
            savings::save_targets(&app.db, &actor.office()?, &edit).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    edit.insert("target-high-2013-14".into(), "-5".into());
    match async {
        let actor = tests::actor(&admin, Some(&test_client()));
        savings::save_targets(&app.db, &actor.office()?, &edit).await
    }
    .await
    {
        Err(AppError::Form { errors, .. }) => assert_eq!(errors[0].field, "target-high-2013-14"),
        other => panic!("a negative target must be refused: {other:?}"),
    }
    edit.remove("target-high-2013-14");
    async {
        let actor = tests::actor(&admin, Some(&test_client()));
        savings::save_targets(&app.db, &actor.office()?, &edit).await
    }
    .await
    .unwrap();
    let body = async {
        let actor = tests::actor(&officer, None);
        savings::body(&app.db, &actor.read_body("council-fife")?, None).await
    }
    .await
    .unwrap();
    let year = body.years.iter().find(|y| y.year == fy("2013-14")).unwrap();
    assert_eq!(
        (year.target, year.rag),
        (Some(Money::from_pence(3_135_000)), Rag::Green)
    );
    let page = async {
        let actor = tests::actor(&board, None);
        savings::targets_page(&app.db, &actor.read_all()?).await
    }
    .await
    .unwrap();
    let low = page.profiles.iter().find(|p| p.name == "low").unwrap();
    assert!(low.years.iter().any(|(y, m, _, source)| *y == fy("2013-14")
        && *m == Money::from_pence(11_000_000_000)
        && source.starts_with("Edited")));
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity_type IN ('target', 'trajectory') ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(actions, vec!["target_explained", "target_changed"]);
    app.teardown().await;
}

async fn police_scotland_inherits_the_forces_baselines(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let forces = [
        "police-central-scotland",
        "police-dumfries-and-galloway",
        "police-fife",
        "police-grampian",
        "police-lothian-and-borders",
        "police-northern",
        "police-strathclyde",
        "police-tayside",
        "scottish-crime-and-drug-enforcement-agency",
    ];
    let mut orgs: Vec<&str> = forces.to_vec();
    orgs.push("police-scotland");
    orgs.push("scottish-police-services-authority");
    let officer = app.user("officer@police.scot", Role::Officer, &orgs).await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    let mut total = 0i64;
    for (i, code) in forces.iter().enumerate() {
        let pounds = 1_000_000 + 12_345 * i64::try_from(i).unwrap();
        total += pounds * 100;
        let amount = pounds.to_string();
        let mut f = form(&[
            ("year", "2008-09"),
            ("hardware", &amount),
            ("reason", "legacy accounts"),
        ]);
        f.insert("org".into(), (*code).into());
        record_approved(&app, &officer, code, &f).await;
        file_return(
            &app,
            &officer,
            &board,
            code,
            "2012-13",
            &[(SpendCategory::Hardware, "", &amount)],
            true,
        )
        .await;
    }
    file_return(
        &app,
        &officer,
        &board,
        "police-scotland",
        "2013-14",
        &[(SpendCategory::Hardware, "", "8000000")],
        true,
    )
    .await;

    let body = async {
        let actor = tests::actor(&board, None);
        savings::body(&app.db, &actor.read_body("police-scotland")?, None).await
    }
    .await
    .unwrap();
    assert!(
        body.problems
            .iter()
            .any(|p| p.contains("Scottish Police Services Authority has no baseline")),
        "{:?}",
        body.problems
    );
    // Issue 14: with the SPSA's part missing, the inheritance is incomplete, and the year is
    // shown as such — never counted as if it were covered.
    let year = body.years.iter().find(|y| y.year == fy("2013-14")).unwrap();
    assert_eq!(year.status, "incomplete-baseline");
    assert_eq!(year.saving, None);

    // The SPSA records its baseline and return, and the office records how its 2013 split
    // divides (all of its ICT to Police Scotland, none to the Authority, for this test).
    let spsa = 250_000i64;
    total += spsa * 100;
    let mut f = form(&[
        ("year", "2008-09"),
        ("hardware", "250000"),
        ("reason", "legacy accounts"),
    ]);
    f.insert("org".into(), "scottish-police-services-authority".into());
    record_approved(&app, &officer, "scottish-police-services-authority", &f).await;
    file_return(
        &app,
        &officer,
        &board,
        "scottish-police-services-authority",
        "2012-13",
        &[(SpendCategory::Hardware, "", "250000")],
        true,
    )
    .await;
    let admin = app.user("admin@gov.scot", Role::Admin, &[]).await;
    for (successor, share) in [
        ("police-scotland", "100%"),
        ("scottish-police-authority", "0%"),
    ] {
        async {
            let actor = tests::actor(&admin, Some(&test_client()));
            savings::record_succession(
                &app.db,
                &actor.office()?,
                &form(&[
                    ("predecessor", "scottish-police-services-authority"),
                    ("successor", successor),
                    ("effective_date", "2013-04-01"),
                    ("kind", "split"),
                    ("share", share),
                ]),
            )
            .await
        }
        .await
        .unwrap();
    }
    let body = async {
        let actor = tests::actor(&board, None);
        savings::body(&app.db, &actor.read_body("police-scotland")?, None).await
    }
    .await
    .unwrap();
    assert_eq!(
        body.baseline_total,
        Some(Money::from_pence(total)),
        "the sum of its predecessors': {:?}",
        body.problems
    );
    assert!(!body.baseline_own);
    assert_eq!(body.baseline_sources.len(), 10);
    let year = body.years.iter().find(|y| y.year == fy("2013-14")).unwrap();
    assert_eq!(year.saving, Some(Money::from_pence(total - 800_000_000)));
    assert!(
        body.years.iter().all(|y| y.year >= fy("2013-14")),
        "it did not exist before 2013-14"
    );

    // Sector totals: 2012-13 is the nine predecessors, 2013-14 their successor; the baseline is
    // the same in both years (a merger preserves totals).
    let summary = async {
        let actor = tests::actor(&board, None);
        savings::summary(
            &app.db,
            &actor.read_all()?,
            &savings::SummaryQuery {
                sector: Some("police-fire".into()),
                ..Default::default()
            },
        )
        .await
    }
    .await
    .unwrap();
    let baseline = |y: &str| {
        summary
            .years
            .iter()
            .find(|r| r.year == fy(y))
            .unwrap()
            .baseline
    };
    assert_eq!(baseline("2012-13"), Money::from_pence(total));
    assert_eq!(baseline("2013-14"), Money::from_pence(total));
    assert_eq!(
        summary
            .years
            .iter()
            .find(|r| r.year == fy("2012-13"))
            .unwrap()
            .bodies_counted,
        10
    );

    // The trace names each predecessor.
    let trace = async {
        let actor = tests::actor(&board, None);
        savings::trace(
            &app.db,
            &actor.read_body("police-scotland")?,
            fy("2013-14"),
            None,
        )
        .await
    }
    .await
    .unwrap();
    let sources: Vec<&str> = trace.lines[0]
        .baseline
        .iter()
        .map(|t| t.source.as_str())
        .collect();
    assert_eq!(sources.len(), 10);
    assert!(
        sources[0].contains("inherited by succession"),
        "{sources:?}"
    );
    app.teardown().await;
}

async fn a_restated_baseline_keeps_every_version_and_moves_the_figures(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    record_approved(&app, &officer, "council-fife", &fife_baseline("accounts")).await;
    file_return(
        &app,
        &officer,
        &board,
        "council-fife",
        "2013-14",
        &FIFE_2013,
        true,
    )
    .await;
    let mut restated = fife_baseline("Energy was under-counted: the 2008-09 bills, restated");
    restated.insert("energy".into(), "60000".into());
    async {
        let actor = tests::actor(&officer, Some(&test_client()));
        savings::record_baseline(&app.db, &actor.write_body("council-fife")?, &restated).await
    }
    .await
    .unwrap();
    // Issue 14: a restatement silently moved every saving already reported. Now it is a
    // proposal: nothing moves until the programme office approves it, having seen the effect.
    let proposed = async {
        let actor = tests::actor(&board, None);
        savings::trace(
            &app.db,
            &actor.read_body("council-fife")?,
            fy("2013-14"),
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(
        proposed.saving_exact, "33999.5",
        "a proposal changes nothing"
    );
    let office = app.user("office@gov.scot", Role::Admin, &[]).await;
    let before = async {
        let actor = tests::actor(&office, None);
        savings::baseline_page(&app.db, &actor.read_body("council-fife")?, None).await
    }
    .await
    .unwrap();
    assert!(before.may_decide);
    assert_eq!(before.versions[0].status, "proposed");
    let effect = &before.versions[0].effect;
    assert_eq!(effect.len(), 1, "{effect:?}");
    assert_eq!(
        (effect[0].year, effect[0].before, effect[0].after),
        (
            fy("2013-14"),
            Some(Money::from_pence(3_399_950)),
            Some(Money::from_pence(4_399_950))
        ),
        "old → new for every year already reported"
    );
    assert!(matches!(
        async {
            let actor = tests::actor(&officer, Some(&test_client()));
            savings::decide_baseline(&app.db, &actor.office()?, "council-fife", 2, true, "").await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        async { let actor = tests::actor(&office, Some(&test_client())); savings::decide_baseline(&app.db, &actor.office()?, "council-fife", 2, false, " ").await }.await,
        Err(AppError::Validation { field, .. }) if field == "reason"
    ));
    async {
        let actor = tests::actor(&office, Some(&test_client()));
        savings::decide_baseline(&app.db, &actor.office()?, "council-fife", 2, true, "").await
    }
    .await
    .unwrap();
    assert!(matches!(
        async {
            let actor = tests::actor(&office, Some(&test_client()));
            savings::decide_baseline(&app.db, &actor.office()?, "council-fife", 2, true, "").await
        }
        .await,
        Err(AppError::Conflict(_))
    ));

    let page = async {
        let actor = tests::actor(&board, None);
        savings::baseline_page(&app.db, &actor.read_body("council-fife")?, None).await
    }
    .await
    .unwrap();
    assert_eq!(page.versions.len(), 2);
    assert_eq!(page.versions[0].version, 2, "newest first");
    assert_eq!(page.versions[0].total, Money::from_pence(40_900_000));
    assert!(page.versions[0]
        .reason
        .starts_with("Energy was under-counted"));
    assert_eq!(
        page.versions[0].recorded_by.as_deref(),
        Some("officer@fife.gov.uk")
    );
    assert_eq!(page.versions[1].total, Money::from_pence(39_900_000));
    assert!(!page.may_record, "the board reads but does not record");

    let trace = async {
        let actor = tests::actor(&board, None);
        savings::trace(
            &app.db,
            &actor.read_body("council-fife")?,
            fy("2013-14"),
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(
        trace.saving_exact, "43999.5",
        "the read model moved with the restatement"
    );
    assert!(trace
        .lines
        .iter()
        .flat_map(|l| &l.baseline)
        .all(|t| t.source.contains("version 2")));
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity_type = 'baseline' ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        actions,
        vec![
            "baseline_recorded",
            "baseline_approved",
            "baseline_restated",
            "baseline_approved"
        ]
    );

    // A proposal the office returns, with its reason, never counts.
    let mut third = fife_baseline("Restated again");
    third.insert("hardware".into(), "1".into());
    async {
        let actor = tests::actor(&officer, Some(&test_client()));
        savings::record_baseline(&app.db, &actor.write_body("council-fife")?, &third).await
    }
    .await
    .unwrap();
    async {
        let actor = tests::actor(&office, Some(&test_client()));
        savings::decide_baseline(
            &app.db,
            &actor.office()?,
            "council-fife",
            3,
            false,
            "Hardware of £1 does not match the 2008-09 accounts",
        )
        .await
    }
    .await
    .unwrap();
    let page = async {
        let actor = tests::actor(&officer, None);
        savings::baseline_page(&app.db, &actor.read_body("council-fife")?, None).await
    }
    .await
    .unwrap();
    assert_eq!(page.versions[0].status, "returned");
    assert!(page.versions[0]
        .decision_reason
        .as_deref()
        .is_some_and(|r| r.contains("2008-09 accounts")));
    let trace = async {
        let actor = tests::actor(&board, None);
        savings::trace(
            &app.db,
            &actor.read_body("council-fife")?,
            fy("2013-14"),
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(
        trace.saving_exact, "43999.5",
        "a returned version changes nothing"
    );

    // Prefilled from the return: the form holds its totals.
    let prefilled = async {
        let actor = tests::actor(&officer, None);
        savings::baseline_page(&app.db, &actor.read_body("council-fife")?, Some("2013-14")).await
    }
    .await
    .unwrap();
    assert_eq!(prefilled.form_year, fy("2013-14"));
    let energy = prefilled
        .form_amounts
        .iter()
        .find(|(code, _, _)| code == "energy")
        .unwrap();
    assert_eq!(energy.2, "45000.50");
    app.teardown().await;
}

async fn bad_baseline_input_names_each_field_and_saves_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let angus = app
        .user("officer@angus.gov.uk", Role::Officer, &["council-angus"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    let bad = form(&[
        ("org", "council-fife"),
        ("year", "2008/9x"),
        ("hardware", "12abc"),
        ("staff", "-5"),
        ("software", "2000000000"),
        ("reason", ""),
    ]);
    match async {
        let actor = tests::actor(&officer, Some(&test_client()));
        savings::record_baseline(&app.db, &actor.write_body("council-fife")?, &bad).await
    }
    .await
    {
        Err(AppError::Form { errors, values }) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(
                fields,
                vec!["year", "hardware", "software", "staff", "reason"]
            );
            assert!(errors[2].message.contains("£1bn"), "{}", errors[2].message);
            assert!(
                values.iter().any(|(k, v)| k == "hardware" && v == "12abc"),
                "what was typed comes back"
            );
        }
        other => panic!("expected a refused form, got {other:?}"),
    }
    for who in [&angus, &board] {
        assert!(matches!(
            async {
                let actor = tests::actor(who, Some(&test_client()));
                savings::record_baseline(
                    &app.db,
                    &actor.write_body("council-fife")?,
                    &fife_baseline("x"),
                )
                .await
            }
            .await,
            Err(AppError::Forbidden)
        ));
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM baselines")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing was written");
    assert!(matches!(
        async {
            let actor = tests::actor(&officer, None);
            savings::summary(
                &app.db,
                &actor.read_all()?,
                &savings::SummaryQuery::default(),
            )
            .await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        async {
            let actor = tests::actor(&angus, None);
            savings::body(&app.db, &actor.read_body("council-fife")?, None).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    let unknown = async {
        let actor = tests::actor(&board, None);
        savings::summary(
            &app.db,
            &actor.read_all()?,
            &savings::SummaryQuery {
                basis: Some("real-1999-00".into()),
                ..Default::default()
            },
        )
        .await
    }
    .await;
    assert!(matches!(unknown, Err(AppError::Validation { ref field, .. }) if field == "basis"));
    app.teardown().await;
}

async fn only_submitted_and_approved_returns_count(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    record_approved(&app, &officer, "council-fife", &fife_baseline("accounts")).await;
    file_return(
        &app,
        &officer,
        &board,
        "council-fife",
        "2013-14",
        &FIFE_2013,
        false,
    )
    .await;
    let status = |body: &app::model::savings::BodySavings| {
        body.years
            .iter()
            .find(|y| y.year == fy("2013-14"))
            .map(|y| y.status.clone())
            .unwrap()
    };
    let body = async {
        let actor = tests::actor(&board, None);
        savings::body(&app.db, &actor.read_body("council-fife")?, None).await
    }
    .await
    .unwrap();
    assert_eq!(status(&body), "provisional");
    let key = returns::ReturnRef {
        org_code: "council-fife",
        fy: fy("2013-14"),
    };
    let current = async {
        let actor = tests::actor(&board, None);
        let key = &key;
        returns::get(&app.db, &actor.read_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    async {
        let actor = tests::actor(&board, Some(&test_client()));
        returns::act(
            &app.db,
            &actor,
            &key,
            current.row_version,
            ReturnAction::SendBack,
            Some("Check the energy line"),
        )
        .await
    }
    .await
    .unwrap();
    let body = async {
        let actor = tests::actor(&board, None);
        savings::body(&app.db, &actor.read_body("council-fife")?, None).await
    }
    .await
    .unwrap();
    assert_eq!(
        status(&body),
        "no-return",
        "a return sent back no longer counts"
    );
    assert!(matches!(
        async {
            let actor = tests::actor(&board, None);
            savings::trace(
                &app.db,
                &actor.read_body("council-fife")?,
                fy("2013-14"),
                None,
            )
            .await
        }
        .await,
        Err(AppError::NotFound(_))
    ));
    app.teardown().await;
}

/// From the fixtures alone: the review's headline trajectory, annual and cumulative.
async fn the_fixtures_reproduce_the_review_trajectory(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    let page = async {
        let actor = tests::actor(&board, None);
        savings::targets_page(&app.db, &actor.read_all()?).await
    }
    .await
    .unwrap();
    let profile = |name: &str| {
        page.profiles
            .iter()
            .find(|p| p.name == name)
            .unwrap()
            .clone()
    };
    let millions = |m: Money| m.pence() / 100_000_000;
    for (name, annual, cumulative) in [
        ("low", [60, 120, 180, 230, 280], [60, 180, 360, 590, 870]),
        ("high", [70, 140, 210, 280, 300], [70, 210, 420, 700, 1000]),
    ] {
        let p = profile(name);
        let years: Vec<String> = p.years.iter().map(|y| y.0.to_string()).collect();
        assert_eq!(
            years,
            ["2012-13", "2013-14", "2014-15", "2015-16", "2016-17"],
            "savings from 2012-13"
        );
        assert_eq!(
            p.years.iter().map(|y| millions(y.1)).collect::<Vec<_>>(),
            annual
        );
        assert_eq!(
            p.years.iter().map(|y| millions(y.2)).collect::<Vec<_>>(),
            cumulative
        );
        // The review's published constraints: at least £230m a year by 2015-16, £870m-£1bn
        // over the five years, at most £300m a year.
        let y2015 = millions(p.years[3].1);
        assert!((230..=300).contains(&y2015), "{name}: £{y2015}m in 2015-16");
        assert!((870..=1000).contains(&cumulative[4]));
    }
    assert_eq!(page.profile, "low");
    assert_eq!(
        page.method,
        app::domain::savings::ApportionMethod::ReviewNationalShare
    );
    // £56.1m of confirmed benefits (2011-14) against the £870m floor: the ratio the tracker
    // computes itself (shared/DOMAIN.md §7): 6.45%.
    let floor = profile("low").years[4].2;
    let ratio = rust_decimal::Decimal::from(5_610_000_000i64) * rust_decimal::Decimal::from(100)
        / rust_decimal::Decimal::from(floor.pence());
    assert_eq!(ratio.round_dp(2).to_string(), "6.45");
    app.teardown().await;
}

/// The demo data seeds, counts and is not written twice.
async fn the_demo_data_shows_savings_for_the_board(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.user("admin@gov.scot", Role::Admin, &[]).await;
    let home = app.get("/organisations").await;
    assert!(
        !home.body.contains("demo-data-banner"),
        "no demo data, no banner"
    );
    let written = app::services::demo::seed(&app.db, admin.id).await.unwrap();
    assert!(written > 200, "{written} returns");
    // Issue 14: the phase banner said figures come from published sources while the returns
    // were synthetic. Every page now says so.
    for path in ["/organisations", "/login", "/dashboard"] {
        let page = app.get(path).await;
        assert!(
            page.body.contains(r#"id="demo-data-banner""#) && page.body.contains("synthetic"),
            "{path}"
        );
    }
    assert_eq!(
        app::services::demo::seed(&app.db, admin.id).await.unwrap(),
        0,
        "seeding twice changes nothing"
    );
    let summary = async {
        let actor = tests::actor(&admin, None);
        savings::summary(
            &app.db,
            &actor.read_all()?,
            &savings::SummaryQuery::default(),
        )
        .await
    }
    .await
    .unwrap();
    let y2013 = summary
        .years
        .iter()
        .find(|y| y.year == fy("2013-14"))
        .unwrap();
    assert!(y2013.saving > Money::ZERO);
    assert!(
        summary.demo_data,
        "the figures say they include synthetic data"
    );
    // The calculation trail carries the labels too.
    let trace = async {
        let actor = tests::actor(&admin, None);
        savings::trace(
            &app.db,
            &actor.read_body("council-fife")?,
            fy("2013-14"),
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert!(trace.demo_data);
    assert!(
        trace
            .target_working
            .as_deref()
            .unwrap()
            .contains("illustrative"),
        "{:?}",
        trace.target_working
    );
    // The one figure reported at the time, with its source and its share of the £870m minimum.
    let reported = &summary.reported[0];
    assert_eq!(reported.amount, Money::from_pounds(56_100_000).unwrap());
    assert_eq!(reported.share_of_minimum.as_deref(), Some("6.45%"));
    assert!(reported.source.contains("Sunday Herald"));
    // Councils, NHS boards and the fire service; Police Scotland and the Police Authority inherit
    // from the SPSA, whose split has no published shares: incomplete, listed, not counted.
    assert!(y2013.bodies_counted >= 47, "{}", y2013.bodies_counted);
    assert!(
        summary
            .not_counted
            .iter()
            .any(|r| r.code == "police-scotland" && r.reason.starts_with("incomplete")),
        "{:?}",
        summary.not_counted
    );
    let fife = summary
        .bodies
        .iter()
        .find(|b| b.code == "council-fife")
        .unwrap();
    assert!(
        fife.provisional,
        "Fife's 2016-17 return is submitted, not approved"
    );
    // Rebuilding the read model from scratch gives the same figures.
    app::services::savings::refresh_all(&app.db).await.unwrap();
    let again = async {
        let actor = tests::actor(&admin, None);
        savings::summary(
            &app.db,
            &actor.read_all()?,
            &savings::SummaryQuery::default(),
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(again.years, summary.years);
    app.teardown().await;
}

async fn the_pages_render_without_javascript(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer_password = app
        .create_user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board_password = app.create_user("board@gov.scot", Role::Board, &[]).await;
    let officer = app.login("officer@fife.gov.uk", &officer_password).await;
    let board = app.login("board@gov.scot", &board_password).await;
    // A plain HTML form post records the baseline and comes back to the page.
    let response = app
        .post_form(
            "/api/savings/record-baseline",
            &[
                ("org", "council-fife"),
                ("year", "2008-09"),
                ("hardware", "1000"),
                ("reason", "From the accounts"),
            ],
            officer.as_deref(),
        )
        .await;
    assert!(
        response.status.is_success() || response.status.is_redirection(),
        "{}: {}",
        response.status,
        response.body
    );
    let page = app
        .get_as("/savings/council-fife/baseline", officer.as_deref())
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body;
    assert!(
        html.contains("id=\"baseline-versions\"") && html.contains("From the accounts"),
        "{html}"
    );
    assert!(html.contains("id=\"baseline-form\""));
    for path in [
        "/savings",
        "/savings?basis=real-2024-25&sector=local-government",
        "/trajectory",
        "/savings/council-fife",
    ] {
        let page = app.get_as(path, board.as_deref()).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    }
    let summary = app.get_as("/savings", board.as_deref()).await.body;
    assert!(
        summary.contains("id=\"savings-years\"") && summary.contains("id=\"savings-coverage\"")
    );
    let officer_summary = app.get_as("/savings", officer.as_deref()).await;
    assert_eq!(officer_summary.status, StatusCode::FORBIDDEN);
    app.teardown().await;
}

/// SWAN: the Scottish Government provides it and claims Fife's saving; Fife claims it too.
async fn initiatives_are_classed_kept_apart_and_double_counts_flagged(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let fife = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let sg = app
        .user("officer@gov.scot", Role::Officer, &["scottish-government"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    let claim = |org: &str, party: &str, one_off: &str, counterparty: &str| {
        form(&[
            ("org", org),
            ("title", "SWAN network"),
            ("kind", "shared-service"),
            ("class", "cash-releasing"),
            ("evidence", "partial"),
            ("recurring", "40000"),
            ("one_off", one_off),
            ("first_year", "2014-15"),
            ("party", party),
            ("service", "swan"),
            ("counterparty", counterparty),
            (
                "quality_note",
                "The same network service at a lower price; no sites dropped.",
            ),
        ])
    };
    let bad = form(&[
        ("org", "council-fife"),
        ("title", ""),
        ("kind", "shared-service"),
        ("class", "savings"),
        ("evidence", "partial"),
        ("recurring", "-1"),
        ("first_year", "2015-16"),
        ("last_year", "2014-15"),
        ("party", "consumer"),
        ("counterparty", "council-atlantis"),
        ("quality_note", ""),
    ]);
    match async {
        let actor = tests::actor(&fife, Some(&test_client()));
        initiatives::record_initiative(&app.db, &actor.write_body("council-fife")?, &bad).await
    }
    .await
    {
        Err(AppError::Form { errors, .. }) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(
                fields,
                vec![
                    "title",
                    "class",
                    "recurring",
                    "last_year",
                    "service",
                    "quality_note",
                    "counterparty"
                ]
            );
        }
        other => panic!("expected a refused form, got {other:?}"),
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM initiatives")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing was written");
    assert!(matches!(
        async {
            let actor = tests::actor(&fife, Some(&test_client()));
            initiatives::record_initiative(
                &app.db,
                &actor.write_body("scottish-government")?,
                &claim("scottish-government", "provider", "0", ""),
            )
            .await
        }
        .await,
        Err(AppError::Forbidden)
    ));

    async {
        let actor = tests::actor(&fife, Some(&test_client()));
        initiatives::record_initiative(
            &app.db,
            &actor.write_body("council-fife")?,
            &claim("council-fife", "consumer", "100000", ""),
        )
        .await
    }
    .await
    .unwrap();
    async {
        let actor = tests::actor(&sg, Some(&test_client()));
        initiatives::record_initiative(
            &app.db,
            &actor.write_body("scottish-government")?,
            &claim("scottish-government", "provider", "0", "council-fife"),
        )
        .await
    }
    .await
    .unwrap();

    let page = async {
        let actor = tests::actor(&board, None);
        initiatives::initiatives_page(&app.db, &actor.read_body("council-fife")?).await
    }
    .await
    .unwrap();
    let swan = &page.initiatives[0];
    assert_eq!(
        swan.payback_year,
        Some(fy("2016-17")),
        "£100,000 one-off at £40,000 a year: three years"
    );
    assert_eq!(
        swan.double_count_with,
        vec!["The Scottish Government".to_owned()]
    );
    assert_eq!(swan.class, "Cash-releasing");

    let summary = async {
        let actor = tests::actor(&board, None);
        savings::summary(
            &app.db,
            &actor.read_all()?,
            &savings::SummaryQuery {
                year: Some("2014-15".into()),
                ..Default::default()
            },
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(summary.double_counts, 1);
    // Issue 14: the flagged claims were both added into the totals (gross £80,000). Each saving
    // counts once: the consumer's claim (Fife's £40,000), the provider's left out and listed.
    let cash = summary
        .initiatives
        .iter()
        .find(|c| c.class == "Cash-releasing")
        .unwrap();
    assert_eq!(
        (cash.gross, cash.one_off, cash.net),
        (
            Money::from_pence(4_000_000),
            Money::from_pence(10_000_000),
            Money::from_pence(-6_000_000)
        )
    );
    assert_eq!(summary.excluded_claims.len(), 1);
    assert_eq!(summary.excluded_claims[0].body, "The Scottish Government");
    assert!(summary.excluded_claims[0].reason.contains("Fife Council"));
    let spend = summary
        .years
        .iter()
        .find(|y| y.year == fy("2014-15"))
        .unwrap();
    assert_eq!(
        spend.saving,
        Money::ZERO,
        "initiative savings are never added to spend-based ones"
    );
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity_type = 'initiative'")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(actions.len(), 2);
    app.teardown().await;
}

/// The SPSA split in 2013 with no published shares: the office records them, and the split
/// passes its baseline on, to the penny.
async fn the_office_records_a_split_and_the_baseline_passes_on(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let spsa = app
        .user(
            "officer@spsa.police.uk",
            Role::Officer,
            &["scottish-police-services-authority"],
        )
        .await;
    let admin = app.user("admin@gov.scot", Role::Admin, &[]).await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    record_approved(
        &app,
        &spsa,
        "scottish-police-services-authority",
        &form(&[
            ("year", "2008-09"),
            ("hardware", "1000.01"),
            ("reason", "accounts"),
        ]),
    )
    .await;
    let before = async {
        let actor = tests::actor(&admin, None);
        savings::successions_page(&app.db, &actor.office()?).await
    }
    .await
    .unwrap();
    assert!(
        before
            .problems
            .iter()
            .any(|p| p.contains("Scottish Police Services Authority split")),
        "{:?}",
        before.problems
    );

    let change = |successor: &str, share: &str| {
        form(&[
            ("predecessor", "scottish-police-services-authority"),
            ("successor", successor),
            ("effective_date", "2013-04-01"),
            ("kind", "split"),
            ("share", share),
        ])
    };
    assert!(matches!(
        async {
            let actor = tests::actor(&board, Some(&test_client()));
            savings::record_succession(&app.db, &actor.office()?, &change("police-scotland", "60%"))
                .await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    async {
        let actor = tests::actor(&admin, Some(&test_client()));
        savings::record_succession(&app.db, &actor.office()?, &change("police-scotland", "60%"))
            .await
    }
    .await
    .unwrap();
    match async {
        let actor = tests::actor(&admin, Some(&test_client()));
        savings::record_succession(
            &app.db,
            &actor.office()?,
            &change("scottish-police-authority", "50%"),
        )
        .await
    }
    .await
    {
        Err(AppError::Form { errors, .. }) => {
            assert!(errors[0].message.contains("more than 100%"), "{errors:?}")
        }
        other => panic!("shares over 100% must be refused: {other:?}"),
    }
    let looping = form(&[
        ("predecessor", "police-scotland"),
        ("successor", "police-fife"),
        ("effective_date", "2014-04-01"),
        ("kind", "merger"),
    ]);
    match async {
        let actor = tests::actor(&admin, Some(&test_client()));
        savings::record_succession(&app.db, &actor.office()?, &looping).await
    }
    .await
    {
        Err(AppError::Form { errors, .. }) => {
            assert!(errors[0].message.contains("loop"), "{errors:?}")
        }
        other => panic!("a loop must be refused: {other:?}"),
    }
    let bad = form(&[
        ("predecessor", "nobody"),
        ("successor", "police-scotland"),
        ("effective_date", "1 April"),
        ("kind", "split"),
        ("share", ""),
    ]);
    match async {
        let actor = tests::actor(&admin, Some(&test_client()));
        savings::record_succession(&app.db, &actor.office()?, &bad).await
    }
    .await
    {
        Err(AppError::Form { errors, .. }) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, vec!["predecessor", "effective_date", "share"]);
        }
        other => panic!("bad input must be refused: {other:?}"),
    }
    async {
        let actor = tests::actor(&admin, Some(&test_client()));
        savings::record_succession(
            &app.db,
            &actor.office()?,
            &change("scottish-police-authority", "40%"),
        )
        .await
    }
    .await
    .unwrap();

    let after = async {
        let actor = tests::actor(&admin, None);
        savings::successions_page(&app.db, &actor.office()?).await
    }
    .await
    .unwrap();
    assert!(
        !after
            .problems
            .iter()
            .any(|p| p.contains("Scottish Police Services Authority split")),
        "{:?}",
        after.problems
    );
    let spsa_rows: Vec<_> = after
        .successions
        .iter()
        .filter(|s| s.predecessor_code == "scottish-police-services-authority")
        .collect();
    assert_eq!(
        spsa_rows
            .iter()
            .map(|s| s.share.clone().unwrap())
            .collect::<Vec<_>>(),
        vec!["60%", "40%"]
    );
    // £1,000.01 split 60:40 is £600.006 and £400.004: £600.01 and £400.00, adding up exactly.
    let police = async {
        let actor = tests::actor(&board, None);
        savings::body(&app.db, &actor.read_body("police-scotland")?, None).await
    }
    .await
    .unwrap();
    let authority = async {
        let actor = tests::actor(&board, None);
        savings::body(
            &app.db,
            &actor.read_body("scottish-police-authority")?,
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(police.baseline_total, Some(Money::from_pence(60_001)));
    assert_eq!(authority.baseline_total, Some(Money::from_pence(40_000)));
    let audit: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'succession_recorded'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(audit, 2);
    app.teardown().await;
}

// ---------------------------------------------------------------- the counting rules (ADR 0010)

/// A return written straight to the store (as one saved before the rules, or by another tool),
/// submitted, with the read model refreshed: what the engine then counts.
async fn store_submitted_return(
    app: &TestApp,
    by: &CurrentUser,
    org: &str,
    year: &str,
    lines: &[SpendLine],
) {
    let mut tx = app.db.begin().await.unwrap();
    let org_id = app::db::returns::org_id(&mut tx, org)
        .await
        .unwrap()
        .unwrap();
    let start = i64::from(fy(year).start_year());
    let id = app::db::returns::insert(&mut tx, org_id, start, 1, 0, by.id)
        .await
        .unwrap();
    app::db::returns::replace_lines(&mut tx, id, lines)
        .await
        .unwrap();
    app::db::returns::update_status(&mut tx, id, 1, ReturnStatus::Submitted, None, 0, by.id)
        .await
        .unwrap();
    savings::refresh(&mut tx, &[org_id]).await.unwrap();
    tx.commit().await.unwrap();
}

fn line(category: SpendCategory, pounds: i64) -> SpendLine {
    SpendLine {
        category,
        capital: Money::ZERO,
        revenue: Money::from_pounds(pounds).unwrap(),
        fte: None,
        note: None,
    }
}

fn year_row<'a>(
    s: &'a app::model::savings::SavingsSummary,
    y: &str,
) -> &'a app::model::savings::YearRow {
    s.years.iter().find(|r| r.year == fy(y)).unwrap()
}

/// Issue 14: `server import … --org police-strathclyde --fy 2014-15 --commit` made "version 1
/// of the 2014-15 return" of a force that ended on 31 March 2013, and once submitted it was
/// counted beside Police Scotland's inherited baseline.
async fn a_return_for_a_year_outside_the_body_s_life_is_refused_and_never_counted(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let officer = app
        .user(
            "officer@strathclyde.police.uk",
            Role::Officer,
            &["police-strathclyde"],
        )
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    let key = returns::ReturnRef {
        org_code: "police-strathclyde",
        fy: fy("2014-15"),
    };
    match async {
        let actor = tests::actor(&officer, Some(&test_client()));
        let key = &key;
        returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
    }
    .await
    {
        Err(AppError::Validation { field, message }) => {
            assert_eq!(field, "financial-year");
            assert!(message.contains("existed until 31 March 2013"), "{message}");
            assert!(message.contains("last return is for 2012-13"), "{message}");
            assert!(message.contains("Police Scotland"), "{message}");
        }
        other => panic!("expected a refusal naming the year, got {other:?}"),
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM spend_returns")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing was written");
    // Its own years still open.
    async {
        let actor = tests::actor(&officer, Some(&test_client()));
        let key = &returns::ReturnRef {
            org_code: "police-strathclyde",
            fy: fy("2012-13"),
        };
        returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    let page = async {
        let actor = tests::actor(&officer, None);
        let key = &key;
        returns::page(&app.db, &actor.read_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    assert!(
        !page.may.start,
        "the page offers no start for a year the body did not exist"
    );
    assert!(page.outside_life.is_some());

    // A return already stored for such a year is never counted and is listed for the office.
    record_approved(
        &app,
        &officer,
        "police-strathclyde",
        &form(&[
            ("year", "2008-09"),
            ("hardware", "1000000"),
            ("reason", "accounts"),
        ]),
    )
    .await;
    store_submitted_return(
        &app,
        &officer,
        "police-strathclyde",
        "2014-15",
        &[line(SpendCategory::Hardware, 1)],
    )
    .await;
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
    assert!(
        summary.years.iter().all(|y| y.bodies_counted == 0),
        "nothing counts: {:?}",
        summary.years
    );
    let listed = summary
        .not_counted
        .iter()
        .find(|r| r.code == "police-strathclyde" && r.year == fy("2014-15"))
        .expect("listed for the programme office");
    assert!(
        listed.reason.contains("did not exist on 1 April"),
        "{}",
        listed.reason
    );
    // The board can still send it back.
    let current = async {
        let actor = tests::actor(&board, None);
        let key = &key;
        returns::get(&app.db, &actor.read_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    async {
        let actor = tests::actor(&board, Some(&test_client()));
        returns::act(
            &app.db,
            &actor,
            &key,
            current.row_version,
            ReturnAction::SendBack,
            Some("This force no longer existed in 2014-15"),
        )
        .await
    }
    .await
    .unwrap();
    app.teardown().await;
}

/// Issue 14: Historic Scotland → Historic Environment Scotland on 1 October 2015 counted the
/// 2015-16 baseline for both bodies. The body existing on 1 April answers for the year.
async fn a_mid_year_succession_counts_the_year_s_baseline_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app
        .user(
            "officer@hes.scot",
            Role::Officer,
            &[
                "historic-scotland",
                "historic-environment-scotland",
                "rcahms",
            ],
        )
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    record_approved(
        &app,
        &officer,
        "historic-scotland",
        &form(&[
            ("year", "2008-09"),
            ("hardware", "2000000"),
            ("reason", "accounts"),
        ]),
    )
    .await;
    file_return(
        &app,
        &officer,
        &board,
        "historic-scotland",
        "2015-16",
        &[(SpendCategory::Hardware, "", "1500000")],
        true,
    )
    .await;
    // The successor's first year is 2016-17.
    let refused = async {
        let actor = tests::actor(&officer, Some(&test_client()));
        let key = &returns::ReturnRef {
            org_code: "historic-environment-scotland",
            fy: fy("2015-16"),
        };
        returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
    }
    .await;
    match refused {
        Err(AppError::Validation { message, .. }) => {
            assert!(
                message.contains("established on 1 October 2015"),
                "{message}"
            );
            assert!(message.contains("first return is for 2016-17"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    file_return(
        &app,
        &officer,
        &board,
        "historic-environment-scotland",
        "2016-17",
        &[(SpendCategory::Hardware, "", "1400000")],
        true,
    )
    .await;
    // Even a stored one adds nothing: the year's baseline is counted once.
    store_submitted_return(
        &app,
        &officer,
        "historic-environment-scotland",
        "2015-16",
        &[line(SpendCategory::Hardware, 700_000)],
    )
    .await;
    // HES also inherits from RCAHMS, which has recorded no baseline yet: incomplete.
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
    assert_eq!(year_row(&summary, "2016-17").bodies_counted, 0);
    assert!(summary
        .not_counted
        .iter()
        .any(|r| r.code == "historic-environment-scotland"
            && r.year == fy("2016-17")
            && r.reason.starts_with("incomplete")));
    record_approved(
        &app,
        &officer,
        "rcahms",
        &form(&[
            ("year", "2008-09"),
            ("hardware", "300000"),
            ("reason", "accounts"),
        ]),
    )
    .await;
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
    let y2015 = year_row(&summary, "2015-16");
    assert_eq!(
        y2015.baseline,
        Money::from_pounds(2_000_000).unwrap(),
        "once, not twice"
    );
    assert_eq!(y2015.saving, Money::from_pounds(500_000).unwrap());
    assert_eq!(y2015.bodies_counted, 1);
    let y2016 = year_row(&summary, "2016-17");
    assert_eq!(
        y2016.baseline,
        Money::from_pounds(2_300_000).unwrap(),
        "both predecessors' baselines, inherited once"
    );
    assert_eq!(y2016.saving, Money::from_pounds(900_000).unwrap());
    // Each year, the bodies answering for it: one of the two.
    for (y, expected) in [
        ("2015-16", "historic-scotland"),
        ("2016-17", "historic-environment-scotland"),
    ] {
        let answering: Vec<&str> = ["historic-scotland", "historic-environment-scotland"]
            .into_iter()
            .filter(|code| {
                summary
                    .not_counted
                    .iter()
                    .all(|r| !(r.code == *code && r.year == fy(y)))
            })
            .collect();
        assert!(answering.contains(&expected), "{y}: {answering:?}");
    }
    app.teardown().await;
}

/// Issue 14: a category left out of a return counted as £0 spend, so its whole baseline counted
/// as saved; a successor whose inheritance was incomplete was shown as covered.
async fn blank_is_not_zero_and_an_incomplete_year_is_not_counted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    record_approved(&app, &officer, "council-fife", &fife_baseline("accounts")).await;
    // The form: software and other left blank; energy typed as 0 is a figure.
    let key = returns::ReturnRef {
        org_code: "council-fife",
        fy: fy("2013-14"),
    };
    let c = test_client();
    let draft = async {
        let actor = tests::actor(&officer, Some(&c));
        let key = &key;
        returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    let typed = |capital: &'static str, revenue: &'static str| LineInput {
        capital,
        revenue,
        ..LineInput::default()
    };
    let parsed = returns::parse_lines(&[
        (SpendCategory::Hardware, typed("", "80000")),
        (SpendCategory::Software, typed("", "")),
        (SpendCategory::StaffCost, typed("", "240000")),
        (SpendCategory::Energy, typed("0", "")),
        (SpendCategory::Other, typed("", "")),
    ])
    .unwrap();
    assert_eq!(
        parsed.len(),
        3,
        "blank categories store no line: {parsed:?}"
    );
    let saved = async {
        let actor = tests::actor(&officer, Some(&c));
        let key = &key;
        returns::save_lines(
            &app.db,
            &actor.write_body(key.org_code)?,
            key.fy,
            draft.row_version,
            &parsed.into(),
            &[],
        )
        .await
    }
    .await
    .unwrap();
    match async {
        let actor = tests::actor(&officer, Some(&c));
        returns::act(
            &app.db,
            &actor,
            &key,
            saved.row_version,
            ReturnAction::Submit,
            None,
        )
        .await
    }
    .await
    {
        Err(AppError::Fields(errors)) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, vec!["other-capital"], "{errors:?}");
            assert!(errors[0].message.contains("blank is not counted as zero"));
        }
        other => panic!("expected the blank category named, got {other:?}"),
    }
    // A return stored without a baseline category is incomplete and not counted.
    store_submitted_return(
        &app,
        &officer,
        "council-fife",
        "2014-15",
        &[
            line(SpendCategory::Hardware, 80_000),
            line(SpendCategory::StaffCost, 240_000),
            line(SpendCategory::Energy, 45_000),
        ],
    )
    .await;
    let body = async {
        let actor = tests::actor(&board, None);
        savings::body(&app.db, &actor.read_body("council-fife")?, None).await
    }
    .await
    .unwrap();
    let y = body.years.iter().find(|y| y.year == fy("2014-15")).unwrap();
    assert_eq!(y.status, "incomplete-return");
    assert_eq!(y.saving, None, "never counted as saved");
    assert!(
        y.not_counted.as_deref().unwrap().contains("other costs"),
        "{:?}",
        y.not_counted
    );
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
    assert_eq!(year_row(&summary, "2014-15").bodies_counted, 0);
    assert_eq!(year_row(&summary, "2014-15").saving, Money::ZERO);

    // A credit may reduce "Other costs" to zero, never below: income is not a saving.
    match returns::parse_lines(&[(SpendCategory::Other, typed("-500", "100"))]) {
        Err(AppError::Fields(errors)) => assert_eq!(errors[0].field, "other-revenue"),
        other => panic!("expected a refused negative category, got {other:?}"),
    }
    app.teardown().await;
}

/// Issue 14, rule 6: income is recorded on the return in its own line and never netted from
/// spend, so however much a body earns its saving is the same — and a restatement carries it.
async fn income_is_recorded_in_its_own_line_and_never_moves_a_saving(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    record_approved(&app, &officer, "council-fife", &fife_baseline("accounts")).await;
    let key = returns::ReturnRef {
        org_code: "council-fife",
        fy: fy("2013-14"),
    };
    let c = test_client();
    let draft = async {
        let actor = tests::actor(&officer, Some(&c));
        let key = &key;
        returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    let inputs: Vec<(SpendCategory, LineInput<'_>)> = FIFE_2013
        .iter()
        .map(|(category, capital, revenue)| {
            (
                *category,
                LineInput {
                    capital,
                    revenue,
                    ..LineInput::default()
                },
            )
        })
        .collect();
    let income = LineInput {
        capital: "2,500",
        revenue: "£120000",
        note: "SWAN recharges to two councils; old servers sold",
        ..LineInput::default()
    };
    let figures = returns::parse_figures(&inputs, &income).unwrap();
    let saved = async {
        let actor = tests::actor(&officer, Some(&c));
        let key = &key;
        returns::save_lines(
            &app.db,
            &actor.write_body(key.org_code)?,
            key.fy,
            draft.row_version,
            &figures,
            &[],
        )
        .await
    }
    .await
    .unwrap();
    let stored = saved.income.clone().unwrap();
    assert_eq!(
        (stored.capital, stored.revenue),
        (Money::from_pence(250_000), Money::from_pence(12_000_000))
    );
    assert_eq!(
        saved.total(),
        Some(Money::from_pence(36_500_050)),
        "the return's spend is its lines alone"
    );
    for action in [ReturnAction::Submit, ReturnAction::Approve] {
        let who = if action == ReturnAction::Submit {
            &officer
        } else {
            &board
        };
        let now = async {
            let actor = tests::actor(who, None);
            let key = &key;
            returns::get(&app.db, &actor.read_body(key.org_code)?, key.fy).await
        }
        .await
        .unwrap();
        async {
            let actor = tests::actor(who, Some(&c));
            returns::act(&app.db, &actor, &key, now.row_version, action, None).await
        }
        .await
        .unwrap();
    }
    // The worked example's saving, to the penny, whatever the income: £399,000.00 − £365,000.50.
    let trace = async {
        let actor = tests::actor(&board, None);
        savings::trace(
            &app.db,
            &actor.read_body("council-fife")?,
            fy("2013-14"),
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(trace.saving_exact, "33999.5");
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
    assert_eq!(
        year_row(&summary, "2013-14").saving,
        Money::from_pence(3_399_950)
    );
    // A restatement starts from the approved figures, income included.
    let approved = async {
        let actor = tests::actor(&officer, None);
        let key = &key;
        returns::get(&app.db, &actor.read_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    let restated = async {
        let actor = tests::actor(&officer, Some(&c));
        returns::act(
            &app.db,
            &actor,
            &key,
            approved.row_version,
            ReturnAction::Restate,
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!((restated.version, restated.income), (2, Some(stored)));
    // Income cannot be negative; a refund of spend is a credit in its category.
    match returns::parse_figures(
        &inputs,
        &LineInput {
            revenue: "-10",
            ..LineInput::default()
        },
    ) {
        Err(AppError::Fields(errors)) => {
            assert_eq!(errors[0].field, "income-revenue");
            assert!(errors[0].message.contains("refund of spend is not income"));
        }
        other => panic!("expected negative income refused, got {other:?}"),
    }
    app.teardown().await;
}

/// Issue 14: in real terms the national 2012-13 line read "saving £122.8m, target £60.0m, Red":
/// a real saving rated against a nominal target (the colour came from the nominal figures).
async fn a_saving_is_rated_against_its_target_on_the_same_basis(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    record_approved(&app, &officer, "council-fife", &fife_baseline("accounts")).await;
    file_return(
        &app,
        &officer,
        &board,
        "council-fife",
        "2013-14",
        &FIFE_2013,
        true,
    )
    .await;
    // Nominal (the hand calculation above): £33,999.50 against £34,200.00, amber.
    let nominal = async {
        let actor = tests::actor(&board, None);
        savings::trace(
            &app.db,
            &actor.read_body("council-fife")?,
            fy("2013-14"),
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(nominal.rag, Rag::Amber);
    // Real terms at 2024-25 prices: the saving is £97,180.65 and the cash target of 2013-14
    // is deflated like the year's spend: £34,200.00 × 1.3692309167 = £46,827.70. Green.
    let real = async {
        let actor = tests::actor(&board, None);
        savings::trace(
            &app.db,
            &actor.read_body("council-fife")?,
            fy("2013-14"),
            Some("real-2024-25"),
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(real.saving, Money::from_pence(9_718_065));
    assert_eq!(real.target, Some(Money::from_pence(4_682_770)));
    assert_eq!(real.rag, Rag::Green);
    assert!(real
        .target_working
        .as_deref()
        .unwrap()
        .contains("1.3692309167"));
    let body = async {
        let actor = tests::actor(&board, None);
        savings::body(
            &app.db,
            &actor.read_body("council-fife")?,
            Some("real-2024-25"),
        )
        .await
    }
    .await
    .unwrap();
    let y = body.years.iter().find(|y| y.year == fy("2013-14")).unwrap();
    assert_eq!(
        (y.target, y.rag),
        (Some(Money::from_pence(4_682_770)), Rag::Green)
    );
    let summary = async {
        let actor = tests::actor(&board, None);
        savings::summary(
            &app.db,
            &actor.read_all()?,
            &savings::SummaryQuery {
                basis: Some("real-2024-25".into()),
                ..Default::default()
            },
        )
        .await
    }
    .await
    .unwrap();
    // National: £120,000,000 × 1.3692309167 = £164,307,710.00; the row's colour compares the
    // real saving with that real target.
    let national = year_row(&summary, "2013-14");
    assert_eq!(national.target, Some(Money::from_pence(16_430_771_000)));
    assert_eq!(national.rag, Rag::Red);
    let fife = summary
        .bodies
        .iter()
        .find(|b| b.code == "council-fife")
        .unwrap();
    assert_eq!(
        (fife.target, fife.rag),
        (Money::from_pence(4_682_770), Rag::Green)
    );
    // A year beyond the trajectory has no target and no colour.
    file_return(
        &app,
        &officer,
        &board,
        "council-fife",
        "2017-18",
        &FIFE_2013,
        true,
    )
    .await;
    let body = async {
        let actor = tests::actor(&board, None);
        savings::body(&app.db, &actor.read_body("council-fife")?, None).await
    }
    .await
    .unwrap();
    let y = body.years.iter().find(|y| y.year == fy("2017-18")).unwrap();
    assert_eq!((y.target, y.rag), (None, Rag::NoTarget));
    app.teardown().await;
}

/// Issue 14: when recorded baselines pass the review's £1.4bn, the default method silently
/// divided by baseline share while the trace still said "÷ the review's national baseline".
async fn the_trace_states_the_apportionment_method_actually_used(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    record_approved(
        &app,
        &officer,
        "council-fife",
        &form(&[
            ("year", "2008-09"),
            ("hardware", "900000000"),
            ("software", "600000000"),
            (
                "reason",
                "an exaggerated baseline, above the review's national £1.4bn",
            ),
        ]),
    )
    .await;
    file_return(
        &app,
        &officer,
        &board,
        "council-fife",
        "2013-14",
        &[
            (SpendCategory::Hardware, "", "800000000"),
            (SpendCategory::Software, "", "600000000"),
        ],
        true,
    )
    .await;
    let trace = async {
        let actor = tests::actor(&board, None);
        savings::trace(
            &app.db,
            &actor.read_body("council-fife")?,
            fy("2013-14"),
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(
        trace.target_method,
        "By each body's share of the recorded baselines"
    );
    let working = trace.target_working.unwrap();
    assert!(
        working.contains("exceed the review's national baseline"),
        "{working}"
    );
    assert!(
        !working.contains("÷ the review's national baseline"),
        "{working}"
    );
    assert_eq!(
        trace.target,
        Some(Money::from_pounds(120_000_000).unwrap()),
        "the whole target"
    );
    app.teardown().await;
}

/// Issue 14: bodies created after 2008-09 had no start date (so they counted as existing since
/// 2008-09), their successions were missing, and no page could add a body.
async fn bodies_carry_their_dates_and_successions_and_the_office_adds_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.user("admin@gov.scot", Role::Admin, &[]).await;
    let officer = app
        .user("officer@gov.scot", Role::Officer, &["education-scotland"])
        .await;
    let dates: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT code, start_date, end_date FROM organisations
          WHERE code IN ('education-scotland', 'national-records-of-scotland', 'creative-scotland',
                         'hm-inspectorate-of-education', 'college-ayr', 'college-ayrshire')
          ORDER BY code",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    let date = |code: &str| dates.iter().find(|d| d.0 == code).cloned().unwrap();
    assert_eq!(date("education-scotland").1.as_deref(), Some("2011-07-01"));
    assert_eq!(
        date("hm-inspectorate-of-education").2.as_deref(),
        Some("2011-06-30")
    );
    assert_eq!(
        date("national-records-of-scotland").1.as_deref(),
        Some("2011-04-01")
    );
    assert_eq!(date("creative-scotland").1.as_deref(), Some("2010-07-01"));
    assert_eq!(date("college-ayrshire").1.as_deref(), Some("2013-08-01"));
    assert_eq!(date("college-ayr").2.as_deref(), Some("2013-07-31"));
    let page = async {
        let actor = tests::actor(&admin, None);
        savings::successions_page(&app.db, &actor.office()?).await
    }
    .await
    .unwrap();
    let into = |successor: &str| -> Vec<&app::model::savings::SuccessionView> {
        page.successions
            .iter()
            .filter(|s| s.successor_code == successor)
            .collect()
    };
    let nrs = into("national-records-of-scotland");
    assert_eq!(
        nrs.len(),
        2,
        "the General Register Office and the National Archives"
    );
    assert!(nrs
        .iter()
        .all(|s| s.source.as_deref().is_some_and(|t| !t.is_empty())));
    assert_eq!(into("education-scotland").len(), 2);
    assert_eq!(
        into("historic-environment-scotland").len(),
        2,
        "Historic Scotland and RCAHMS"
    );
    assert!(
        into("college-glasgow-kelvin").len() >= 3,
        "the 2013 college mergers"
    );
    // Education Scotland's first return is for 2012-13, the first year it existed on 1 April.
    let refused = async {
        let actor = tests::actor(&officer, Some(&test_client()));
        let key = &returns::ReturnRef {
            org_code: "education-scotland",
            fy: fy("2011-12"),
        };
        returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
    }
    .await;
    assert!(
        matches!(&refused, Err(AppError::Validation { message, .. }) if message.contains("first return is for 2012-13")),
        "{refused:?}"
    );

    // The office adds a body; bad input is named at its field and nothing is written.
    let bad = form(&[
        ("code", "college-coatbridge"),
        ("name", "Coatbridge College"),
        ("sector", "education"),
        ("kind", "College"),
        ("start_date", "2009-01-01"),
        ("end_date", "2008-12-31"),
    ]);
    match async {
        let actor = tests::actor(&admin, Some(&test_client()));
        savings::add_body(&app.db, &actor.office()?, &bad).await
    }
    .await
    {
        Err(AppError::Form { errors, .. }) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, vec!["end_date"], "{errors:?}");
            assert!(errors[0].message.contains("cannot end before it starts"));
        }
        other => panic!("expected the end date refused, got {other:?}"),
    }
    let duplicate = form(&[
        ("code", "council-fife"),
        ("name", ""),
        ("sector", "space"),
        ("kind", "Council"),
        ("start_date", "1 April 2013"),
    ]);
    match async {
        let actor = tests::actor(&admin, Some(&test_client()));
        savings::add_body(&app.db, &actor.office()?, &duplicate).await
    }
    .await
    {
        Err(AppError::Form { errors, .. }) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(
                fields,
                vec!["name", "sector", "start_date", "code"],
                "{errors:?}"
            );
        }
        other => panic!("expected every field named, got {other:?}"),
    }
    assert!(matches!(
        async {
            let actor = tests::actor(&officer, Some(&test_client()));
            savings::add_body(&app.db, &actor.office()?, &bad).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    let count = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM organisations WHERE code = 'college-coatbridge'",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap()
    };
    assert_eq!(count().await, 0, "nothing was written");
    let good = form(&[
        ("code", "college-coatbridge"),
        ("name", "Coatbridge College"),
        ("sector", "education"),
        ("kind", "College"),
        ("end_date", "2014-03-31"),
        (
            "notes",
            "Joined New College Lanarkshire in April 2014 (a test's figures).",
        ),
    ]);
    let code = async {
        let actor = tests::actor(&admin, Some(&test_client()));
        savings::add_body(&app.db, &actor.office()?, &good).await
    }
    .await
    .unwrap();
    assert_eq!(code, "college-coatbridge");
    assert_eq!(count().await, 1);
    async {
        let actor = tests::actor(&admin, Some(&test_client()));
        savings::record_succession(
            &app.db,
            &actor.office()?,
            &form(&[
                ("predecessor", "college-coatbridge"),
                ("successor", "college-new-lanarkshire"),
                ("effective_date", "2014-04-01"),
                ("kind", "merger"),
                ("source", "A test's record"),
            ]),
        )
        .await
    }
    .await
    .unwrap();
    let page = async {
        let actor = tests::actor(&admin, None);
        savings::successions_page(&app.db, &actor.office()?).await
    }
    .await
    .unwrap();
    assert!(page
        .successions
        .iter()
        .any(|s| s.predecessor_code == "college-coatbridge"
            && s.source.as_deref() == Some("A test's record")));
    let audit: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'organisation_added' AND entity_id = 'college-coatbridge'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(audit, 1);
    app.teardown().await;
}

/// Issue 15: an initiative could not be corrected. Now its officers edit or withdraw it and the
/// programme office regrades it, each with a reason and audited; every version is kept; the
/// savings engine counts only the newest version of what is in force; a stale correction is a
/// conflict, and an initiative the tracker recorded itself is corrected where it came from.
async fn an_initiative_is_edited_regraded_and_withdrawn_with_every_version_kept(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (fife, fife_token) = app
        .signed_in_user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let angus = app
        .user("officer@angus.gov.uk", Role::Officer, &["council-angus"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    let (office, office_token) = app
        .signed_in_user("office@gov.scot", Role::Admin, &[])
        .await;
    let fields = |recurring: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![
            ("org", "council-fife"),
            ("title", "Desktop refresh avoided"),
            ("kind", "other"),
            ("class", "cash-releasing"),
            ("evidence", "partial"),
            ("recurring", recurring),
            ("one_off", "0"),
            ("first_year", "2014-15"),
            ("party", "own"),
            (
                "quality_note",
                "Fewer machines bought; the same service to staff.",
            ),
        ]
    };
    let id = async {
        let actor = tests::actor(&fife, Some(&test_client()));
        initiatives::record_initiative(
            &app.db,
            &actor.write_body("council-fife")?,
            &form(&fields("40000")),
        )
        .await
    }
    .await
    .unwrap();
    let cash_in = |summary: &app::model::savings::SavingsSummary, class: &str| {
        summary
            .initiatives
            .iter()
            .find(|c| c.class == class)
            .map_or(Money::ZERO, |c| c.gross)
    };
    let summary = || async {
        async {
            let actor = tests::actor(&board, None);
            savings::summary(
                &app.db,
                &actor.read_all()?,
                &savings::SummaryQuery {
                    year: Some("2014-15".into()),
                    ..Default::default()
                },
            )
            .await
        }
        .await
        .unwrap()
    };
    assert_eq!(
        cash_in(&summary().await, "Cash-releasing"),
        Money::from_pence(4_000_000)
    );
    let row_version = || async {
        let rv: i64 = sqlx::query_scalar("SELECT row_version FROM initiatives WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        rv.to_string()
    };
    let correct = |user: &app::model::CurrentUser, pairs: Vec<(&str, &str)>| {
        let user = user.clone();
        let form = form(&pairs);
        let db = app.db.clone();
        async move {
            async {
                let actor = tests::actor(&user, Some(&test_client()));
                initiatives::correct_initiative(&db, &actor, "council-fife", &form).await
            }
            .await
        }
    };
    let id_text = id.to_string();

    // An edit without a reason is refused, naming the reason and keeping what was typed.
    let rv = row_version().await;
    let mut edit: Vec<(&str, &str)> = fields("30000");
    edit.extend([
        ("action", "edit"),
        ("id", id_text.as_str()),
        ("row_version", rv.as_str()),
    ]);
    match correct(&fife, edit.clone()).await {
        Err(AppError::Form { errors, values }) => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].field, "reason");
            assert!(values.contains(&("recurring".to_owned(), "30000".to_owned())));
        }
        other => panic!("expected the reason to be asked for, got {other:?}"),
    }
    // Only the body's officers edit; only the office regrades.
    let mut with_reason = edit.clone();
    with_reason.push(("reason", "The supplier's final invoice was lower"));
    assert!(matches!(
        correct(&angus, with_reason.clone()).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        correct(&board, with_reason.clone()).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        correct(&office, with_reason.clone()).await,
        Err(AppError::Forbidden)
    ));
    correct(&fife, with_reason.clone()).await.unwrap();
    assert_eq!(
        cash_in(&summary().await, "Cash-releasing"),
        Money::from_pence(3_000_000)
    );
    // The same form again is stale: a conflict, and nothing changes.
    assert!(matches!(
        correct(&fife, with_reason).await,
        Err(AppError::Conflict(_))
    ));

    let rv = row_version().await;
    let regrade = vec![
        ("action", "regrade"),
        ("id", id_text.as_str()),
        ("row_version", rv.as_str()),
        ("class", "non-cash"),
        ("evidence", "insufficient"),
        (
            "reason",
            "No invoices: the machines were never due for replacement",
        ),
    ];
    assert!(matches!(
        correct(&fife, regrade.clone()).await,
        Err(AppError::Forbidden)
    ));
    correct(&office, regrade).await.unwrap();
    let after = summary().await;
    assert_eq!(cash_in(&after, "Cash-releasing"), Money::ZERO);
    assert_eq!(
        cash_in(&after, "Non-cash (time-releasing)"),
        Money::from_pence(3_000_000)
    );

    let rv = row_version().await;
    let withdraw = vec![
        ("action", "withdraw"),
        ("id", id_text.as_str()),
        ("row_version", rv.as_str()),
        (
            "reason",
            "Recorded in error: the refresh went ahead in 2015",
        ),
    ];
    // Without a reason: refused as a form, with the action kept, so the page shows the error at
    // the withdrawal form (its reason field then has the id the error summary links to).
    let mut without_reason = withdraw.clone();
    without_reason.retain(|(k, _)| *k != "reason");
    match correct(&fife, without_reason).await {
        Err(AppError::Form { errors, values }) => {
            assert_eq!(errors[0].field, "reason");
            assert!(values.contains(&("action".to_owned(), "withdraw".to_owned())));
        }
        other => panic!("expected the reason to be asked for, got {other:?}"),
    }
    correct(&fife, withdraw.clone()).await.unwrap();
    let after = summary().await;
    assert_eq!(
        cash_in(&after, "Non-cash (time-releasing)"),
        Money::ZERO,
        "a withdrawn initiative is not counted"
    );
    assert!(matches!(
        correct(&fife, withdraw).await,
        Err(AppError::Conflict(_))
    ));

    let list = async {
        let actor = tests::actor(&board, None);
        initiatives::initiatives_page(&app.db, &actor.read_body("council-fife")?).await
    }
    .await
    .unwrap();
    assert!(list.initiatives.is_empty());
    assert_eq!(list.withdrawn.len(), 1);
    assert_eq!(list.withdrawn[0].recurring, Money::from_pence(3_000_000));
    let page = async {
        let actor = tests::actor(&board, None);
        initiatives::initiative_page(&app.db, &actor.read_body("council-fife")?, id).await
    }
    .await
    .unwrap();
    assert!(page.withdrawn && !page.may_edit && !page.may_regrade);
    let history: Vec<(i64, &str, Money, &str, bool)> = page
        .history
        .iter()
        .map(|v| {
            (
                v.version,
                v.change.as_str(),
                v.recurring,
                v.evidence.as_str(),
                v.withdrawn,
            )
        })
        .collect();
    assert_eq!(
        history,
        vec![
            (
                4,
                "withdrawn",
                Money::from_pence(3_000_000),
                "Insufficient",
                true
            ),
            (
                3,
                "regraded",
                Money::from_pence(3_000_000),
                "Insufficient",
                false
            ),
            (2, "edited", Money::from_pence(3_000_000), "Partial", false),
            (
                1,
                "recorded",
                Money::from_pence(4_000_000),
                "Partial",
                false
            ),
        ]
    );
    assert_eq!(
        page.history[2].reason.as_deref(),
        Some("The supplier's final invoice was lower")
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity_type = 'initiative' ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        actions,
        vec![
            "initiative_recorded",
            "initiative_edited",
            "initiative_regraded",
            "initiative_withdrawn"
        ]
    );
    // Another body's initiative under this body's address is not found.
    assert!(matches!(
        async {
            let actor = tests::actor(&angus, None);
            initiatives::initiative_page(&app.db, &actor.read_body("council-angus")?, id).await
        }
        .await,
        Err(AppError::NotFound(_))
    ));

    // An initiative the tracker recorded from an adoption: regraded here, edited at its source.
    let second = async {
        let actor = tests::actor(&fife, Some(&test_client()));
        initiatives::record_initiative(
            &app.db,
            &actor.write_body("council-fife")?,
            &form(&fields("1000")),
        )
        .await
    }
    .await
    .unwrap();
    sqlx::query("UPDATE initiatives SET source_ref = 'adoption:1' WHERE id = $1")
        .bind(second)
        .execute(app.db.pool())
        .await
        .unwrap();
    let page = async {
        let actor = tests::actor(&fife, None);
        initiatives::initiative_page(&app.db, &actor.read_body("council-fife")?, second).await
    }
    .await
    .unwrap();
    assert!(!page.may_edit);
    assert_eq!(
        page.source.as_ref().map(|s| s.1.as_str()),
        Some("/shared-services/council-fife")
    );
    let second_text = second.to_string();
    let rv: i64 = sqlx::query_scalar("SELECT row_version FROM initiatives WHERE id = $1")
        .bind(second)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let rv = rv.to_string();
    let withdraw = vec![
        ("action", "withdraw"),
        ("id", second_text.as_str()),
        ("row_version", rv.as_str()),
        ("reason", "Wrong"),
    ];
    assert!(matches!(
        correct(&fife, withdraw).await,
        Err(AppError::Conflict(_))
    ));

    // The pages: the officer sees the correction forms, the office the regrade form, and a
    // refused correction posted without JavaScript comes back with its error.
    let path = format!("/savings/council-fife/initiatives/{second}");
    let officer_page = app.get_as(&path, Some(&fife_token)).await;
    assert_eq!(officer_page.status, StatusCode::OK);
    assert!(officer_page.body.contains(r#"id="initiative-source""#));
    assert!(!officer_page.body.contains(r#"id="edit-initiative""#));
    let withdrawn_page = app
        .get_as(
            &format!("/savings/council-fife/initiatives/{id}"),
            Some(&fife_token),
        )
        .await;
    assert!(withdrawn_page.body.contains(r#"id="initiative-withdrawn""#));
    assert!(withdrawn_page
        .body
        .contains("Recorded in error: the refresh went ahead in 2015"));
    let third = async {
        let actor = tests::actor(&fife, Some(&test_client()));
        initiatives::record_initiative(
            &app.db,
            &actor.write_body("council-fife")?,
            &form(&fields("500")),
        )
        .await
    }
    .await
    .unwrap();
    let path = format!("/savings/council-fife/initiatives/{third}");
    let officer_page = app.get_as(&path, Some(&fife_token)).await;
    assert!(officer_page.body.contains(r#"id="edit-initiative""#));
    assert!(officer_page.body.contains(r#"id="withdraw-initiative""#));
    assert!(!officer_page.body.contains(r#"id="regrade-initiative""#));
    let office_page = app.get_as(&path, Some(&office_token)).await;
    assert!(office_page.body.contains(r#"id="regrade-initiative""#));
    assert!(!office_page.body.contains(r#"id="edit-initiative""#));
    let list = app
        .get_as("/savings/council-fife/initiatives", Some(&fife_token))
        .await;
    assert!(list.body.contains(r#"id="withdrawn-initiatives""#));
    assert!(list.body.contains(&format!(
        r#"href="/savings/council-fife/initiatives/{third}""#
    )));
    let third_text = third.to_string();
    let refused = app
        .post_form(
            "/api/savings/correct-initiative",
            &[
                ("org", "council-fife"),
                ("id", third_text.as_str()),
                ("row_version", "1"),
                ("action", "withdraw"),
                ("reason", ""),
            ],
            Some(&fife_token),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    app.teardown().await;
}

on_both_backends!(
    an_initiative_is_edited_regraded_and_withdrawn_with_every_version_kept,
    income_is_recorded_in_its_own_line_and_never_moves_a_saving,
    bodies_carry_their_dates_and_successions_and_the_office_adds_one,
    a_return_for_a_year_outside_the_body_s_life_is_refused_and_never_counted,
    a_mid_year_succession_counts_the_year_s_baseline_once,
    blank_is_not_zero_and_an_incomplete_year_is_not_counted,
    a_saving_is_rated_against_its_target_on_the_same_basis,
    the_trace_states_the_apportionment_method_actually_used,
    the_office_records_a_split_and_the_baseline_passes_on,
    initiatives_are_classed_kept_apart_and_double_counts_flagged,
    a_council_saving_matches_the_hand_calculation,
    missing_a_target_needs_an_explanation_shown_beside_it,
    police_scotland_inherits_the_forces_baselines,
    a_restated_baseline_keeps_every_version_and_moves_the_figures,
    bad_baseline_input_names_each_field_and_saves_nothing,
    only_submitted_and_approved_returns_count,
    the_fixtures_reproduce_the_review_trajectory,
    the_demo_data_shows_savings_for_the_board,
    the_pages_render_without_javascript,
);
