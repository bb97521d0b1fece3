//! The checks a spreadsheet file passes before calamine reads it: encrypted Office files, zip
//! bombs (xlsx) and OLE/BIFF structures that would make it loop or allocate without bound (xls).

use super::{Limits, ReadError};
use std::io::Cursor;

pub(super) const OLE_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
pub(super) const ZIP_SIGNATURE: [u8; 4] = [b'P', b'K', 3, 4];

/// "EncryptedPackage" in UTF-16LE: the stream an encrypted Office file keeps its workbook in.
pub(super) fn is_encrypted_office_file(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.starts_with(&OLE_SIGNATURE) && bytes.windows(needle.len()).any(|w| w == needle)
}

/// Refuses a zip whose parts unpack to more than the limit, before anything is unpacked.
pub(super) fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
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
pub(super) fn cell_position(reference: &str) -> Option<(u64, u64)> {
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

pub(super) const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Streams smaller than this live in the mini stream (calamine uses the standard 4096, whatever
/// the header says).
pub(super) const CALAMINE_MINI_CUTOFF: u64 = 4096;
/// Sector numbers from here up are markers, not sectors.
pub(super) const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;

pub(super) fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Checks an OLE compound file (the container of .xls) before calamine reads it: every chain of
/// sectors it follows must stay inside the file and never loop. (A 6 KB file whose directory
/// chain loops made calamine allocate without end: found by fuzzing.)
#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub(super) fn check_ole(bytes: &[u8]) -> Result<Vec<u8>, String> {
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
#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub(super) fn check_biff(stream: &[u8], limits: &Limits) -> Result<(), ReadError> {
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
