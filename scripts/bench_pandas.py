#!/usr/bin/env python3
"""The comparison for the import benchmark: pandas.read_excel (openpyxl engine) merely reading
the same workbook. Prints the time and this process's peak memory.

    python3 scripts/bench_pandas.py FILE
"""
import resource
import sys
import time

import pandas

path = sys.argv[1]
start = time.perf_counter()
frame = pandas.read_excel(path, sheet_name="Spend", header=2, engine="openpyxl")
seconds = time.perf_counter() - start
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pandas {pandas.__version__} read_excel (openpyxl): {len(frame)} rows in {seconds:.3f} s, peak RSS {peak_mib:.1f} MiB")
