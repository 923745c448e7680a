#!/usr/bin/env python3
"""bench_report: the benchmark report from bench.json (python3 stdlib + gnuplot for the plots).

Reads the JSON lines tests/vm/scenarios/bench.sh writes (one object per measurement, "label" is
tcp, smcr (ours), stock or rdma (the perftest ceiling)) and writes into OUTDIR:
  bench.md           a markdown table: one row per measurement and metric, the values for TCP,
                     ours and stock smc.ko, and the ratios ours/TCP, ours/stock, ours/ceiling;
                     with window ceilings (ib_write_bw records with "tx_depth": no more writes
                     in flight than an RMB holds) one-connection streams over the one of their
                     RMB ("rmem" of their records), and the SMC buffer sizes used
  bench-ratios.json  the same rows, machine-readable (missing values and ratios are null)
  *.png              plots (gnuplot): stream MB/s by write size, request/response latency,
                     throughput by parallel connections, redis and http requests/s
A missing implementation or measurement is a "-" (null), never an error. Lines that are not JSON
objects, unknown labels and unknown tests are skipped with a warning on stderr.
A measurement present more than once (bench.sh with RIG_OPT_BENCH_ROUNDS=N tags each line with
its "round") counts with its median; the rows then also give each implementation's range and,
per round, ours/stock from the same round.
Several BENCH.JSON files pool their rounds: each file's rounds are numbered after those of the
files before it (a record without a round is its file's round 1), so a table of the medians over
several runs of scripts/bench.sh comes out the same way as that of one run.

  bench_report.py [--out OUTDIR] [--title TEXT] [--no-plots] [--gnuplot PATH] BENCH.JSON...
"""

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys

IMPLS = ("tcp", "smcr", "stock")
IMPL_NAMES = {"tcp": "TCP", "smcr": "ours (smcr)", "stock": "stock smc.ko"}
# perftest reports MiB/s (2^20 bytes); everything else here is MB/s (10^6 bytes)
MIB = 1048576 / 1e6

# per test: the fields that identify a measurement, and its metrics as
# (field, unit, higher is better)
TESTS = {
    "stream": (("size", "conns"), (("mbytes_per_s", "MB/s", True),)),
    "rr": (("size", "conns"), (("p50_us", "p50 us", False), ("p99_us", "p99 us", False))),
    "crr": (("size", "conns"), (("ops_per_s", "connections/s", True),)),
    "redis": (("op", "pipeline", "conns"),
              (("rps", "requests/s", True), ("p50_us", "p50 us", False))),
    "http": (("size", "conns"),
             (("rps", "requests/s", True), ("mbytes_per_s", "MB/s", True),
              ("p50_us", "p50 us", False), ("p99_us", "p99 us", False))),
}


def warn(msg):
    print(f"bench_report: {msg}", file=sys.stderr)


def num(v):
    """A finite float from a JSON value, else None."""
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        return None
    try:
        f = float(v)
    except ValueError:
        return None
    return f if math.isfinite(f) else None


def size_text(z):
    z = int(z)
    for unit, n in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if z >= n and z % n == 0:
            return f"{z // n} {unit}"
    return f"{z} B"


def describe(test, key):
    k = dict(key)
    if test == "stream":
        return f"stream, {size_text(k['size'])} writes, {k['conns']} conn"
    if test == "rr":
        return f"request/response {size_text(k['size'])}, {k['conns']} conn"
    if test == "crr":
        return f"connect + {size_text(k['size'])} rr + close, {k['conns']} conn"
    if test == "redis":
        return f"redis {k['op']}, -P {k['pipeline']}, {k['conns']} clients"
    if test == "http":
        return f"http GET {size_text(k['size'])}, keep-alive, {k['conns']} conns"
    return test


def median(values):
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def load(paths):
    """(measurements, ceiling): measurements[(test, key)][label] = [record, ...] in input order;
    ceiling[name] = [value, ...]. The rounds of each file follow those of the files before it."""
    meas, ceiling = {}, {}
    offset = 0
    for path in paths:
        offset += load_one(path, meas, ceiling, offset, len(paths) > 1)
    return meas, {k: median(v) for k, v in ceiling.items()}


