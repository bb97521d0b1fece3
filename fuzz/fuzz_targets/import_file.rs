//! Any bytes, as any kind of file the importer accepts: the workbook reader and the spend-sheet
//! parser must answer with sheets or problems, never panic or hang.
#![no_main]

use app::import::reader::Limits;
use app::import::spend::Target;
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 6] = ["f.xlsx", "f.xlsm", "f.xls", "f.ods", "f.csv", "f.xlsb"];

static QUIET_HOOK: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    // The importer contains panics inside calamine (reporting the file as damaged), as the server
    // does; libfuzzer-sys's own hook would abort before that containment runs. A panic anywhere
    // else still unwinds out of this function and is reported as a crash.
    QUIET_HOOK.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let known = |code: &str| code == "council-fife" || code == "council-angus";
    let target = Target {
        org_code: "council-fife",
        org_name: "Fife Council",
        fy: app::domain::FinancialYear::mcclelland_baseline(),
        is_known_org: &known,
    };
    // Small limits keep each run quick; the limits themselves are part of what is tested.
    let limits = Limits {
        max_sheets: 8,
        max_rows: 2_000,
        max_columns: 40,
        max_unpacked_bytes: 8 * 1024 * 1024,
    };
    let parsed = app::services::import::analyse(name, bytes, &target, &limits, &mut |_| {});
    // Whatever came in, a line is within the bounds the domain allows.
    for line in &parsed.lines {
        assert!(line.total().is_some());
    }
});
