//! Reading a spreadsheet file into plain cells, safely: any bytes at all give either sheets or a
//! clear `ReadError`, never a panic, and within limits on size, sheets, rows and columns.

use calamine::{Data, Reader};
use chrono::NaiveDate;
use std::io::Cursor;

/// What the reader will take on.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_sheets: usize,
    pub max_rows: usize,
    pub max_columns: usize,
    /// The most a compressed workbook may expand to (all its parts together).
    pub max_unpacked_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sheets: 50,
            max_rows: 500_000,
            max_columns: 100,
            max_unpacked_bytes: 400 * 1024 * 1024,
        }
    }
}

/// One cell's value, as the importer sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Int(i64),
    Bool(bool),
    Date(NaiveDate),
    /// A spreadsheet error value such as `#DIV/0!`.
    Error(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as it would be shown, for messages.
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => "(empty)".into(),
            Cell::Text(t) => format!("{t:?}"),
            Cell::Number(n) => format!("{n}"),
            Cell::Int(i) => i.to_string(),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
            Cell::Date(d) => d.to_string(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// A sheet: its name and its rows of cells, from the sheet's first row and column (A1).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

/// The sheets of a workbook, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
}

/// Why a file could not be read, in words for the person who uploaded it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is password-protected: remove the password in your spreadsheet program, save, and upload it again")]
    PasswordProtected,
    #[error("the file is not a spreadsheet we can read (use .xlsx, .xlsm, .xls, .ods or .csv){0}")]
    NotASpreadsheet(String),
    #[error("the file is damaged and cannot be read ({0})")]
    Corrupt(String),
    #[error("the file expands to more than {limit_mb} MB when unpacked, which no return needs; it may be a zip bomb")]
    TooLargeUnpacked { limit_mb: u64 },
    #[error("the workbook has {found} sheets; at most {limit} are read")]
    TooManySheets { found: usize, limit: usize },
    #[error("sheet {sheet:?} has more than {limit} rows")]
    TooManyRows { sheet: String, limit: usize },
    #[error("sheet {sheet:?} has more than {limit} columns")]
    TooManyColumns { sheet: String, limit: usize },
}

/// The file's kind, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Workbook,
    Csv,
}

/// Decides how to read a file from its name; an unknown extension is refused by name.
pub fn format_of(file_name: &str) -> Result<Format, ReadError> {
    let lower = file_name.to_lowercase();
    let extension = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
    match extension {
        "xlsx" | "xlsm" | "xls" | "ods" | "xlsb" => Ok(Format::Workbook),
        "csv" | "txt" => Ok(Format::Csv),
        _ => Err(ReadError::NotASpreadsheet(format!(
            ": {file_name:?} does not end in one of those"
        ))),
    }
}

/// Reads any bytes named `file_name` into sheets, or says why not.
pub fn read(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<Workbook, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    match format_of(file_name)? {
        Format::Csv => read_csv(file_name, bytes, limits),
        Format::Workbook => read_workbook(bytes, limits),
    }
}

mod containers;
use containers::*;

fn read_workbook(bytes: &[u8], limits: &Limits) -> Result<Workbook, ReadError> {
    if is_encrypted_office_file(bytes) {
        return Err(ReadError::PasswordProtected);
    }
    if bytes.starts_with(&ZIP_SIGNATURE) {
        check_zip(bytes, limits)?;
    } else if bytes.starts_with(&OLE_SIGNATURE) {
        let stream = check_ole(bytes)
            .map_err(|e| ReadError::Corrupt(format!("its internal structure: {e}")))?;
        check_biff(&stream, limits)?;
    } else {
        return Err(ReadError::NotASpreadsheet(String::new()));
    }
    // calamine's parsers panic on some malformed records (fuzzing found several in .xls): a
    // panic there is contained and reported as a damaged file, never allowed to unwind further.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_with_calamine(bytes, limits)
    }))
    .unwrap_or_else(|_| {
        Err(ReadError::Corrupt(
            "the spreadsheet reader could not make sense of it".into(),
        ))
    })
}

fn read_with_calamine(bytes: &[u8], limits: &Limits) -> Result<Workbook, ReadError> {
    if bytes.starts_with(&ZIP_SIGNATURE) {
        if let Ok(xlsx) = calamine::Xlsx::new(Cursor::new(bytes)) {
            return read_xlsx(xlsx, limits);
        }
    }
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| ReadError::NotASpreadsheet(format!(": {e}")))?;
    let names = workbook.sheet_names();
    if names.len() > limits.max_sheets {
        return Err(ReadError::TooManySheets {
            found: names.len(),
            limit: limits.max_sheets,
        });
    }
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| ReadError::Corrupt(format!("sheet {name:?}: {e}")))?;
        sheets.push(sheet_from_range(name, range, limits)?);
    }
    Ok(Workbook { sheets })
}

