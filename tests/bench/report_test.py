#!/usr/bin/env python3
"""Host test of bench_report.py: a small bench.json written here, the report generated from it,
and its ratios, gaps, table and plots checked.

  report_test.py BENCH_REPORT.PY
"""

import json
import os
import subprocess
import sys
import tempfile

PNG = b"\x89PNG\r\n\x1a\n"
MIB_PER_MB = 1048576 / 1e6	# perftest's MiB/s in MB/s

INPUT = [
    # perftest reports MiB/s: 1000 MiB/s are 1048.576 MB/s
    {"label": "rdma", "test": "ib_write_bw", "size": 65536, "mbytes_per_s": 1000.0},
    {"label": "rdma", "test": "ib_write_lat", "size": 1, "t_typical_us": 40.0},
    # window ceilings (one, two writes in flight): 500 MiB/s are 524.288 MB/s
    {"label": "rdma", "test": "ib_write_bw", "size": 65536, "tx_depth": 1, "mbytes_per_s": 500.0},
    {"label": "rdma", "test": "ib_write_bw", "size": 65536, "tx_depth": 2, "mbytes_per_s": 250.0},
    {"label": "rdma", "test": "ib_write_bw", "size": 65536, "tx_depth": 0, "mbytes_per_s": 1.0},
    {"label": "tcp", "test": "stream", "size": 65536, "conns": 1, "mbytes_per_s": 200.0},
    {"label": "smcr", "test": "stream", "size": 65536, "conns": 1, "mbytes_per_s": 524.288,
     "wmem": 131072, "rmem": 131072},
    {"label": "stock", "test": "stream", "size": 65536, "conns": 1, "mbytes_per_s": 400.0,
     "wmem": 65536, "rmem": 65536},
    {"label": "tcp", "test": "stream", "size": 1024, "conns": 1, "mbytes_per_s": 50.0},
    {"label": "smcr", "test": "stream", "size": 1024, "conns": 1, "mbytes_per_s": 80.0},
    {"label": "tcp", "test": "stream", "size": 65536, "conns": 8, "mbytes_per_s": 300.0},
    {"label": "smcr", "test": "stream", "size": 65536, "conns": 8, "mbytes_per_s": 600.0},
    {"label": "stock", "test": "stream", "size": 65536, "conns": 8, "mbytes_per_s": 450.0},
    {"label": "tcp", "test": "rr", "size": 1, "conns": 1, "p50_us": 300.0, "p99_us": 900.0},
    {"label": "smcr", "test": "rr", "size": 1, "conns": 1, "p50_us": 120.0, "p99_us": 450.0},
    "this line is not JSON",
    {"label": "stock", "test": "rr", "size": 1, "conns": 1, "p50_us": 150.0},
    {"label": "tcp", "test": "crr", "size": 1, "conns": 1, "ops_per_s": 800.0},
    {"label": "smcr", "test": "crr", "size": 1, "conns": 1, "ops_per_s": 200.0},
    {"label": "stock", "test": "crr", "size": 1, "conns": 1, "ops_per_s": 250.0},
    {"label": "tcp", "test": "redis", "op": "GET", "pipeline": 16, "conns": 8, "rps": 2000.0,
     "p50_us": 1200.0},
    {"label": "smcr", "test": "redis", "op": "GET", "pipeline": 16, "conns": 8, "rps": 3000.0,
     "p50_us": 900.0},
    {"label": "stock", "test": "redis", "op": "GET", "pipeline": 16, "conns": 8, "rps": 2500.0,
     "p50_us": 1000.0},
    {"label": "smcr", "test": "redis", "op": "SET", "pipeline": 1, "conns": 8, "rps": 700.0,
     "p50_us": 9000.0},
    # http: no TCP measurement at all
    {"label": "smcr", "test": "http", "size": 1024, "conns": 8, "rps": 1500.0,
     "mbytes_per_s": 1.8, "p50_us": 4000.0, "p99_us": 9000.0},
    {"label": "stock", "test": "http", "size": 1024, "conns": 8, "rps": 1000.0,
     "mbytes_per_s": 1.2, "p50_us": 6000.0, "p99_us": 12000.0},
    {"label": "martian", "test": "stream", "size": 1, "conns": 1, "mbytes_per_s": 1.0},
    {"label": "smcr", "test": "teleport", "size": 1},
]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}")


