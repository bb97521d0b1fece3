use super::*;

#[test]
fn cell_references_are_spreadsheet_style() {
    assert_eq!(cell_ref(0, 0), "A1");
    assert_eq!(cell_ref(13, 3), "D14");
    assert_eq!(cell_ref(0, 25), "Z1");
    assert_eq!(cell_ref(0, 26), "AA1");
    assert_eq!(cell_ref(9, 701), "ZZ10");
    assert_eq!(cell_ref(0, 702), "AAA1");
}

#[test]
fn bytes_that_are_no_spreadsheet_are_refused_by_name() {
    let limits = Limits::default();
    assert_eq!(read("x.xlsx", b"", &limits), Err(ReadError::Empty));
    assert!(matches!(
        read("x.xlsx", b"hello, world", &limits),
        Err(ReadError::NotASpreadsheet(_))
    ));
    assert!(matches!(
        read("x.pdf", b"%PDF-1.4", &limits),
        Err(ReadError::NotASpreadsheet(_))
    ));
    assert!(matches!(
        read("x.xlsx", b"PK\x03\x04garbage", &limits),
        Err(ReadError::Corrupt(_))
    ));
    assert!(matches!(
        read("x.csv", b"\xff\xfe\x00", &limits),
        Err(ReadError::NotASpreadsheet(_))
    ));
}

#[test]
fn csv_is_read_as_one_sheet_of_text() {
    let book = read(
        "returns/fife.csv",
        "\u{feff}Category,Capital\nhardware,\"1,200.00\"\n,\n".as_bytes(),
        &Limits::default(),
    )
    .unwrap_or_default();
    assert_eq!(book.sheets.len(), 1);
    assert_eq!(book.sheets[0].name, "fife.csv");
    assert_eq!(
        book.sheets[0].rows[1],
        vec![Cell::Text("hardware".into()), Cell::Text("1,200.00".into())]
    );
    assert!(book.sheets[0].rows[2].is_empty());
}

#[test]
fn a_tiny_xlsx_claiming_a_huge_sheet_is_refused_before_allocating_it() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let written = sheet
        .write_string(0, 0, "Category")
        .and_then(|s| s.write_string(1_048_575, 16_383, "far away"))
        .is_ok();
    assert!(written);
    let bytes = book.save_to_buffer().unwrap_or_default();
    assert!(bytes.len() < 20_000, "the file is tiny");
    assert!(matches!(
        read("far.xlsx", &bytes, &Limits::default()),
        Err(ReadError::TooManyRows { .. })
    ));
}

#[test]
fn an_ole_file_whose_sector_chain_loops_is_refused_not_followed() {
    // Found by the fuzzer: calamine followed this chain until memory ran out.
    let bytes = include_bytes!("../../../../fixtures/returns/fuzz-looping-chain.xls");
    assert!(matches!(
        read("loop.xls", bytes, &Limits::default()),
        Err(ReadError::Corrupt(_))
    ));
}

#[test]
fn an_xls_sheet_whose_dimensions_end_before_they_start_is_refused() {
    // Found by the fuzzer: calamine subtracted the start from the end and overflowed.
    let bytes = include_bytes!("../../../../fixtures/returns/fuzz-bad-dimensions.xls");
    assert!(read("dims.xls", bytes, &Limits::default()).is_err());
    // And one whose small streams point past the end of the mini stream.
    let bytes = include_bytes!("../../../../fixtures/returns/fuzz-short-mini-stream.xls");
    assert!(read("mini.xls", bytes, &Limits::default()).is_err());
    // And a run of numbers whose last column comes before its first.
    let bytes = include_bytes!("../../../../fixtures/returns/fuzz-mulrk-columns.xls");
    assert!(read("mulrk.xls", bytes, &Limits::default()).is_err());
    // And cells far to the right (calamine would allocate the whole rectangle).
    let bytes = include_bytes!("../../../../fixtures/returns/fuzz-far-column.xls");
    assert!(read("far.xls", bytes, &Limits::default()).is_err());
    // And a sheet said to start beyond the end of the workbook stream.
    let bytes = include_bytes!("../../../../fixtures/returns/fuzz-sheet-offset.xls");
    assert!(read("offset.xls", bytes, &Limits::default()).is_err());
    // And a record too short for what calamine reads from it: its panic is contained.
    let bytes = include_bytes!("../../../../fixtures/returns/fuzz-short-record.xls");
    assert!(matches!(
        read("short.xls", bytes, &Limits::default()),
        Err(ReadError::Corrupt(_))
    ));
}

#[test]
fn an_xlsx_whose_dimension_ends_before_it_starts_is_refused() {
    // Found by the fuzzer: calamine subtracted the start from the end and overflowed.
    let bytes = include_bytes!("../../../../fixtures/returns/fuzz-bad-dimension-ref.xlsx");
    assert!(read("dims.xlsx", bytes, &Limits::default()).is_err());
    assert_eq!(cell_position("D14"), Some((13, 3)));
    assert_eq!(cell_position("$AA$1"), Some((0, 26)));
    assert_eq!(cell_position("A0"), None);
}

#[test]
fn csv_fields_follow_rfc_4180() {
    assert_eq!(
        csv_records("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\r\n\"two\nlines\",x"),
        vec![
            vec!["a".to_owned(), "b,c".into(), "say \"hi\"".into()],
            vec![String::new()],
            vec!["two\nlines".to_owned(), "x".into()],
        ]
    );
    assert!(csv_records("").is_empty());
}

#[test]
fn blank_csv_lines_keep_their_row_numbers() {
    let book = read(
        "a.csv",
        b"Category

hardware
",
        &Limits::default(),
    )
    .unwrap_or_default();
    assert_eq!(book.sheets[0].rows.len(), 3);
    assert!(book.sheets[0].rows[1].is_empty());
    assert_eq!(book.sheets[0].rows[2], vec![Cell::Text("hardware".into())]);
}

#[test]
fn row_and_column_limits_hold_for_csv() {
    let limits = Limits {
        max_rows: 2,
        max_columns: 3,
        ..Limits::default()
    };
    assert!(matches!(
        read("a.csv", b"a\nb\nc\n", &limits),
        Err(ReadError::TooManyRows { .. })
    ));
    assert!(matches!(
        read("a.csv", b"a,b,c,d\n", &limits),
        Err(ReadError::TooManyColumns { .. })
    ));
}
