use super::*;

fn input() -> SiteInput<'static> {
    SiteInput {
        name: "Saughton House computer room",
        postcode: "eh11 3xd",
        site_type: "data-centre",
        ownership: "owned",
        tier: "2",
        physical_servers: "200",
        virtual_hosts: "20",
        virtual_machines: "400",
        total_energy_kwh: "1,250,000",
        total_energy_metering: "metered",
        it_energy_kwh: "500000",
        it_energy_metering: "estimated",
        cost_power: "150000",
        cost_accommodation: "80000",
        cost_maintenance: "40000",
        cost_staff: "60000",
        opened: "2005-04-01",
        ..SiteInput::default()
    }
}

#[test]
fn pue_and_virtualisation_are_computed() {
    let site = parse_site(&input()).unwrap();
    // 1,250,000 ÷ 500,000 = 2.5; (200 + 400) ÷ 200 = 3.
    assert_eq!(site.pue(), Some(Decimal::new(25, 1)));
    assert_eq!(site.virtualisation_ratio(), Some(Decimal::from(3)));
    assert_eq!(site.postcode.as_deref(), Some("EH11 3XD"));
    assert_eq!(site.costs.total(), Money::from_pounds(330_000).unwrap());
    assert_eq!(
        pue_band(Decimal::new(27, 1)),
        "Above the DCOI target of 1.5"
    );
    assert_eq!(
        pue_band(Decimal::new(31, 1)),
        "Very inefficient (above 3.0)"
    );
    assert_eq!(pue_band(Decimal::new(115, 2)), "Very efficient (below 1.2)");
}

#[test]
fn bad_input_names_each_field() {
    let bad = SiteInput {
        name: " ",
        postcode: "12345",
        site_type: "bunker",
        physical_servers: "-3",
        virtual_hosts: "x",
        total_energy_kwh: "1000",
        total_energy_metering: "metered",
        it_energy_kwh: "2000",
        it_energy_metering: "metered",
        cost_power: "-1",
        opened: "last year",
        ..input()
    };
    let errors = parse_site(&bad).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "name",
            "postcode",
            "site_type",
            "physical_servers",
            "virtual_hosts",
            "it_energy_kwh",
            "cost_power",
            "opened"
        ]
    );
    assert!(
        errors[5]
            .message
            .contains("more than the total facility energy"),
        "{}",
        errors[5].message
    );
    let negative = parse_site(&SiteInput {
        total_energy_kwh: "-5",
        ..input()
    })
    .unwrap_err();
    assert_eq!(negative[0].field, "total_energy_kwh");
    assert!(negative[0].message.contains("negative"));
    let unmarked = parse_site(&SiteInput {
        it_energy_metering: "",
        ..input()
    })
    .unwrap_err();
    assert_eq!(unmarked[0].field, "it_energy_kwh-metering");
    let too_many_hosts = parse_site(&SiteInput {
        virtual_hosts: "300",
        ..input()
    })
    .unwrap_err();
    assert_eq!(too_many_hosts[0].field, "virtual_hosts");
}

#[test]
fn the_lifecycle_moves_in_order_and_dates_make_sense() {
    use SiteStatus::*;
    let opened = NaiveDate::from_ymd_opt(2005, 4, 1);
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let plan = SiteAction::PlanClosure {
        target: day(2015, 3, 31),
        destination: Destination::SharedPublic,
    };
    assert_eq!(apply(Operational, opened, plan), Ok(ClosurePlanned));
    assert_eq!(
        apply(ClosurePlanned, opened, SiteAction::StartMigration),
        Ok(Migrating)
    );
    assert_eq!(
        apply(
            Migrating,
            opened,
            SiteAction::Close {
                on: day(2015, 2, 1)
            }
        ),
        Ok(Closed)
    );
    assert_eq!(
        apply(Migrating, opened, SiteAction::Cancel),
        Ok(Operational)
    );
    assert!(matches!(
        apply(
            Operational,
            opened,
            SiteAction::Close {
                on: day(2015, 2, 1)
            }
        ),
        Err(LifecycleError::NotNow(..))
    ));
    assert!(matches!(
        apply(Closed, opened, plan),
        Err(LifecycleError::NotNow(..))
    ));
    assert_eq!(
        apply(
            ClosurePlanned,
            opened,
            SiteAction::Close {
                on: day(2004, 1, 1)
            }
        ),
        Err(LifecycleError::Field {
            field: "closed_date",
            message: "Closed on: 2004-01-01 is before the site opened (2005-04-01)".into()
        })
    );
}

#[test]
fn a_closure_moves_its_load_to_the_destination() {
    let site = parse_site(&input()).unwrap();
    // Running costs £330,000 stop; £90,000 a year moves to the shared data centre.
    let saving = closure_saving(
        &site.costs,
        Money::from_pounds(90_000).unwrap(),
        Money::from_pounds(120_000).unwrap(),
    );
    assert_eq!(saving.recurring, Money::from_pounds(240_000).unwrap());
    // 500,000 kWh of IT load moves to a destination with PUE 1.4: it uses 700,000 kWh there;
    // the closed site used 1,250,000, so 550,000 kWh are saved, not 1,250,000.
    let moved = moved_load(&site, Some(Decimal::new(14, 1))).unwrap();
    assert_eq!(moved.destination_kwh, Decimal::from(700_000));
    assert_eq!(moved.saved_kwh, Decimal::from(550_000));
    let unknown = moved_load(&site, None).unwrap();
    assert_eq!(unknown.destination_kwh, Decimal::from(500_000));
    assert!(!unknown.destination_pue_known);
}

#[test]
fn a_closure_is_cash_only_if_spend_fell() {
    let m = Money::from_pence;
    assert_eq!(
        closure_to_cash(Some(m(500)), Some(m(300))),
        CashCheck::Fell(m(200))
    );
    assert_eq!(
        closure_to_cash(Some(m(500)), Some(m(500))),
        CashCheck::DidNotFall(m(0))
    );
    assert_eq!(
        closure_to_cash(Some(m(500)), Some(m(650))),
        CashCheck::DidNotFall(m(150))
    );
    assert_eq!(closure_to_cash(None, Some(m(1))), CashCheck::NotYetKnown);
}