def close(a, b):
    return a is not None and b is not None and abs(a - b) < 1e-6 * max(1.0, abs(b))


def find(rows, test, metric, **key):
    for r in rows:
        if r["test"] == test and r["metric"] == metric and all(r["key"].get(k) == v
                                                              for k, v in key.items()):
            return r
    return None


def run(report, args, cwd):
    return subprocess.run([sys.executable, report] + args, cwd=cwd, capture_output=True,
                          text=True, check=False)


def main():
    report = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="bench-report-test.") as d:
        src = os.path.join(d, "bench.json")
        with open(src, "w", encoding="utf-8") as f:
            for rec in INPUT:
                f.write((rec if isinstance(rec, str) else json.dumps(rec)) + "\n")
        out = os.path.join(d, "out")
        res = run(report, ["--out", out, "--title", "report test", src], d)
        print(res.stdout, res.stderr, sep="")
        check(res.returncode == 0, f"bench_report exit status {res.returncode}")
        check("not JSON" in res.stderr, "a malformed line is reported")
        check("martian" in res.stderr and "teleport" in res.stderr, "unknown label/test reported")

        with open(os.path.join(out, "bench-ratios.json"), encoding="utf-8") as f:
            data = json.load(f)
        rows = data["rows"]
        check(close(data["ceiling"].get("write_bw_mbytes_per_s"), 1048.576), "ceiling MiB -> MB")

        r = find(rows, "stream", "mbytes_per_s", size=65536, conns=1)
        check(r is not None, "stream 64 KiB row")
        if r:
            check(close(r["ours_tcp"], 524.288 / 200.0), f"stream ours/TCP {r['ours_tcp']}")
            check(close(r["ours_stock"], 524.288 / 400.0), f"stream ours/stock {r['ours_stock']}")
            check(close(r["ours_ceiling"], 0.5), f"stream ours/ceiling {r['ours_ceiling']}")
            check(r["higher_is_better"] is True, "stream: higher is better")
            # each over the window of its own RMB: ours 128 KiB (2 writes), stock 64 KiB (1)
            check(close(r["ours_window"], 2.0) and close(r["stock_window"], 400.0 / 524.288),
                  f"stream window ratios {r['ours_window']} {r['stock_window']}")
        check(close(data["ceiling"].get("window_bw_mbytes_per_s_depth_1"), 524.288),
              "window ceiling MiB -> MB, kept apart from the ceiling")
        check("bad tx_depth" in res.stderr, "a window ceiling of depth 0 is refused")
        check(data["buffers"] == {"smcr": {"wmem": 131072, "rmem": 131072},
                                  "stock": {"wmem": 65536, "rmem": 65536}},
              f"buffers {data['buffers']}")
        r = find(rows, "stream", "mbytes_per_s", size=65536, conns=8)
        check(r is not None and r["window_ceiling"] == {"smcr": None, "stock": None}
              and r["ours_window"] is None, "no window ratio for parallel streams")
        r = find(rows, "stream", "mbytes_per_s", size=1024, conns=1)
        check(r is not None and r["stock"] is None and r["ours_stock"] is None
              and close(r["ours_tcp"], 1.6), "stream 1 KiB: no stock, ours/TCP 1.6")

        r = find(rows, "rr", "p50_us", size=1)
        check(r is not None and close(r["ceiling"], 80.0) and close(r["ours_ceiling"], 1.5)
              and close(r["ours_tcp"], 0.4) and close(r["ours_stock"], 0.8),
              f"rr 1 B p50 ratios: {r}")
        r = find(rows, "rr", "p99_us", size=1)
        check(r is not None and r["stock"] is None and r["ceiling"] is None
              and r["ours_ceiling"] is None and r["higher_is_better"] is False,
              f"rr p99: stock missing, no ceiling: {r}")
        r = find(rows, "crr", "ops_per_s", size=1)
        check(r is not None and close(r["ours_tcp"], 0.25) and close(r["ours_stock"], 0.8),
              "crr ratios")

        r = find(rows, "redis", "rps", op="GET", pipeline=16)
        check(r is not None and close(r["ours_tcp"], 1.5) and close(r["ours_stock"], 1.2)
              and r["ours_ceiling"] is None, f"redis GET -P 16 ratios: {r}")
        r = find(rows, "redis", "p50_us", op="GET", pipeline=16)
        check(r is not None and close(r["ours_tcp"], 0.75), "redis GET p50 ratio")
        r = find(rows, "redis", "rps", op="SET", pipeline=1)
        check(r is not None and r["tcp"] is None and r["ours_tcp"] is None
              and close(r["smcr"], 700.0), "redis SET -P 1: only ours")

        r = find(rows, "http", "mbytes_per_s", size=1024, conns=8)
        check(r is not None and r["tcp"] is None and r["ours_tcp"] is None
              and close(r["ours_stock"], 1.5), f"http MB/s: no TCP, ours/stock 1.5: {r}")
        check(not any(r["test"] == "stream" and r["key"].get("size") == 1 for r in rows),
              "the unknown label's record is not a row")

        with open(os.path.join(out, "bench.md"), encoding="utf-8") as f:
            md = f.read()
        print(md)
        check(md.startswith("# report test\n"), "bench.md title")
        check("| stream, 64 KiB writes, 1 conn | MB/s (higher is better) | 200.0 | 524.3 | 400.0 "
              "| 2.62 | 1.31 | 0.50 |" in md, "bench.md stream row")
        check("| http GET 1 KiB, keep-alive, 8 conns | requests/s (higher is better) | - | 1500 "
              "| 1000 | - | 1.50 | - |" in md, "bench.md http row with a gap")
        check("ib_write_bw 64 KiB 1049 MB/s" in md, "bench.md ceiling line")
        check("N=1 524.3 MB/s, N=2 262.1 MB/s" in md and "own RMB: ours 2.00, stock 0.76" in md
              and "ours (smcr) 128 KiB / 128 KiB, stock smc.ko 64 KiB / 64 KiB" in md,
              "bench.md window ceiling and buffer lines")

        for name in ("stream", "conns", "rr", "redis", "http"):
            path = os.path.join(out, name + ".png")
            ok = os.path.exists(path)
            if ok:
                with open(path, "rb") as f:
                    ok = f.read(8) == PNG and os.path.getsize(path) > 1000
            check(ok, f"{name}.png is a PNG")
            check(f"({name}.png)" in md, f"bench.md links {name}.png")

        # rounds: medians, ranges, ours/stock paired by round, the extra columns
        rounds = os.path.join(d, "rounds.json")
        with open(rounds, "w", encoding="utf-8") as f:
            for rnd, tcp, ours, stock, bw in ((1, 30.0, 6.0, 8.0, 7000.0),
                                              (2, 28.0, 9.0, 6.0, 8000.0),
                                              (3, 29.0, 7.0, 7.0, 9000.0)):
                for label, v in (("tcp", tcp), ("smcr", ours), ("stock", stock)):
                    f.write(json.dumps({"round": rnd, "label": label, "test": "stream",
                                        "size": 65536, "conns": 1, "mbytes_per_s": v}) + "\n")
                f.write(json.dumps({"round": rnd, "label": "rdma", "test": "ib_write_bw",
                                    "size": 65536, "mbytes_per_s": bw / MIB_PER_MB}) + "\n")
            # ours measured once more in a round stock lacks: counts for the median only
            f.write(json.dumps({"round": 4, "label": "smcr", "test": "stream", "size": 65536,
                                "conns": 1, "mbytes_per_s": 100.0}) + "\n")
        res = run(report, ["--out", os.path.join(d, "rounds"), "--no-plots", rounds], d)
        check(res.returncode == 0, f"rounds: exit status {res.returncode} {res.stderr}")
        with open(os.path.join(d, "rounds", "bench-ratios.json"), encoding="utf-8") as f:
            rr = json.load(f)
        r = find(rr["rows"], "stream", "mbytes_per_s", size=65536, conns=1)
        check(r is not None and close(r["smcr"], 8.0) and close(r["stock"], 7.0)
              and close(r["tcp"], 29.0), f"rounds: medians {r}")
        check(r is not None and r["runs"] == {"tcp": 3, "smcr": 4, "stock": 3}, "rounds: runs")
        check(r is not None and r["range"]["smcr"] == [6.0, 100.0], "rounds: ours range")
        check(r is not None and len(r["ours_stock_by_round"]) == 3
              and all(close(a, b) for a, b in zip(r["ours_stock_by_round"], (0.75, 1.5, 1.0))),
              f"rounds: by round {r and r['ours_stock_by_round']}")
        check(close(rr["ceiling"].get("write_bw_mbytes_per_s"), 8000.0), "rounds: median ceiling")
        with open(os.path.join(d, "rounds", "bench.md"), encoding="utf-8") as f:
            md = f.read()
        print(md)
        check("| 0.75, 1.50, 1.00 | 6.00-100.0 | 6.00-8.00 |" in md, "rounds: bench.md columns")
        check("medians of up to 4 rounds" in md, "rounds: bench.md says medians")

        # several runs pooled: the second file's rounds come after the first file's four
        more = os.path.join(d, "more.json")
        with open(more, "w", encoding="utf-8") as f:
            f.write(json.dumps({"label": "rdma", "test": "ib_write_bw", "size": 65536,
                                "mbytes_per_s": 10000.0 / MIB_PER_MB}) + "\n")
            for rnd, ours, stock in ((1, 10.0, 5.0), (2, 4.0, 8.0)):
                for label, v in (("smcr", ours), ("stock", stock)):
                    f.write(json.dumps({"round": rnd, "label": label, "test": "stream",
                                        "size": 65536, "conns": 1, "mbytes_per_s": v}) + "\n")
        res = run(report, ["--out", os.path.join(d, "pooled"), "--no-plots", rounds, more], d)
        check(res.returncode == 0, f"pooled: exit status {res.returncode} {res.stderr}")
        with open(os.path.join(d, "pooled", "bench-ratios.json"), encoding="utf-8") as f:
            pooled = json.load(f)
        r = find(pooled["rows"], "stream", "mbytes_per_s", size=65536, conns=1)
        check(r is not None and r["runs"] == {"tcp": 3, "smcr": 6, "stock": 5}
              and close(r["smcr"], 8.0) and close(r["stock"], 7.0), f"pooled: medians {r}")
        check(r is not None and len(r["ours_stock_by_round"]) == 5
              and all(close(a, b) for a, b in zip(r["ours_stock_by_round"],
                                                  (0.75, 1.5, 1.0, 2.0, 0.5))),
              f"pooled: by round {r and r['ours_stock_by_round']}")
        check(close(pooled["ceiling"].get("write_bw_mbytes_per_s"), 8500.0),
              "pooled: the ceiling is the median over all files")

        # nothing to report: still a table (empty), no plots, no error
        empty = os.path.join(d, "empty.json")
        open(empty, "w", encoding="utf-8").close()
        res = run(report, ["--out", os.path.join(d, "empty"), empty], d)
        check(res.returncode == 0, f"empty input: exit status {res.returncode} {res.stderr}")
        with open(os.path.join(d, "empty", "bench-ratios.json"), encoding="utf-8") as f:
            e = json.load(f)
        check(e["rows"] == [] and e["plots"] == [], "empty input: no rows, no plots")
        # a missing input file is an error, not a traceback
        res = run(report, ["--out", os.path.join(d, "none"), os.path.join(d, "missing.json")], d)
        check(res.returncode == 2 and "Traceback" not in res.stderr, "missing input: status 2")

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("report test ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
