#!/usr/bin/env python3
"""Concurrent saves of spend returns against a running tracker (issue 15's load figures).

WORKERS officers' sessions save WORKERS different bodies' 2013-14 returns at once, SAVES times
each (each save reads the return's row version from its page first, as a browser does); then
RACES times two saves of one return from the same form. Prints one JSON object: saves, seconds,
saves per second, p50/p99 of a save (ms), errors (anything not 2xx/3xx), and how the races ended;
with --label, a Markdown table row instead. Standard library only.

    bench_saves.py BASE_URL COOKIE CODES_FILE [--saves 3] [--races 10] [--label sqlite]
"""
import json
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

BASE, COOKIE, CODES = sys.argv[1], sys.argv[2], sys.argv[3]
SAVES = int(sys.argv[sys.argv.index("--saves") + 1]) if "--saves" in sys.argv else 3
RACES = int(sys.argv[sys.argv.index("--races") + 1]) if "--races" in sys.argv else 10
LABEL = sys.argv[sys.argv.index("--label") + 1] if "--label" in sys.argv else None
FY = "2013-14"
ROW_VERSION = re.compile(r'name="row_version" value="(\d+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def call(method, path, form=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("Cookie", f"tracker_session={COOKIE}")
    request.add_header("Origin", BASE)
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with OPENER.open(request, timeout=120) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def row_version(code):
    status, body = call("GET", f"/returns/{code}/{FY}")
    match = ROW_VERSION.search(body)
    if status != 200 or not match:
        raise SystemExit(f"no row version on /returns/{code}/{FY}: {status}")
    return match.group(1)


def save(code, rv, amount):
    started = time.perf_counter()
    status, _ = call("POST", "/api/returns/save", {
        "org": code, "fy": FY, "row_version": rv, "hardware-capital": str(amount),
    })
    return status, (time.perf_counter() - started) * 1000


codes = [line.strip() for line in open(CODES) if line.strip()]
for code in codes:
    status, _ = call("POST", "/api/returns/start", {"org": code, "fy": FY})
    if status >= 400 and status != 409:
        raise SystemExit(f"could not start {code}: {status}")

times, statuses, lock = [], [], threading.Lock()


def worker(code, barrier):
    barrier.wait()
    for n in range(SAVES):
        status, ms = save(code, row_version(code), 1000 + n)
        with lock:
            times.append(ms)
            statuses.append(status)


barrier = threading.Barrier(len(codes))
threads = [threading.Thread(target=worker, args=(c, barrier)) for c in codes]
began = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - began
errors = sum(1 for s in statuses if not 200 <= s < 400)

races = {}
for race in range(RACES):
    rv = row_version(codes[0])
    results, gate = [], threading.Barrier(2)

    def racer(side):
        gate.wait()
        results.append(save(codes[0], rv, 5000 + race * 10 + side)[0])

    pair = [threading.Thread(target=racer, args=(s,)) for s in (0, 1)]
    for t in pair:
        t.start()
    for t in pair:
        t.join()
    key = "+".join(str(s) for s in sorted(results))
    races[key] = races.get(key, 0) + 1

times.sort()
result = {
    "saves": len(statuses),
    "seconds": round(elapsed, 2),
    "saves_per_second": round(len(statuses) / elapsed, 1),
    "p50_ms": round(statistics.median(times), 1),
    "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
    "errors": errors,
    "races": races,
}
print(json.dumps(result), file=sys.stderr)
if LABEL:
    race_text = ", ".join(f"{k}: {v}" for k, v in sorted(races.items()))
    print(f"| {LABEL} | {result['saves']} | {result['saves_per_second']} | {result['p50_ms']} "
          f"| {result['p99_ms']} | {errors} | {race_text} |")
else:
    print(json.dumps(result))