/// Reads xlsx/xlsm cell by cell, refusing a cell outside the limits before anything is
/// allocated for it: a tiny file with cells at A1 and XFD1048576 would otherwise ask for a
/// rectangle of 17 billion cells.
fn read_xlsx(
    mut xlsx: calamine::Xlsx<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<Workbook, ReadError> {
    let names = xlsx.sheet_names();
    if names.len() > limits.max_sheets {
        return Err(ReadError::TooManySheets {
            found: names.len(),
            limit: limits.max_sheets,
        });
    }
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let mut reader = xlsx
            .worksheet_cells_reader(&name)
            .map_err(|e| ReadError::Corrupt(format!("sheet {name:?}: {e}")))?;
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        loop {
            let cell = match reader.next_cell() {
                Ok(Some(cell)) => cell,
                Ok(None) => break,
                Err(e) => return Err(ReadError::Corrupt(format!("sheet {name:?}: {e}"))),
            };
            let (row, col) = cell.get_position();
            let (row, col) = (
                usize::try_from(row).unwrap_or(usize::MAX),
                usize::try_from(col).unwrap_or(usize::MAX),
            );
            if row >= limits.max_rows {
                return Err(ReadError::TooManyRows {
                    sheet: name,
                    limit: limits.max_rows,
                });
            }
            if col >= limits.max_columns {
                return Err(ReadError::TooManyColumns {
                    sheet: name,
                    limit: limits.max_columns,
                });
            }
            let value = cell_of_ref(cell.get_value());
            if value.is_empty() {
                continue;
            }
            if rows.len() <= row {
                rows.resize_with(row + 1, Vec::new);
            }
            let cells = &mut rows[row];
            if cells.len() <= col {
                cells.resize(col + 1, Cell::Empty);
            }
            cells[col] = value;
        }
        drop(reader);
        sheets.push(Sheet { name, rows });
    }
    Ok(Workbook { sheets })
}

fn cell_of_ref(data: &calamine::DataRef<'_>) -> Cell {
    use calamine::DataRef;
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Int(i) => Cell::Int(*i),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => cell_of(Data::DateTime(*dt)),
        DataRef::DateTimeIso(s) => cell_of(Data::DateTimeIso(s.clone())),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(format!("{e}")),
    }
}

fn sheet_from_range(
    name: String,
    mut range: calamine::Range<Data>,
    limits: &Limits,
) -> Result<Sheet, ReadError> {
    let Some((first_row, first_col)) = range.start() else {
        return Ok(Sheet {
            name,
            rows: Vec::new(),
        });
    };
    let (height, width) = range.get_size();
    let total_rows = usize::try_from(first_row)
        .unwrap_or(usize::MAX)
        .saturating_add(height);
    let total_cols = usize::try_from(first_col)
        .unwrap_or(usize::MAX)
        .saturating_add(width);
    if total_rows > limits.max_rows {
        return Err(ReadError::TooManyRows {
            sheet: name,
            limit: limits.max_rows,
        });
    }
    if total_cols > limits.max_columns {
        return Err(ReadError::TooManyColumns {
            sheet: name,
            limit: limits.max_columns,
        });
    }
    let lead_rows = usize::try_from(first_row).unwrap_or(0);
    let lead_cols = usize::try_from(first_col).unwrap_or(0);
    let mut rows = Vec::with_capacity(total_rows);
    rows.resize_with(lead_rows, Vec::new);
    for r in 0..height {
        // Moves each value out of the range (no copy of its text).
        let row = &mut range[r];
        let mut cells = Vec::with_capacity(lead_cols + row.len());
        cells.resize(lead_cols, Cell::Empty);
        cells.extend(row.iter_mut().map(|d| cell_of(std::mem::take(d))));
        while cells.last().is_some_and(Cell::is_empty) {
            cells.pop();
        }
        rows.push(cells);
    }
    Ok(Sheet { name, rows })
}

/// The last serial day Excel can show (31 December 9999).
const MAX_EXCEL_SERIAL: f64 = 2_958_465.0;

fn cell_of(data: Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s),
        Data::Float(f) => Cell::Number(f),
        Data::Int(i) => Cell::Int(i),
        Data::Bool(b) => Cell::Bool(b),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if dt.is_datetime() && serial.is_finite() && (1.0..=MAX_EXCEL_SERIAL).contains(&serial)
            {
                dt.as_datetime()
                    .map_or(Cell::Number(serial), |d| Cell::Date(d.date()))
            } else {
                Cell::Number(serial)
            }
        }
        Data::DateTimeIso(s) => NaiveDate::parse_from_str(s.get(..10).unwrap_or(&s), "%Y-%m-%d")
            .map_or_else(|_| Cell::Text(s.clone()), Cell::Date),
        Data::DurationIso(s) => Cell::Text(s),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

fn read_csv(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<Workbook, ReadError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(
        |_| {
            ReadError::NotASpreadsheet(
                ": the CSV file is not UTF-8 text (save it as \"CSV UTF-8\")".into(),
            )
        },
    )?;
    let name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .to_owned();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for record in csv_records(text) {
        if rows.len() >= limits.max_rows {
            return Err(ReadError::TooManyRows {
                sheet: name,
                limit: limits.max_rows,
            });
        }
        if record.len() > limits.max_columns {
            return Err(ReadError::TooManyColumns {
                sheet: name,
                limit: limits.max_columns,
            });
        }
        let mut cells: Vec<Cell> = record
            .into_iter()
            .map(|field| {
                if field.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(field)
                }
            })
            .collect();
        while cells.last().is_some_and(Cell::is_empty) {
            cells.pop();
        }
        rows.push(cells);
    }
    Ok(Workbook {
        sheets: vec![Sheet { name, rows }],
    })
}

/// Splits CSV text into records of fields (RFC 4180: commas, double quotes with `""` inside,
/// line breaks inside quotes). Every line is a record, blank ones included, so that record `n`
/// is line `n` as a person sees it in the file (a line break inside quotes aside).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        match (c, in_quotes) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => in_quotes = false,
            ('"', false) if field.is_empty() => in_quotes = true,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\r', false) if chars.peek() == Some(&'\n') => {}
            ('\n' | '\r', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                any = false;
            }
            (c, _) => field.push(c),
        }
    }
    if any {
        record.push(field);
        records.push(record);
    }
    records
}

/// A cell reference like `D14` from zero-based row and column numbers.
pub fn cell_ref(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), row + 1)
}

#[cfg(test)]
mod tests;
