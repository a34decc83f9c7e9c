#!/usr/bin/env python3
"""The PromQL expressions of the chart's alerts and dashboard (standard library only; see README.md).

  exprs.py check --rules R --tests T --runbooks D --dashboard J --configmap C --recording-rules OUT
      every alert of the rendered rule file R has a test firing and one not firing in T and a runbook section in D;
      the dashboard ConfigMap C holds exactly the JSON J; every dashboard expression (Grafana variables replaced)
      is written into OUT as a recording rule, for `promtool check rules` to parse with Prometheus' parser
  exprs.py list --rules R --dashboard J
      every expression as JSON lines {"source", "name", "expr"} (variables replaced)
  exprs.py e2e --prometheus URL --rules R --dashboard J [--wait SECONDS]
      against a real Prometheus: each dashboard expression returns at least one series; for each alert, Prometheus
      parses it (/api/v1/parse_query) and every series selector in it returns at least one series, and so does the
      left side of a top-level comparison with a number (the alert's measure, whatever its threshold)
"""
import argparse, json, re, sys, time, urllib.parse, urllib.request

# what the dashboard's variables stand for in the tests: the release the tests render (ses-mre-operator in
# ses-mre-system); Grafana's $__rate_interval is at least four scrape intervals
VARIABLES = {"$job": "ses-mre-operator", "$namespace": "ses-mre-system", "$__rate_interval": "1m"}


def rule_file(path):
    """[(alert name, expr)] of a Prometheus rule file as the chart renders it (expr on one line or a |- block)."""
    rules, lines, i = [], open(path).read().split("\n"), 0
    while i < len(lines):
        m = re.match(r"^(\s*)- alert: (\S+)$", lines[i])
        if not m:
            i += 1
            continue
        name, indent, i = m.group(2), len(m.group(1)) + 2, i + 1
        while i < len(lines) and not lines[i].startswith(" " * indent + "expr:"):
            i += 1
        value = lines[i].split("expr:", 1)[1].strip()
        i += 1
        if value == "|-":
            block = []
            while i < len(lines) and (lines[i].startswith(" " * (indent + 2)) or not lines[i].strip()):
                block.append(lines[i].strip())
                i += 1
            value = " ".join(b for b in block if b)
        rules.append((name, value))
    if not rules:
        raise SystemExit("no alert in %s" % path)
    return rules


def dashboard(path):
    """[(panel title + refId, expr)] of a Grafana dashboard JSON, with the variables replaced."""
    out = []
    def panels(ps):
        for p in ps:
            yield p
            yield from panels(p.get("panels", []))
    for p in panels(json.load(open(path))["panels"]):
        for t in p.get("targets", []):
            expr = t["expr"]
            for k in sorted(VARIABLES, key=len, reverse=True):
                expr = expr.replace(k, VARIABLES[k])
            if "$" in expr:
                raise SystemExit("panel %r: an unknown variable in %s" % (p["title"], expr))
            out.append(("%s [%s]" % (p["title"], t["refId"]), expr))
    return out


def tests_by_alert(path):
    """{alert: (tests where it fires, tests where it does not)} from a promtool test file."""
    seen, current = {}, None
    for line in open(path):
        m = re.match(r"^\s*alertname: (\S+)", line)
        if m:
            current = m.group(1)
            continue
        m = re.match(r"^\s*exp_alerts:(.*)$", line)
        if m and current:
            fires, quiet = seen.setdefault(current, [0, 0])
            if m.group(1).strip() == "[]":
                seen[current][1] += 1
            else:
                seen[current][0] += 1
            current = None
    return seen