def load_one(path, meas, ceiling, offset, pooled):
    """Add the records of one file; @pooled: number their rounds from @offset + 1.
    Return: its last round."""
    last = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                warn(f"{path}:{n}: not JSON ({e}); skipped")
                continue
            if not isinstance(rec, dict):
                warn(f"{path}:{n}: not a JSON object; skipped")
                continue
            rnd = num(rec.get("round"))
            if rnd is None or rnd < 1 or rnd != int(rnd):
                rnd = 1
            last = max(last, int(rnd))
            if pooled:
                rec["round"] = int(rnd) + offset
            label, test = rec.get("label"), rec.get("test")
            if label == "rdma":
                if test == "ib_write_bw" and num(rec.get("mbytes_per_s")) is not None \
                        and rec.get("tx_depth") is not None:
                    # a window ceiling: only as many writes in flight as an RMB of
                    # tx_depth x 64 KiB holds
                    depth = num(rec["tx_depth"])
                    if depth is None or depth < 1 or depth != int(depth):
                        warn(f"{path}:{n}: bad tx_depth; skipped")
                        continue
                    ceiling.setdefault(f"window_bw_mbytes_per_s_depth_{int(depth)}", []).append(
                        num(rec["mbytes_per_s"]) * MIB)
                elif test == "ib_write_bw" and num(rec.get("mbytes_per_s")) is not None:
                    ceiling.setdefault("write_bw_mbytes_per_s", []).append(
                        num(rec["mbytes_per_s"]) * MIB)
                elif test == "ib_write_lat" and num(rec.get("t_typical_us")) is not None:
                    ceiling.setdefault("write_lat_us", []).append(num(rec["t_typical_us"]))
                else:
                    warn(f"{path}:{n}: unknown ceiling record; skipped")
                continue
            if label not in IMPLS:
                warn(f"{path}:{n}: unknown label {label!r}; skipped")
                continue
            if test not in TESTS:
                warn(f"{path}:{n}: unknown test {test!r}; skipped")
                continue
            fields = TESTS[test][0]
            if any(rec.get(k) is None for k in fields):
                warn(f"{path}:{n}: {test} without {'/'.join(fields)}; skipped")
                continue
            key = tuple((k, rec[k] if k == "op" else int(num(rec[k]) or 0)) for k in fields)
            # a measurement repeated in the input (rounds): all count, by their median
            meas.setdefault((test, key), {}).setdefault(label, []).append(rec)
    return last


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def field_values(recs, field):
    return [num(r.get(field)) for r in recs if num(r.get(field)) is not None]


def by_round(ours, stock, field):
    """ours/stock of the rounds both have, in round order (records without a round: none)."""
    def per_round(recs):
        out = {}
        for r in recs:
            rnd, v = r.get("round"), num(r.get(field))
            if isinstance(rnd, int) and not isinstance(rnd, bool) and v is not None:
                out[rnd] = v
        return out
    o, s = per_round(ours), per_round(stock)
    return [ratio(o[r], s[r]) for r in sorted(set(o) & set(s))]


def buffers(meas):
    """{impl: (wmem, rmem)} of the SMC implementations, from their records (None if absent)."""
    out = {}
    for by_label in meas.values():
        for impl in ("smcr", "stock"):
            for rec in by_label.get(impl, []):
                w, r = num(rec.get("wmem")), num(rec.get("rmem"))
                if w is not None and r is not None and impl not in out:
                    out[impl] = (int(w), int(r))
    return out


def window_ceiling(ceiling, bufs, impl):
    """The window ceiling matching impl's RMB (64 KiB writes it holds in flight), or None."""
    if impl not in bufs:
        return None
    return ceiling.get(f"window_bw_mbytes_per_s_depth_{max(1, bufs[impl][1] // 65536)}")


def build_rows(meas, ceiling):
    rows = []
    bufs = buffers(meas)
    for (test, key), by_label in meas.items():
        for field, unit, higher in TESTS[test][1]:
            seen = {impl: field_values(by_label.get(impl, []), field) for impl in IMPLS}
            vals = {impl: median(seen[impl]) for impl in IMPLS}
            ceil = None
            window = {"smcr": None, "stock": None}
            if test == "stream" and field == "mbytes_per_s":
                ceil = ceiling.get("write_bw_mbytes_per_s")
                if dict(key)["conns"] == 1:
                    window = {impl: window_ceiling(ceiling, bufs, impl) for impl in window}
            elif test == "rr" and field == "p50_us" and dict(key)["size"] == 1 \
                    and ceiling.get("write_lat_us") is not None:
                ceil = 2 * ceiling["write_lat_us"]	# a round trip: two one-way writes
            rows.append({
                "test": test,
                "key": dict(key),
                "measurement": describe(test, key),
                "metric": field,
                "unit": unit,
                "higher_is_better": higher,
                "tcp": vals["tcp"], "smcr": vals["smcr"], "stock": vals["stock"],
                "ceiling": ceil,
                "ours_tcp": ratio(vals["smcr"], vals["tcp"]),
                "ours_stock": ratio(vals["smcr"], vals["stock"]),
                "ours_ceiling": ratio(vals["smcr"], ceil),
                "window_ceiling": window,
                "ours_window": ratio(vals["smcr"], window["smcr"]),
                "stock_window": ratio(vals["stock"], window["stock"]),
                "runs": {impl: len(seen[impl]) for impl in IMPLS},
                "range": {impl: [min(seen[impl]), max(seen[impl])] if seen[impl] else None
                          for impl in IMPLS},
                "ours_stock_by_round": by_round(by_label.get("smcr", []),
                                                by_label.get("stock", []), field),
            })
    return rows


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return f"{v:.0f}"
    if abs(v) >= 100:
        return f"{v:.1f}"
    return f"{v:.2f}"


