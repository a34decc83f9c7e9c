#!/usr/bin/env python3
"""Renders panels of the chart's Grafana dashboard as one PNG from a real Prometheus' data (standard library + gnuplot).

  plot.py --prometheus URL --dashboard J --start EPOCH --end EPOCH --out PNG [--panels "title;title;..."]

Each panel's expressions are asked with /api/v1/query_range (Grafana's variables replaced as exprs.py does, step 5 s),
each series drawn as a line with the panel's legend format, broken where it has no sample; gnuplot's png terminal
draws them, two panels a row.
"""
import argparse, json, os, re, subprocess, sys, tempfile, urllib.parse, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exprs import VARIABLES  # noqa: E402

STEP = 5  # seconds between the points asked of query_range

UNITS = {"reqps": "per second", "ops": "per second", "s": "seconds", "bytes": "MiB", "short": "", "percentunit": "ratio"}


def query_range(base, expr, start, end, step):
    url = base.rstrip("/") + "/api/v1/query_range?" + urllib.parse.urlencode(
        {"query": expr, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(url, timeout=60) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise SystemExit("query_range %s: %s" % (expr, body))
    return body["data"]["result"]


def legend(fmt, metric):
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: metric.get(m.group(1), ""), fmt).strip() or json.dumps(metric)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--prometheus", required=True)
    p.add_argument("--dashboard", required=True)
    p.add_argument("--start", type=float, required=True)
    p.add_argument("--end", type=float, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--title", default="ses-mre-operator dashboard")
    p.add_argument("--panels", default="Objects by SES status;Objects by SendingReady reason;SES calls by outcome;"
                   "SES call rate: ceiling, made, throttled;Reconciliations;Reconcile latency;JVM memory")
    a = p.parse_args()
    wanted = [t for t in a.panels.split(";") if t]
    panels = {}
    def walk(ps):
        for x in ps:
            panels[x["title"]] = x
            walk(x.get("panels", []))
    walk(json.load(open(a.dashboard))["panels"])
    tmp = tempfile.mkdtemp(prefix="dashboard-plot.")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    rows = (len(wanted) + 1) // 2
    script = ['set terminal png size 1600,%d' % (380 * rows + 40), 'set output "%s"' % a.out,
              'set multiplot layout %d,2 title "%s"' % (rows, a.title.replace('"', "'")),
              'set key outside right top vertical font ",8"', 'set grid', 'set xlabel "minutes into the run"',
              'set datafile separator "\\t"']
    series_total = 0
    for title in wanted:
        if title not in panels:
            raise SystemExit("no panel %r in %s" % (title, a.dashboard))
        panel = panels[title]
        unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "short")
        plots = []
        for t in panel["targets"]:
            expr = t["expr"]
            for k in sorted(VARIABLES, key=len, reverse=True):
                expr = expr.replace(k, VARIABLES[k])
            for s in query_range(a.prometheus, expr, a.start, a.end, STEP):
                name = legend(t.get("legendFormat", ""), s["metric"])
                path = os.path.join(tmp, "s%d.tsv" % series_total)
                with open(path, "w") as f:
                    last = None
                    for ts, v in s["values"]:
                        if v in ("NaN", "+Inf", "-Inf"):
                            continue
                        if last is not None and float(ts) - last > 1.5 * STEP:
                            f.write("\n")  # no sample in between (a "> 0" expression at 0): a gap, not a line
                        last = float(ts)
                        y = float(v) / (1024 * 1024) if unit == "bytes" else float(v)
                        f.write("%.1f\t%g\n" % ((float(ts) - a.start) / 60.0, y))
                series_total += 1
                plots.append('"%s" using 1:2 with lines lw 2 title "%s"' % (path, name.replace('"', "'")))
        script.append('set title "%s"' % title.replace('"', "'"))
        script.append('set ylabel "%s"' % UNITS.get(unit, unit))
        script.append("set yrange [0:*]")  # every panel counts or measures from 0 (a flat count is not the axis)
        script.append("plot " + ", ".join(plots) if plots else 'plot NaN title "no data"')
    script.append("unset multiplot")
    gp = os.path.join(tmp, "plot.gp")
    open(gp, "w").write("\n".join(script) + "\n")
    subprocess.run(["gnuplot", gp], check=True)
    print("plot: %d panels, %d series -> %s" % (len(wanted), series_total, a.out))


if __name__ == "__main__":
    main()