def check(a):
    failures = []
    alerts = rule_file(a.rules)
    tests = tests_by_alert(a.tests)
    runbooks = set(re.findall(r"^### (\S+)$", open(a.runbooks).read(), re.M))
    for name, _ in alerts:
        fires, quiet = tests.get(name, [0, 0])
        if not fires or not quiet:
            failures.append("%s: needs a test where it fires and one where it does not (has %d and %d)" % (name, fires, quiet))
        if name not in runbooks:
            failures.append("%s: no runbook section '### %s' in %s" % (name, name, a.runbooks))
    for name in tests:
        if name not in dict(alerts):
            failures.append("%s: tested in %s but no such alert" % (name, a.tests))
    # the ConfigMap's data is the dashboard file, unchanged
    text = open(a.configmap).read()
    m = re.search(r"^  ses-mre-operator\.json: \|-\n((?:    .*\n?|\n)*)", text, re.M)
    if not m:
        failures.append("no data key ses-mre-operator.json in the rendered ConfigMap")
    elif json.loads("\n".join(l[4:] for l in m.group(1).split("\n"))) != json.load(open(a.dashboard)):
        failures.append("the ConfigMap's ses-mre-operator.json differs from %s" % a.dashboard)
    if not re.search(r'^    grafana_dashboard: "1"$', text, re.M):
        failures.append("the ConfigMap lacks the sidecar label grafana_dashboard: \"1\"")
    exprs = dashboard(a.dashboard)
    with open(a.recording_rules, "w") as out:
        out.write("# the dashboard's expressions, for promtool check rules\ngroups:\n  - name: dashboard\n    rules:\n")
        for i, (where, expr) in enumerate(exprs):
            out.write("      # %s\n      - record: dashboard:expr_%d\n        expr: %s\n" % (where, i, json.dumps(expr)))
    for f in failures:
        print("FAIL: " + f)
    print("exprs: %d alerts (each tested firing and not firing, each with a runbook), %d dashboard expressions"
          % (len(alerts), len(exprs)) if not failures else "exprs: %d failures" % len(failures))
    return 1 if failures else 0


def all_exprs(a):
    return [("alert", n, e) for n, e in rule_file(a.rules)] + [("dashboard", n, e) for n, e in dashboard(a.dashboard)]


def api(base, path, **params):
    url = base.rstrip("/") + path + "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=30) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError("%s: %s" % (path, body))
    return body["data"]


def selectors(node):
    """Every vector or matrix selector of a parse_query AST, as a PromQL selector."""
    if isinstance(node, dict):
        if node.get("type") in ("vectorSelector", "matrixSelector"):
            yield "{%s}" % ",".join('%s%s%s' % (m["name"], m["type"], json.dumps(m["value"])) for m in node["matchers"])
        for v in node.values():
            yield from selectors(v)
    elif isinstance(node, list):
        for v in node:
            yield from selectors(v)


COMPARISON = re.compile(r"^(.*\S)\s*(==|!=|>=|<=|>|<)\s*[0-9.]+$", re.S)


def queries(base, source, expr):
    """What must return at least one series for an expression."""
    if source == "dashboard":
        return [expr]
    ast = api(base, "/api/v1/parse_query", query=expr)
    qs = list(dict.fromkeys(selectors(ast)))
    m = COMPARISON.match(expr)
    if ast.get("type") == "binaryExpr" and ast.get("op") in ("==", "!=", ">=", "<=", ">", "<") and m:
        qs.append(m.group(1))
    return qs


def e2e(a):
    deadline = time.time() + a.wait
    while True:
        missing, n = [], 0
        for source, name, expr in all_exprs(a):
            for q in queries(a.prometheus, source, expr):
                n += 1
                if not api(a.prometheus, "/api/v1/query", query=q)["result"]:
                    missing.append("%s %s: no series for %s" % (source, name, q))
        if not missing or time.time() > deadline:
            break
        time.sleep(5)
    for m in missing:
        print("FAIL: " + m)
    print("e2e: %d of %d queries returned series" % (n - len(missing), n))
    return 1 if missing else 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cmd", choices=["check", "list", "e2e"])
    for opt in ("rules", "tests", "runbooks", "dashboard", "configmap", "recording-rules", "prometheus"):
        p.add_argument("--" + opt)
    p.add_argument("--wait", type=float, default=0)
    a = p.parse_args()
    if a.cmd == "check":
        return check(a)
    if a.cmd == "list":
        for source, name, expr in all_exprs(a):
            print(json.dumps({"source": source, "name": name, "expr": expr}))
        return 0
    return e2e(a)


if __name__ == "__main__":
    sys.exit(main())