def fmt_ratio(v):
    return "-" if v is None else f"{v:.2f}"


def markdown(rows, ceiling, title, plots, bufs):
    out = []
    if title:
        out += [f"# {title}", ""]
    rounds = max((n for r in rows for n in r["runs"].values()), default=0)
    head = ("| measurement | metric | TCP | ours (smcr) | stock smc.ko | ours/TCP | ours/stock "
            "| ours/ceiling |")
    rule = "|---|---|---|---|---|---|---|---|"
    if rounds > 1:
        head += " ours/stock by round | ours range | stock range |"
        rule += "---|---|---|"
    out += [head, rule]
    for r in rows:
        arrow = "higher is better" if r["higher_is_better"] else "lower is better"
        line = (f"| {r['measurement']} | {r['unit']} ({arrow}) | {fmt(r['tcp'])} "
                f"| {fmt(r['smcr'])} | {fmt(r['stock'])} | {fmt_ratio(r['ours_tcp'])} "
                f"| {fmt_ratio(r['ours_stock'])} | {fmt_ratio(r['ours_ceiling'])} |")
        if rounds > 1:
            per = ", ".join(fmt_ratio(x) for x in r["ours_stock_by_round"]) or "-"
            rng = ["-" if r["range"][i] is None else
                   f"{fmt(r['range'][i][0])}-{fmt(r['range'][i][1])}" for i in ("smcr", "stock")]
            line += f" {per} | {rng[0]} | {rng[1]} |"
        out.append(line)
    out.append("")
    if rounds > 1:
        out.append(f"Values are medians of up to {rounds} rounds (each round measures TCP, ours "
                   "and stock in turn); ratios are of the medians, and \"by round\" pairs ours "
                   "and stock of the same round.")
        out.append("")
    bw, lat = ceiling.get("write_bw_mbytes_per_s"), ceiling.get("write_lat_us")
    out.append("RDMA ceiling of the same link (perftest): ib_write_bw 64 KiB "
               f"{fmt(bw)} MB/s; ib_write_lat 1 B {fmt(lat)} us one way, so "
               f"{fmt(None if lat is None else 2 * lat)} us a round trip.")
    depths = sorted(int(k.rsplit("_", 1)[1]) for k in ceiling
                    if k.startswith("window_bw_mbytes_per_s_depth_"))
    if depths:
        out.append("")
        out.append("Window ceilings: ib_write_bw 64 KiB with at most N writes in flight, as many "
                   "as an RMB of N x 64 KiB holds: " + ", ".join(
                       f"N={d} {fmt(ceiling[f'window_bw_mbytes_per_s_depth_{d}'])} MB/s"
                       for d in depths) + ".")
        for r in rows:
            if r["test"] == "stream" and r["key"].get("size") == 65536 \
                    and r["key"].get("conns") == 1:
                out.append(f"Stream, 64 KiB writes, 1 conn, over the window ceiling of its own "
                           f"RMB: ours {fmt_ratio(r['ours_window'])}, stock "
                           f"{fmt_ratio(r['stock_window'])}.")
    if bufs:
        out.append("")
        out.append("SMC buffers (net.smc.wmem / net.smc.rmem) each connection got: " + ", ".join(
            f"{IMPL_NAMES[i]} {size_text(bufs[i][0])} / {size_text(bufs[i][1])}"
            for i in ("smcr", "stock") if i in bufs) + ".")
    out.append("")
    out.append("Ratios are ours divided by the other: above 1 is better for rates, below 1 is "
               "better for latencies. ours/ceiling: stream MB/s over ib_write_bw; 1 B "
               "request/response p50 over two ib_write_lat (a round trip).")
    if plots:
        out += ["", "Plots: " + ", ".join(f"[{p}]({p})" for p in plots)]
    return "\n".join(out) + "\n"


