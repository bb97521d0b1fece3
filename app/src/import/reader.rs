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

const OLE_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_SIGNATURE: [u8; 4] = [b'P', b'K', 3, 4];

/// "EncryptedPackage" in UTF-16LE: the stream an encrypted Office file keeps its workbook in.
fn is_encrypted_office_file(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.starts_with(&OLE_SIGNATURE) && bytes.windows(needle.len()).any(|w| w == needle)
}

/// Refuses a zip whose parts unpack to more than the limit, before anything is unpacked.
fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadError::Corrupt(format!("the zip container: {e}")))?;
    let mut total: u64 = 0;
    let mut sheets = Vec::new();
    for i in 0..archive.len() {
        let part = archive
            .by_index_raw(i)
            .map_err(|e| ReadError::Corrupt(format!("part {i} of the zip container: {e}")))?;
        total = total.saturating_add(part.size());
        if total > limits.max_unpacked_bytes {
            return Err(ReadError::TooLargeUnpacked {
                limit_mb: limits.max_unpacked_bytes / (1024 * 1024),
            });
        }
        if part.name().starts_with("xl/worksheets/") && part.name().ends_with(".xml") {
            sheets.push(i);
        }
    }
    // A worksheet's <dimension ref="B5:A1"> that ends before it starts makes calamine subtract
    // past zero (found by fuzzing): refuse it. The element comes first, so the head suffices.
    for i in sheets {
        let mut head = Vec::new();
        if let Ok(part) = archive.by_index(i) {
            use std::io::Read;
            let _ = part.take(64 * 1024).read_to_end(&mut head);
        }
        let text = String::from_utf8_lossy(&head);
        if let Some(at) = text.find("<dimension") {
            let rest = &text[at..];
            let reference = rest
                .split_once("ref=\"")
                .and_then(|(_, r)| r.split_once('"'))
                .map(|(r, _)| r);
            if let Some((first, last)) = reference.and_then(|r| r.split_once(':')) {
                if let (Some(a), Some(b)) = (cell_position(first), cell_position(last)) {
                    if b.0 < a.0 || b.1 < a.1 {
                        return Err(ReadError::Corrupt(format!(
                            "a sheet's dimensions {first}:{last} end before they start"
                        )));
                    }
                }
            }
        }
    }
    Ok(())
}

