#!/usr/bin/env bash
# Seeds the fuzz corpus with the committed fixtures, each prefixed with the byte that makes the
# target read it as its own format (see fuzz_targets/import_file.rs: NAMES).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/import_file
for f in fixtures/returns/*.xlsx fixtures/returns/*.xlsm fixtures/returns/*.xls fixtures/returns/*.ods fixtures/returns/*.csv; do
  case "$f" in
    *zip-bomb*) continue ;;
    *.xlsx) pick='\x00' ;;
    *.xlsm) pick='\x01' ;;
    *.xls) pick='\x02' ;;
    *.ods) pick='\x03' ;;
    *.csv) pick='\x04' ;;
  esac
  { printf "$pick"; cat "$f"; } > "fuzz/corpus/import_file/$(basename "$f")"
done
echo "seeded $(ls fuzz/corpus/import_file | wc -l) files"