# ---- plots ------------------------------------------------------------------------------------

COLORS = {"tcp": "#808080", "smcr": "#1f77b4", "stock": "#ff7f0e"}


def gp_quote(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def dat(v):
    return "-" if v is None else repr(v)


def histogram(name, title, ylabel, cats, series, outdir):
    """A clustered bar chart: cats = [label], series = {impl: [value per cat]}. None if empty."""
    if not cats or all(v is None for vals in series.values() for v in vals):
        return None
    with open(os.path.join(outdir, f"{name}.dat"), "w", encoding="utf-8") as f:
        f.write("# category " + " ".join(IMPLS) + "\n")
        for i, c in enumerate(cats):
            f.write(gp_quote(c) + " " + " ".join(dat(series[impl][i]) for impl in IMPLS) + "\n")
    plot = ", ".join(
        f"{gp_quote(name + '.dat')} using {j + 2}:xtic(1) lc rgb {gp_quote(COLORS[impl])} "
        f"title {gp_quote(IMPL_NAMES[impl])}" for j, impl in enumerate(IMPLS))
    return (f"set output {gp_quote(name + '.png')}\nset title {gp_quote(title)}\n"
            f"set ylabel {gp_quote(ylabel)}\nunset xlabel\nunset logscale x\n"
            "set style data histograms\nset style histogram clustered gap 1\n"
            "set style fill solid 0.8 border -1\nset boxwidth 0.9\nset yrange [0:*]\n"
            "set xtics rotate by -20\n"
            f"plot {plot}\nset style data points\nset xtics norotate\n")


def lines(name, title, xlabel, ylabel, logx, points, outdir, hline=None, xtic=None):
    """Lines per implementation: points = {impl: [(x, y)]}; xtic(x): a tic label for each x
    measured (default: gnuplot's tics). None if empty."""
    if not any(points.values()):
        return None
    parts, xs = [], []
    for impl in IMPLS:
        pts = sorted(p for p in points.get(impl, []) if p[1] is not None)
        xs += [x for x, _ in pts]
        if not pts:
            continue
        fn = f"{name}-{impl}.dat"
        with open(os.path.join(outdir, fn), "w", encoding="utf-8") as f:
            f.writelines(f"{x} {y}\n" for x, y in pts)
        parts.append(f"{gp_quote(fn)} using 1:2 with linespoints lw 2 pt 7 "
                     f"lc rgb {gp_quote(COLORS[impl])} title {gp_quote(IMPL_NAMES[impl])}")
    if not parts:
        return None
    lo, hi = (min(xs) / 2, max(xs) * 2) if logx else (min(xs) - 1, max(xs) + 1)
    tics = "set xtics autofreq\n"
    if xtic is not None:
        tics = ("set xtics (" + ", ".join(f"{gp_quote(xtic(x))} {x!r}" for x in sorted(set(xs)))
                + ")\n")
    if hline is not None:
        parts.append(f"{hline[0]!r} with lines dt 2 lw 2 lc rgb \"#2ca02c\" "
                     f"title {gp_quote(hline[1])}")
    return (f"set output {gp_quote(name + '.png')}\nset title {gp_quote(title)}\n"
            f"set xlabel {gp_quote(xlabel)}\nset ylabel {gp_quote(ylabel)}\n"
            f"{'set logscale x 2' if logx else 'unset logscale x'}\nset yrange [0:*]\n"
            # a margin around the points (one point alone included), the ceiling across it all
            f"set xrange [{lo!r}:{hi!r}]\n"
            f"{tics}"
            f"plot {', '.join(parts)}\nunset logscale x\nset xrange [*:*]\nset xtics autofreq\n")


def plots(meas, ceiling, outdir, gnuplot):
    """Writes the .dat files and plots.gp into outdir, runs gnuplot; the PNG names."""
    def val(test, key, impl, field):
        return median(field_values(meas.get((test, key), {}).get(impl, []), field))

    keys = {t: [k for (tt, k) in meas if tt == t] for t in TESTS}
    scripts, names = [], []

    def add(name, script):
        if script:
            scripts.append(script)
            names.append(name + ".png")

    # stream MB/s by write size, one connection; the ceiling as a line
    pts = {impl: [(dict(k)["size"], val("stream", k, impl, "mbytes_per_s"))
                  for k in keys["stream"] if dict(k)["conns"] == 1] for impl in IMPLS}
    bw = ceiling.get("write_bw_mbytes_per_s")
    add("stream", lines("stream", "stream throughput, 1 connection", "write size (bytes)", "MB/s",
                        True, pts, outdir,
                        None if bw is None else (bw, "RDMA ceiling (ib_write_bw 64 KiB)"),
                        size_text))
    # throughput by parallel connections, at the write size with the most connection counts
    by_size = {}
    for k in keys["stream"]:
        by_size.setdefault(dict(k)["size"], set()).add(dict(k)["conns"])
    if by_size:
        size = max(by_size, key=lambda z: (len(by_size[z]), z == 65536))
        pts = {impl: [(dict(k)["conns"], val("stream", k, impl, "mbytes_per_s"))
                      for k in keys["stream"] if dict(k)["size"] == size] for impl in IMPLS}
        add("conns", lines("conns", f"stream throughput, {size_text(size)} writes",
                           "parallel connections", "MB/s (all connections)", True, pts, outdir,
                           xtic=str))
    # request/response latency: p50 and p99 per size
    cats, series = [], {impl: [] for impl in IMPLS}
    for k in keys["rr"]:
        for field, tag in (("p50_us", "p50"), ("p99_us", "p99")):
            cats.append(f"{size_text(dict(k)['size'])} {tag}")
            for impl in IMPLS:
                series[impl].append(val("rr", k, impl, field))
    add("rr", histogram("rr", "request/response latency", "us", cats, series, outdir))
    # redis requests/s
    cats, series = [], {impl: [] for impl in IMPLS}
    for k in keys["redis"]:
        cats.append(f"{dict(k)['op']} -P {dict(k)['pipeline']}")
        for impl in IMPLS:
            series[impl].append(val("redis", k, impl, "rps"))
    add("redis", histogram("redis", "redis-benchmark", "requests/s", cats, series, outdir))
    # http requests/s
    cats, series = [], {impl: [] for impl in IMPLS}
    for k in keys["http"]:
        cats.append(f"{size_text(dict(k)['size'])}, {dict(k)['conns']} conns")
        for impl in IMPLS:
            series[impl].append(val("http", k, impl, "rps"))
    add("http", histogram("http", "nginx + wrk (keep-alive)", "requests/s", cats, series, outdir))

    if not scripts:
        return []
    gp = os.path.join(outdir, "plots.gp")
    with open(gp, "w", encoding="utf-8") as f:
        f.write("set terminal pngcairo size 900,540 noenhanced font \"sans,10\"\n"
                "set datafile missing \"-\"\nset key below\nset grid ytics\n")
        f.write("\n".join(scripts))
    res = subprocess.run([gnuplot, "plots.gp"], cwd=outdir, capture_output=True, text=True,
                         check=False)
    if res.returncode != 0:
        warn(f"gnuplot failed ({res.returncode}): {res.stderr.strip()}")
    return [n for n in names if is_png(os.path.join(outdir, n))]


def is_png(path):
    try:
        with open(path, "rb") as f:
            return f.read(8) == b"\x89PNG\r\n\x1a\n"
    except OSError:
        return False


def main(argv):
    ap = argparse.ArgumentParser(description="benchmark report from bench.json")
    ap.add_argument("json", nargs="+",
                    help="bench.json: one JSON object per line; several: their rounds pooled")
    ap.add_argument("--out", help="output directory (default: the directory of the first "
                    "bench.json)")
    ap.add_argument("--title", default="", help="a heading for bench.md")
    ap.add_argument("--no-plots", action="store_true", help="no gnuplot, no PNGs")
    ap.add_argument("--gnuplot", default="gnuplot", help="the gnuplot program")
    args = ap.parse_args(argv)

    outdir = args.out or os.path.dirname(os.path.abspath(args.json[0]))
    os.makedirs(outdir, exist_ok=True)
    try:
        meas, ceiling = load(args.json)
    except OSError as e:
        print(f"bench_report: {e}", file=sys.stderr)
        return 2
    rows = build_rows(meas, ceiling)
    bufs = buffers(meas)
    pngs = []
    if not args.no_plots:
        gp = shutil.which(args.gnuplot)
        if gp is None:
            warn(f"{args.gnuplot} not found: no plots (scripts/setup.sh installs gnuplot-nox)")
        else:
            pngs = plots(meas, ceiling, outdir, gp)
    with open(os.path.join(outdir, "bench.md"), "w", encoding="utf-8") as f:
        f.write(markdown(rows, ceiling, args.title, pngs, bufs))
    with open(os.path.join(outdir, "bench-ratios.json"), "w", encoding="utf-8") as f:
        json.dump({"ceiling": ceiling, "buffers": {i: {"wmem": w, "rmem": r}
                                                   for i, (w, r) in bufs.items()},
                   "rows": rows, "plots": pngs}, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