/// (row, column), both 0-based, of a reference like `D14` (`$` signs allowed).
fn cell_position(reference: &str) -> Option<(u64, u64)> {
    let r = reference.trim().replace('$', "");
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let col = letters.chars().try_fold(0u64, |acc, c| {
        acc.checked_mul(26)?
            .checked_add(u64::from(c.to_ascii_uppercase() as u8 - b'A' + 1))
    })?;
    let row: u64 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Streams smaller than this live in the mini stream (calamine uses the standard 4096, whatever
/// the header says).
const CALAMINE_MINI_CUTOFF: u64 = 4096;
/// Sector numbers from here up are markers, not sectors.
const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Checks an OLE compound file (the container of .xls) before calamine reads it: every chain of
/// sectors it follows must stay inside the file and never loop. (A 6 KB file whose directory
/// chain loops made calamine allocate without end: found by fuzzing.)
fn check_ole(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let shift = bytes
        .get(30..32)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .ok_or("no header")?;
    let sector_size: usize = match shift {
        9 => 512,
        12 => 4096,
        other => return Err(format!("sector shift {other}")),
    };
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (usize::try_from(id).ok()?.checked_add(1)?).checked_mul(sector_size)?;
        bytes.get(start..start.checked_add(sector_size)?)
    };
    let sectors_in_file = bytes.len() / sector_size;
    let per_sector = sector_size / 4;
    // The FAT's own sectors: 109 listed in the header, the rest in the DIFAT chain.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 76 + 4 * i))
        .filter(|id| *id <= MAX_REGULAR_SECTOR)
        .collect();
    let mut difat = u32_at(bytes, 68).ok_or("no DIFAT start")?;
    let mut steps = 0;
    while difat <= MAX_REGULAR_SECTOR {
        steps += 1;
        if steps > sectors_in_file {
            return Err("the DIFAT chain loops".into());
        }
        let s = sector(difat).ok_or("a DIFAT sector beyond the end")?;
        fat_sectors.extend(
            (0..per_sector - 1)
                .filter_map(|i| u32_at(s, 4 * i))
                .filter(|id| *id <= MAX_REGULAR_SECTOR),
        );
        difat = u32_at(s, sector_size - 4).ok_or("a DIFAT sector")?;
    }
    if fat_sectors.len() > sectors_in_file {
        return Err("more FAT sectors than the file holds".into());
    }
    let mut fat = Vec::with_capacity(fat_sectors.len() * per_sector);
    for id in fat_sectors {
        let s = sector(id).ok_or("a FAT sector beyond the end")?;
        fat.extend((0..per_sector).filter_map(|i| u32_at(s, 4 * i)));
    }
    // Follows a chain through a FAT: every link inside it and no sector twice.
    let chain_len = |start: u32, table: &[u32], limit: usize| -> Result<usize, String> {
        let mut seen = vec![false; table.len()];
        let (mut id, mut n) = (start, 0usize);
        while id != END_OF_CHAIN {
            let i = usize::try_from(id).map_err(|_| "a sector number".to_owned())?;
            if id > MAX_REGULAR_SECTOR || i >= table.len() || i >= limit {
                return Err(format!("a chain points at sector {id}, outside the file"));
            }
            if seen[i] {
                return Err("a chain of sectors loops".into());
            }
            seen[i] = true;
            n += 1;
            id = table[i];
        }
        Ok(n)
    };
    let dir_start = u32_at(bytes, 48).ok_or("no directory")?;
    let dir_sectors = chain_len(dir_start, &fat, sectors_in_file)?;
    // Each directory entry's stream, in the FAT or (small ones) the mini FAT.
    let mini_fat_start = u32_at(bytes, 60).ok_or("no mini FAT")?;
    // calamine reads only the number of mini FAT sectors the header declares.
    let mini_fat_sectors = usize::try_from(u32_at(bytes, 64).ok_or("no mini FAT length")?)
        .map_err(|_| "the mini FAT length")?;
    let mut mini_fat = Vec::new();
    if mini_fat_start != END_OF_CHAIN && mini_fat_sectors > 0 {
        chain_len(mini_fat_start, &fat, sectors_in_file)?;
        let mut id = mini_fat_start;
        while id != END_OF_CHAIN {
            let s = sector(id).ok_or("a mini FAT sector beyond the end")?;
            mini_fat.extend((0..per_sector).filter_map(|i| u32_at(s, 4 * i)));
            id = fat[usize::try_from(id).map_err(|_| "a sector number")?];
        }
        mini_fat.truncate(mini_fat_sectors.saturating_mul(per_sector));
    }
    // Reads a (checked) chain's data.
    let read_chain = |start: u32,
                      table: &[u32],
                      unit: usize,
                      fetch: &dyn Fn(u32) -> Option<Vec<u8>>|
     -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let mut id = start;
        while id != END_OF_CHAIN {
            out.extend(fetch(id).ok_or("a sector beyond the end")?);
            id = *table
                .get(usize::try_from(id).map_err(|_| "a sector number")?)
                .ok_or("a sector number")?;
            if out.len()
                > bytes
                    .len()
                    .saturating_mul(64 / unit.min(64))
                    .saturating_add(sector_size)
            {
                return Err("a chain longer than the file".into());
            }
        }
        Ok(out)
    };
    // The directory, as calamine reads it: every 128-byte entry of its chain; the first entry's
    // chain, cut to its declared size, is the mini stream.
    let mut directory = Vec::new();
    let mut id = dir_start;
    for _ in 0..dir_sectors {
        directory.extend_from_slice(sector(id).ok_or("a directory sector beyond the end")?);
        id = fat[usize::try_from(id).map_err(|_| "a sector number")?];
    }
    let entry_size = |entry: &[u8]| -> u64 {
        if sector_size == 512 {
            u64::from(u32_at(entry, 120).unwrap_or(0))
        } else {
            let low = u64::from(u32_at(entry, 120).unwrap_or(0));
            let high = u64::from(u32_at(entry, 124).unwrap_or(0));
            (high << 32) | low
        }
    };
    let mut root: Vec<u8> = Vec::new();
    if let Some(first) = directory.chunks_exact(128).next() {
        let start = u32_at(first, 116).ok_or("the root entry")?;
        if mini_fat_sectors > 0 && start != END_OF_CHAIN {
            chain_len(start, &fat, sectors_in_file)?;
            root = read_chain(start, &fat, sector_size, &|i| sector(i).map(<[u8]>::to_vec))?;
            root.truncate(usize::try_from(entry_size(first)).unwrap_or(usize::MAX));
        }
    }
    let mut workbook: Option<(u32, u64)> = None;
    for entry in directory.chunks_exact(128) {
        let name_len = usize::from(u16::from_le_bytes([entry[64], entry[65]])).min(64);
        let name: Vec<u16> = entry[..name_len]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|c| *c != 0)
            .collect();
        let name = String::from_utf16_lossy(&name);
        if name.is_empty() {
            continue;
        }
        // Any named entry may be looked up as a stream: its chain must be sound.
        let start = u32_at(entry, 116).ok_or("a directory entry")?;
        let size = entry_size(entry);
        if start != END_OF_CHAIN {
            if size < CALAMINE_MINI_CUTOFF {
                chain_len(start, &mini_fat, root.len() / 64)?;
            } else {
                chain_len(start, &fat, sectors_in_file)?;
            }
        }
        if name.eq_ignore_ascii_case("Workbook") || name.eq_ignore_ascii_case("Book") {
            workbook.get_or_insert((start, size));
        }
    }
    let Some((start, size)) = workbook else {
        return Ok(Vec::new());
    };
    if start == END_OF_CHAIN {
        return Ok(Vec::new());
    }
    let mut data = if size >= CALAMINE_MINI_CUTOFF {
        read_chain(start, &fat, sector_size, &|i| sector(i).map(<[u8]>::to_vec))?
    } else {
        read_chain(start, &mini_fat, 64, &|i| {
            let at = usize::try_from(i).ok()?.checked_mul(64)?;
            root.get(at..at.checked_add(64)?).map(<[u8]>::to_vec)
        })?
    };
    data.truncate(usize::try_from(size).unwrap_or(usize::MAX));
    Ok(data)
}

/// Checks the dimensions an .xls workbook's sheets declare, as calamine will read them (from the
/// start of the stream and from each sheet's offset): a sheet that ends before it starts, or
/// declares more rows or columns than the limits, is refused before space is reserved for it.
fn check_biff(stream: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let read_u16 = |at: usize| {
        stream
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let mut starts = vec![0usize];
    let mut i = 0;
    while i < starts.len() {
        let mut at = starts[i];
        i += 1;
        while let (Some(typ), Some(len)) = (read_u16(at), read_u16(at + 2)) {
            let Some(data) = stream.get(at + 4..at + 4 + len) else {
                break;
            };
            match typ {
                0x0085 if i == 1 => {
                    if let Some(offset) = u32_at(data, 0).and_then(|o| usize::try_from(o).ok()) {
                        // calamine slices the stream at each sheet's offset (fuzzing found one
                        // past the end).
                        if offset >= stream.len() {
                            return Err(ReadError::Corrupt(
                                "a sheet starts beyond the end of the workbook".into(),
                            ));
                        }
                        if starts.len() <= limits.max_sheets {
                            starts.push(offset);
                        }
                    }
                }
                0x0200 => {
                    let (first_row, last_row, first_col, last_col) = match len {
                        10 => (
                            read_u16(at + 4).unwrap_or(0),
                            read_u16(at + 6).unwrap_or(0),
                            read_u16(at + 8).unwrap_or(0),
                            read_u16(at + 10).unwrap_or(0),
                        ),
                        14 | 16 => (
                            u32_at(data, 0)
                                .and_then(|v| usize::try_from(v).ok())
                                .unwrap_or(0),
                            u32_at(data, 4)
                                .and_then(|v| usize::try_from(v).ok())
                                .unwrap_or(0),
                            read_u16(at + 12).unwrap_or(0),
                            read_u16(at + 14).unwrap_or(0),
                        ),
                        _ => (0, 0, 0, 0),
                    };
                    let first_col = if first_col > 0xFF || last_col < first_col {
                        0
                    } else {
                        first_col
                    };
                    if last_row >= 1 && last_col >= 1 {
                        if last_row <= first_row {
                            return Err(ReadError::Corrupt(
                                "a sheet's dimensions end before they start".into(),
                            ));
                        }
                        if last_row - first_row > limits.max_rows || last_row > limits.max_rows {
                            return Err(ReadError::TooManyRows {
                                sheet: "(xls)".into(),
                                limit: limits.max_rows,
                            });
                        }
                        if last_col - first_col > limits.max_columns {
                            return Err(ReadError::TooManyColumns {
                                sheet: "(xls)".into(),
                                limit: limits.max_columns,
                            });
                        }
                    }
                }
                // Cell records: calamine spans every sheet's cells with one rectangle, so a
                // cell far to the right would make it allocate for a column it cannot hold.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00BD if i > 1 => {
                    let col = read_u16(at + 6).unwrap_or(0);
                    let last_col = if typ == 0x00BD && len >= 6 {
                        col + (len - 6) / 6
                    } else {
                        col
                    };
                    if last_col >= limits.max_columns {
                        return Err(ReadError::TooManyColumns {
                            sheet: "(xls)".into(),
                            limit: limits.max_columns,
                        });
                    }
                }
                0x000A => break,
                _ => {}
            }
            at += 4 + len;
        }
    }
    Ok(())
}

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
mod tests {
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
        let bytes = include_bytes!("../../../fixtures/returns/fuzz-looping-chain.xls");
        assert!(matches!(
            read("loop.xls", bytes, &Limits::default()),
            Err(ReadError::Corrupt(_))
        ));
    }

    #[test]
    fn an_xls_sheet_whose_dimensions_end_before_they_start_is_refused() {
        // Found by the fuzzer: calamine subtracted the start from the end and overflowed.
        let bytes = include_bytes!("../../../fixtures/returns/fuzz-bad-dimensions.xls");
        assert!(read("dims.xls", bytes, &Limits::default()).is_err());
        // And one whose small streams point past the end of the mini stream.
        let bytes = include_bytes!("../../../fixtures/returns/fuzz-short-mini-stream.xls");
        assert!(read("mini.xls", bytes, &Limits::default()).is_err());
        // And a run of numbers whose last column comes before its first.
        let bytes = include_bytes!("../../../fixtures/returns/fuzz-mulrk-columns.xls");
        assert!(read("mulrk.xls", bytes, &Limits::default()).is_err());
        // And cells far to the right (calamine would allocate the whole rectangle).
        let bytes = include_bytes!("../../../fixtures/returns/fuzz-far-column.xls");
        assert!(read("far.xls", bytes, &Limits::default()).is_err());
        // And a sheet said to start beyond the end of the workbook stream.
        let bytes = include_bytes!("../../../fixtures/returns/fuzz-sheet-offset.xls");
        assert!(read("offset.xls", bytes, &Limits::default()).is_err());
        // And a record too short for what calamine reads from it: its panic is contained.
        let bytes = include_bytes!("../../../fixtures/returns/fuzz-short-record.xls");
        assert!(matches!(
            read("short.xls", bytes, &Limits::default()),
            Err(ReadError::Corrupt(_))
        ));
    }

    #[test]
    fn an_xlsx_whose_dimension_ends_before_it_starts_is_refused() {
        // Found by the fuzzer: calamine subtracted the start from the end and overflowed.
        let bytes = include_bytes!("../../../fixtures/returns/fuzz-bad-dimension-ref.xlsx");
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
}
