// report.html's script, compiled into wsrepro (reports/CMakeLists.txt embeds it). It draws the
// page from the JSON data island (the same documents as report.json). Everything a client or a
// scenario wrote reaches the page through text nodes and attribute values only, never as markup:
// the page shows hostile output, it never runs it.
"use strict";

(function () {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const VERDICTS = ["pass", "fail", "known_bug", "skipped", "error", "unsupported"];
  const LABELS = {pass: "pass", fail: "fail", known_bug: "known bug", skipped: "skipped", error: "error",
                  unsupported: "not supported"};
  const LANES = ["server", "harness", "client", "driver"];
  const MAX_CHARTS = 40;
  // A browser stays responsive with a few thousand rows and sections; report.json has the rest.
  const MAX_TABLE_ROWS = 5000;
  const MAX_SECTIONS = 1500;

  // --- building elements -----------------------------------------------------------------

  function append(node, children) {
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) append(node, child);
      else if (typeof child === "object") node.appendChild(child);
      else node.appendChild(document.createTextNode(String(child)));
    }
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      // Only fixed names reach here; never an event handler, so a value stays a value.
      node.setAttribute(key, String(value));
    }
    return node;
  }

  function el(tag, attrs, ...children) {
    return append(setAttrs(document.createElement(tag), attrs), children);
  }

  function svg(tag, attrs, ...children) {
    return append(setAttrs(document.createElementNS(SVG_NS, tag), attrs), children);
  }

  function tip(text) {
    return svg("title", {}, text);
  }

  // --- values ----------------------------------------------------------------------------

  function num(value) {
    if (typeof value !== "number" || !isFinite(value)) return String(value);
    return String(Math.round(value * 1000) / 1000);
  }

  function withUnit(value, unit) {
    if (value === null || value === undefined) return "–";
    if (typeof value !== "number") return String(value);
    if (unit === "ms" && Math.abs(value) >= 1000) return num(value / 1000) + " s";
    return num(value) + (unit && unit !== "count" && unit !== "code" ? " " + unit : "");
  }

  function measurementText(m) {
    if (!m) return "–";
    if (m.status !== "measured") return m.status.replace("_", " ");
    return (m.lower_bound ? "≥ " : "") + withUnit(m.value, m.unit);
  }

  function headlineOf(run) {
    const m = run.measurements ? run.measurements[run.headline] : undefined;
    return m && m.status === "measured" && typeof m.value === "number" ? m : null;
  }

  // The expectation on the headline as a number to draw: "<= 1000" gives 1000.
  function thresholdOf(run) {
    for (const c of run.checks || []) {
      if (c.measurement !== run.headline) continue;
      const match = /^\s*(<=|<|>=|>)\s*(-?[0-9.]+(?:e[+-]?[0-9]+)?)/.exec(c.expected || "");
      if (match) return {op: match[1], value: Number(match[2]), text: c.expected};
    }
    return null;
  }

  function verdictBadge(verdict) {
    const v = VERDICTS.includes(verdict) ? verdict : "error";
    return el("span", {class: "badge " + v}, LABELS[v]);
  }

  function niceStep(span, count) {
    const raw = span / Math.max(1, count);
    const power = Math.pow(10, Math.floor(Math.log10(raw || 1)));
    for (const f of [1, 2, 5, 10]) {
      if (raw <= f * power) return f * power;
    }
    return 10 * power;
  }

  function ticks(lo, hi, count) {
    if (!(hi > lo)) return [lo];
    const step = niceStep(hi - lo, count);
    const out = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(t);
    return out;
  }

  // Not Math.min(...values): spreading a bench's 100,000 values overflows the call stack.
  function minOf(values, start) {
    return values.reduce((m, v) => (v < m ? v : m), start === undefined ? Infinity : start);
  }

  function maxOf(values) {
    return values.reduce((m, v) => (v > m ? v : m), -Infinity);
  }

  function quantile(sorted, q) {
    if (sorted.length === 0) return NaN;
    const at = (sorted.length - 1) * q;
    const lo = Math.floor(at);
    const hi = Math.ceil(at);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
  }

  // --- the invocation --------------------------------------------------------------------

  function header(data) {
    const ctx = data.context || {};
    const sum = data.summary || {};
    const counts = el("div", {class: "counts", id: "counts"},
      el("span", {class: "badge count skipped"}, (sum.total || 0) + " runs"));
    for (const v of VERDICTS) {
      if (sum[v] > 0) counts.appendChild(el("span", {class: "badge count " + v}, sum[v] + " " + LABELS[v]));
    }
    return el("header", {},
      el("h1", {}, "wsrepro report"),
      el("p", {class: "meta mono"}, ctx.command_line || ""),
      el("p", {class: "meta"},
        "wsrepro " + (ctx.wsrepro_version || "?") + " · started " + (ctx.started_at || "?") +
        " · " + withUnit(sum.duration_ms, "ms") + " · seed " + (ctx.seed !== undefined ? ctx.seed : "?") +
        " · exit code " + (sum.exit_code !== undefined ? sum.exit_code : "?") +
        (sum.interrupted ? " · interrupted: the remaining runs were not made" : "")),
      counts);
  }

  function verdictTable(runs, id) {
    const body = el("tbody");
    for (const run of runs.slice(0, MAX_TABLE_ROWS)) {
      const link = el("a", {href: "#run-" + run.index}, run.scenario);
      body.appendChild(el("tr", {class: "verdict-row"},
        el("td", {class: "num"}, run.index),
        el("td", {}, verdictBadge(run.verdict)),
        el("td", {class: "mono"}, link),
        el("td", {class: "mono"}, run.client + (run.repetition > 0 ? " #" + run.repetition : "")),
        el("td", {class: "num"}, run.headline ? run.headline + " = " + measurementText(run.measurements[run.headline]) : "–"),
        el("td", {}, run.reason || "")));
    }
    const more = runs.length > MAX_TABLE_ROWS ? el("p", {class: "note"}, (runs.length - MAX_TABLE_ROWS) + " more runs are in report.json.") : null;
    return [more, el("table", {id: id, class: "verdicts"},
      el("thead", {}, el("tr", {}, el("th", {}, "#"), el("th", {}, "verdict"), el("th", {}, "scenario"),
        el("th", {}, "client"), el("th", {}, "headline"), el("th", {}, "why"))),
      body)];
  }

  function versionMatrices(matrices) {
    const out = [];
    for (const m of matrices) {
      const headRow = el("tr", {}, el("th", {}, "scenario"), el("th", {}, "client"));
      for (const v of m.versions) headRow.appendChild(el("th", {}, v));
      const body = el("tbody");
      for (const row of m.rows) {
        const tr = el("tr", {}, el("td", {class: "mono"}, row.scenario), el("td", {class: "mono"}, row.client));
        for (const v of m.versions) {
          const cell = row.cells[v];
          const verdict = cell && VERDICTS.includes(cell.verdict) ? cell.verdict : "absent";
          tr.appendChild(el("td", {class: "cell " + verdict, title: cell ? LABELS[verdict] + ": " + row.headline : "not run"},
            cell ? cell.text : ""));
        }
        body.appendChild(tr);
      }
      out.push(el("h3", {}, m.library + (m.runtimes && m.runtimes.length ? " (" + m.runtimes.join(", ") + ")" : "")));
      out.push(el("table", {class: "matrix"}, el("thead", {}, headRow), body));
    }
    return out;
  }

  // --- charts over many runs -------------------------------------------------------------

  function chartFrame(title, className, width, height) {
    const plot = svg("svg", {width: width, height: height, viewBox: "0 0 " + width + " " + height, role: "img"});
    const figure = el("figure", {class: "chart " + className}, el("figcaption", {}, title), plot);
    return {figure: figure, plot: plot};
  }

  function xAxis(plot, scale, lo, hi, y, x0, x1, unit) {
    plot.appendChild(svg("line", {class: "axis", x1: x0, x2: x1, y1: y, y2: y}));
    for (const t of ticks(lo, hi, 6)) {
      const x = scale(t);
      plot.appendChild(svg("line", {class: "axis", x1: x, x2: x, y1: y, y2: y + 4}));
      plot.appendChild(svg("text", {x: x, y: y + 16, "text-anchor": "middle"}, num(t) + (unit ? " " + unit : "")));
    }
  }

  function yAxis(plot, scale, lo, hi, x, y0, y1, unit) {
    plot.appendChild(svg("line", {class: "axis", x1: x, x2: x, y1: y0, y2: y1}));
    for (const t of ticks(lo, hi, 5)) {
      const y = scale(t);
      plot.appendChild(svg("line", {class: "grid", x1: x, x2: x + 1000, y1: y, y2: y}));
      plot.appendChild(svg("text", {x: x - 6, y: y + 4, "text-anchor": "end"}, num(t) + (unit ? " " + unit : "")));
    }
  }

  // The threshold joins the axis only when it is near the values: a 1000 ms limit would squash
  // values of 2 ms into one pixel. Far away, it is named in a corner instead.
  function fitThreshold(lo, hi, threshold) {
    if (!threshold) return {lo: lo, hi: hi, drawn: false};
    const span = Math.max(hi - lo, Math.abs(hi), 1e-9);
    const near = threshold.value >= lo - span && threshold.value <= hi + span;
    if (!near) return {lo: lo, hi: hi, drawn: false};
    return {lo: Math.min(lo, threshold.value), hi: Math.max(hi, threshold.value), drawn: true};
  }

  function offScale(plot, threshold, x, y) {
    plot.appendChild(svg("text", {x: x, y: y, "text-anchor": "end", class: "note"},
      "expected " + threshold.text + " (off the scale)"));
  }

  function histogram(title, values, unit, threshold) {
    const W = 460, H = 220, L = 50, R = 16, T = 14, B = 40;
    const {figure, plot} = chartFrame(title, "histogram", W, H);
    // The bins cover the values; the axis also reaches the threshold, so it can be drawn.
    let binLo = minOf(values), binHi = maxOf(values);
    if (binHi === binLo) { binHi = binLo + Math.max(1, Math.abs(binLo) * 0.01); }
    const fit = fitThreshold(binLo, binHi, threshold);
    const lo = fit.lo, hi = fit.hi;
    const binCount = Math.min(24, Math.max(5, Math.ceil(Math.sqrt(values.length)) + 2));
    const width = (binHi - binLo) / binCount;
    const bins = new Array(binCount).fill(0);
    for (const v of values) bins[Math.min(binCount - 1, Math.floor((v - binLo) / width))] += 1;
    const top = maxOf(bins);
    const xs = (v) => L + (v - lo) / (hi - lo) * (W - L - R);
    const ys = (c) => H - B - c / top * (H - B - T);
    yAxis(plot, ys, 0, top, L, T, H - B, "");
    bins.forEach((c, i) => {
      if (c === 0) return;
      const x = xs(binLo + i * width);
      plot.appendChild(svg("rect", {class: "bar", x: x + 0.5, y: ys(c), width: Math.max(1.5, xs(binLo + (i + 1) * width) - x - 1), height: H - B - ys(c)},
        tip(c + " runs in [" + num(binLo + i * width) + ", " + num(binLo + (i + 1) * width) + ") " + unit)));
    });
    xAxis(plot, xs, lo, hi, H - B, L, W - R, unit);
    if (threshold && !fit.drawn) offScale(plot, threshold, W - R, T + 2);
    if (fit.drawn) {
      const x = xs(threshold.value);
      const nearEnd = x > W / 2;
      plot.appendChild(svg("line", {class: "threshold", x1: x, x2: x, y1: T - 6, y2: H - B}));
      plot.appendChild(svg("text", {x: nearEnd ? x - 4 : x + 4, y: T + 2, "text-anchor": nearEnd ? "end" : "start"}, "expected " + threshold.text));
    }
    return figure;
  }

  function sweepChart(title, key, points, unit, threshold) {
    const W = 460, H = 240, L = 60, R = 16, T = 14, B = 44;
    const {figure, plot} = chartFrame(title, "sweep", W, H);
    const xsv = points.map((p) => p.x), ysv = points.map((p) => p.y);
    const x0 = minOf(xsv);
    let x1 = maxOf(xsv);
    if (x1 === x0) x1 = x0 + 1;
    const fit = fitThreshold(minOf(ysv, 0), maxOf(ysv), threshold);
    const y0 = fit.lo, y1 = fit.hi > fit.lo ? fit.hi : fit.lo + 1;
    const xs = (v) => L + (v - x0) / (x1 - x0) * (W - L - R);
    const ys = (v) => H - B - (v - y0) / (y1 - y0) * (H - B - T);
    yAxis(plot, ys, y0, y1, L, T, H - B, unit);
    xAxis(plot, xs, x0, x1, H - B, L, W - R, "");
    plot.appendChild(svg("text", {x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle"}, key));
    // The median at each swept value, joined.
    const byX = new Map();
    for (const p of points) byX.set(p.x, (byX.get(p.x) || []).concat([p.y]));
    const medians = [...byX.entries()].sort((a, b) => a[0] - b[0])
      .map(([x, ys_]) => [x, quantile(ys_.slice().sort((a, b) => a - b), 0.5)]);
    plot.appendChild(svg("polyline", {class: "median", fill: "none", points: medians.map(([x, y]) => xs(x) + "," + ys(y)).join(" ")}));
    if (threshold && !fit.drawn) offScale(plot, threshold, W - R, T + 2);
    if (fit.drawn) {
      const y = ys(threshold.value);
      plot.appendChild(svg("line", {class: "threshold", x1: L, x2: W - R, y1: y, y2: y}));
      plot.appendChild(svg("text", {x: W - R - 4, y: y - 4, "text-anchor": "end"}, "expected " + threshold.text));
    }
    for (const p of points) {
      plot.appendChild(svg("circle", {class: "dot " + p.verdict + (p.lower ? " lower" : ""), cx: xs(p.x), cy: ys(p.y), r: 4},
        tip(key + " = " + p.x + ": " + (p.lower ? "≥ " : "") + withUnit(p.y, unit) + " (" + LABELS[p.verdict] + ", run " + p.index + ")")));
    }
    return figure;
  }

  function distributionChart(title, series, unit, threshold) {
    const W = Math.max(320, 110 * series.length + 80), H = 260, L = 60, R = 16, T = 14, B = 50;
    const {figure, plot} = chartFrame(title, "distribution", W, H);
    const all = series.flatMap((s) => s.values);
    const fit = fitThreshold(minOf(all, 0), maxOf(all), threshold);
    const y0 = fit.lo, y1 = fit.hi > fit.lo ? fit.hi : fit.lo + 1;
    const ys = (v) => H - B - (v - y0) / (y1 - y0) * (H - B - T);
    yAxis(plot, ys, y0, y1, L, T, H - B, unit);
    const slot = (W - L - R) / series.length;
    series.forEach((s, i) => {
      const cx = L + slot * (i + 0.5);
      const sorted = s.values.slice().sort((a, b) => a - b);
      const q1 = quantile(sorted, 0.25), q2 = quantile(sorted, 0.5), q3 = quantile(sorted, 0.75);
      plot.appendChild(svg("line", {class: "axis", x1: cx, x2: cx, y1: ys(sorted[0]), y2: ys(sorted[sorted.length - 1])}));
      plot.appendChild(svg("rect", {class: "box", x: cx - 22, y: ys(q3), width: 44, height: Math.max(1, ys(q1) - ys(q3))},
        tip(s.name + ": n " + sorted.length + ", median " + withUnit(q2, unit) + ", quartiles " + num(q1) + "–" + num(q3))));
      plot.appendChild(svg("line", {class: "median", x1: cx - 22, x2: cx + 22, y1: ys(q2), y2: ys(q2)}));
      // At most 1000 points per client, evenly taken: the box already sums up the rest.
      const every = Math.max(1, Math.ceil(s.values.length / 1000));
      s.values.forEach((v, k) => {
        if (k % every !== 0) return;
        // A fixed spread, not a random one: the same report draws the same picture.
        const dx = ((k * 7) % 13 - 6) * 2.2;
        plot.appendChild(svg("circle", {class: "dot " + s.verdicts[k] + (s.lower[k] ? " lower" : ""), cx: cx + 30 + dx / 3, cy: ys(v), r: 2.5}));
      });
      plot.appendChild(svg("text", {x: cx, y: H - B + 16, "text-anchor": "middle"}, s.name));
      plot.appendChild(svg("text", {x: cx, y: H - B + 30, "text-anchor": "middle", class: "note"}, "median " + withUnit(q2, unit)));
    });
    if (threshold && !fit.drawn) offScale(plot, threshold, W - R, T + 2);
    if (fit.drawn) {
      const y = ys(threshold.value);
      plot.appendChild(svg("line", {class: "threshold", x1: L, x2: W - R, y1: y, y2: y}));
      plot.appendChild(svg("text", {x: W - R - 4, y: y - 4, "text-anchor": "end"}, "expected " + threshold.text));
    }
    return figure;
  }

  function groupBy(items, keyOf) {
    const groups = new Map();
    for (const item of items) {
      const key = keyOf(item);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(item);
    }
    return groups;
  }

  function charts(runs) {
    const measured = runs.filter((r) => headlineOf(r) !== null);
    const figures = [];
    const swept = new Set();
    // Sweeps: one server parameter varied for a (scenario, client).
    for (const group of groupBy(measured.filter((r) => r.server_params), (r) => r.scenario + "\u0000" + r.client).values()) {
      const keys = new Set();
      for (const r of group) for (const k of Object.keys(r.server_params)) keys.add(k);
      for (const key of keys) {
        const points = group.filter((r) => typeof r.server_params[key] === "number")
          .map((r) => ({x: r.server_params[key], y: headlineOf(r).value, lower: headlineOf(r).lower_bound, verdict: r.verdict, index: r.index}));
        if (new Set(points.map((p) => p.x)).size < 2) continue;
        swept.add(group[0].scenario + "\u0000" + group[0].client);
        figures.push(sweepChart(group[0].scenario + " · " + group[0].client + " · " + group[0].headline + " against " + key,
          key, points, headlineOf(group[0]).unit, thresholdOf(group[0])));
      }
    }
    // Several clients on one scenario (bench, or run --repeat): distributions side by side.
    for (const group of groupBy(measured.filter((r) => !r.server_params), (r) => r.scenario).values()) {
      const byClient = groupBy(group, (r) => r.client);
      const series = [...byClient.entries()].filter(([, rs]) => rs.length >= 2)
        .map(([name, rs]) => ({name: name, values: rs.map((r) => headlineOf(r).value), lower: rs.map((r) => headlineOf(r).lower_bound),
          verdicts: rs.map((r) => r.verdict)}));
      if (series.length < 2) continue;
      figures.push(distributionChart(group[0].scenario + " · " + group[0].headline + " by client", series,
        headlineOf(group[0]).unit, thresholdOf(group[0])));
    }
    // Repeated runs of one cell: the headline's distribution against the expectation.
    for (const group of groupBy(measured, (r) => r.scenario + "\u0000" + r.client + "\u0000" + JSON.stringify(r.server_params || {})).values()) {
      // Fewer runs make no histogram; a swept cell is a point on its sweep chart instead.
      if (group.length < 3 || swept.has(group[0].scenario + "\u0000" + group[0].client)) continue;
      const first = group[0];
      const params = first.server_params ? " " + Object.entries(first.server_params).map(([k, v]) => k + "=" + v).join(" ") : "";
      const lowerBounds = group.filter((r) => headlineOf(r).lower_bound).length;
      figures.push(histogram(first.scenario + " · " + first.client + params + " · " + first.headline + " over " + group.length + " runs" +
        (lowerBounds ? " (" + lowerBounds + " cut short by wsrepro: lower bounds)" : ""),
        group.map((r) => headlineOf(r).value), headlineOf(first).unit, thresholdOf(first)));
    }
    return figures;
  }

  // --- one run ---------------------------------------------------------------------------

  function laneOf(e) {
    const source = String(e.event).split(".")[0];
    return LANES.includes(source) ? source : "other";
  }

  function eventDetails(e, skip) {
    const parts = [];
    for (const [k, v] of Object.entries(e)) {
      if (k === "t_ms" || k === "t_ns" || k === "event" || (skip && skip.includes(k))) continue;
      parts.push(k + "=" + (typeof v === "string" ? JSON.stringify(v) : String(v)));
    }
    return parts.join(" ");
  }

  // Events worth a label on the timeline: what wsrepro and the server did to the client.
  function landmark(e) {
    switch (e.event) {
      case "server.fault": return "fault";
      case "harness.signal": return String(e.signal || "signal");
      case "harness.deadline": return "deadline";
      case "harness.kill_tree": return "kill";
      case "harness.capture": return "stacks";
      case "client.exit": return "exit";
      default: return null;
    }
  }

  function timeline(run) {
    const events = run.timeline || [];
    const spans = Object.entries(run.measurements || {}).filter(([, m]) => Array.isArray(m.span_ms));
    const lanes = LANES.filter((lane) => events.some((e) => laneOf(e) === lane));
    if (events.some((e) => laneOf(e) === "other")) lanes.push("other");
    if (lanes.length === 0) return el("p", {class: "note"}, "No events were recorded.");
    const W = 1100, L = 80, R = 20, laneH = 34, spanH = 18, T = 8;
    const H = T + lanes.length * laneH + spans.length * spanH + 40;
    let end = run.duration_ms || 0;
    for (const e of events) end = Math.max(end, e.t_ms);
    for (const [, m] of spans) end = Math.max(end, m.span_ms[1]);
    if (!(end > 0)) end = 1;
    const xs = (t) => L + Math.max(0, t) / end * (W - L - R);
    const plot = svg("svg", {width: "100%", viewBox: "0 0 " + W + " " + H, class: "swimlanes", role: "img"});
    lanes.forEach((lane, i) => {
      const y = T + i * laneH;
      plot.appendChild(svg("rect", {class: "lane", x: L, y: y + 2, width: W - L - R, height: laneH - 4}));
      plot.appendChild(svg("text", {x: L - 8, y: y + laneH / 2 + 4, "text-anchor": "end"}, lane));
    });
    let lastLabel = {};
    for (const e of events) {
      const lane = laneOf(e);
      const y = T + lanes.indexOf(lane) * laneH;
      const x = xs(e.t_ms);
      plot.appendChild(svg("line", {class: "ev " + lane, x1: x, x2: x, y1: y + 5, y2: y + laneH - 5},
        tip(num(e.t_ms) + " ms  " + e.event + "  " + eventDetails(e))));
      const label = landmark(e);
      // Labels of events closer than 40 px in one lane would overprint: the first one is kept.
      if (label && !(lastLabel[lane] > x - 40)) {
        const nearEnd = x > W - R - 60;
        plot.appendChild(svg("text", {x: nearEnd ? x - 3 : x + 3, y: y + 13, class: "landmark", "text-anchor": nearEnd ? "end" : "start"}, label));
        lastLabel[lane] = x;
      }
    }
    spans.forEach(([name, m], i) => {
      const y = T + lanes.length * laneH + i * spanH + 4;
      const x0 = xs(m.span_ms[0]), x1 = xs(m.span_ms[1]);
      plot.appendChild(svg("rect", {class: "span" + (m.lower_bound ? " lower" : ""), x: x0, y: y, width: Math.max(2, x1 - x0), height: spanH - 5,
        fill: "hsl(" + (i * 67 + 200) % 360 + " 60% 55%)"},
        tip(name + " = " + measurementText(m) + "  (" + m.from_event + " → " + m.to_event + ")" + (m.note ? "  " + m.note : ""))));
      plot.appendChild(svg("text", {x: x0 + 4, y: y + spanH - 8}, name + " = " + measurementText(m)));
    });
    const axisY = H - 28;
    xAxis(plot, xs, 0, end, axisY, L, W - R, "ms");
    return el("div", {class: "timeline"}, plot,
      el("p", {class: "legend"}, "Swim lanes on wsrepro's monotonic clock, 0 = the run's start; hover an event or a span for its details." +
        (run.timeline_dropped_events ? " " + run.timeline_dropped_events + " high-volume events were not kept." : "")));
  }

  function checksTable(title, checks) {
    if (!checks || checks.length === 0) return null;
    const body = el("tbody");
    for (const c of checks) {
      body.appendChild(el("tr", {class: c.met ? "met" : "unmet"},
        el("td", {class: "mono"}, c.measurement), el("td", {class: "mono"}, c.expected),
        el("td", {class: "num"}, c.actual), el("td", {class: "result"}, c.met ? "met" : "not met"), el("td", {}, c.message)));
    }
    return [el("h3", {}, title), el("table", {class: "checks"},
      el("thead", {}, el("tr", {}, el("th", {}, "measurement"), el("th", {}, "expected"), el("th", {}, "actual"),
        el("th", {}, ""), el("th", {}, "message"))), body)];
  }

  function measurementsTable(measurements) {
    const body = el("tbody");
    for (const [name, m] of Object.entries(measurements || {})) {
      body.appendChild(el("tr", {},
        el("td", {class: "mono"}, name), el("td", {class: "num"}, measurementText(m)),
        el("td", {class: "mono"}, (m.from_event || "") + (m.to_event ? " → " + m.to_event : "")),
        el("td", {}, m.note || "")));
    }
    return el("table", {class: "measurements"},
      el("thead", {}, el("tr", {}, el("th", {}, "measurement"), el("th", {}, "value"), el("th", {}, "span"), el("th", {}, "note"))), body);
  }

  function frameText(f) {
    return (f.function || "?") + (f.file ? " (" + f.file + (f.line ? ":" + f.line : "") + ")" : "");
  }

  function diagnosis(d) {
    if (!d) return null;
    const out = [el("h3", {}, "Where the client was stuck")];
    if (d.blocked_at) out.push(el("div", {class: "blocked mono"}, d.blocked_at));
    if (d.connection) out.push(el("div", {class: "blocked mono"}, d.connection));
    for (const c of d.captures || []) {
      const parts = [el("p", {class: "meta"}, "at " + num(c.t_ms) + " ms (" + c.why + "), took " + num(c.duration_ms) + " ms")];
      for (const p of c.processes || []) {
        const lines = [];
        for (const t of p.threads || []) {
          lines.push("Thread " + t.tid + (t.name ? " \"" + t.name + "\"" : "") + (t.main ? " (main)" : "") + (t.state ? " [" + t.state + "]" : ""));
          for (const f of t.frames || []) lines.push("    " + (f.user_code ? "" : "· ") + frameText(f));
        }
        parts.push(el("p", {class: "mono"}, "pid " + p.pid + " · " + p.runtime + " via " + p.tool + (p.paused ? " (paused it)" : "") + " · " + p.command));
        if (p.error) parts.push(el("p", {class: "blocked"}, "capture failed: " + p.error));
        for (const note of p.notes || []) parts.push(el("p", {class: "note"}, note));
        if (lines.length) parts.push(el("pre", {class: "stacks"}, lines.join("\n")));
        if (p.raw) parts.push(el("details", {class: "sub"}, el("summary", {}, "the tool's own output"), el("pre", {}, p.raw)));
      }
      if (c.sockets && c.sockets.length) {
        const body = el("tbody");
        for (const s of c.sockets) {
          body.appendChild(el("tr", {}, el("td", {class: "num"}, s.pid), el("td", {class: "mono"}, s.local), el("td", {class: "mono"}, s.remote),
            el("td", {class: "mono"}, s.state), el("td", {class: "num"}, s.recv_queue), el("td", {class: "num"}, s.send_queue),
            el("td", {class: "mono"}, s.timer), el("td", {}, s.server_view)));
        }
        parts.push(el("table", {class: "sockets"}, el("thead", {}, el("tr", {}, ...["pid", "local", "remote", "state", "Recv-Q", "Send-Q", "timer", "the server's view"].map((h) => el("th", {}, h)))), body));
      }
      out.push(el("details", {class: "sub capture", open: ""}, el("summary", {}, "Stacks: " + (c.blocked_at || c.why)), parts));
    }
    return out;
  }

  // The frames and TCP events of the server's connections: the wire, both ways.
  function wireLog(run) {
    const rows = (run.timeline || []).filter((e) => /^server\.(accept|request|response|raw_out|frame_in|frame_out|bad_frame|data_in|fin_in|rst_in|fin_out|rst_out|close)$/.test(e.event));
    if (rows.length === 0) return null;
    const shown = rows.slice(0, 2000);
    const body = el("tbody");
    for (const e of shown) {
      const kind = e.event.slice("server.".length);
      const dir = /_in$|^request$|^accept$/.test(kind) ? "client → server" : "server → client";
      body.appendChild(el("tr", {}, el("td", {class: "num"}, num(e.t_ms)), el("td", {class: "num"}, e.conn !== undefined ? e.conn : ""),
        el("td", {}, dir), el("td", {class: "mono"}, kind), el("td", {class: "mono"}, eventDetails(e, ["conn"]))));
    }
    return [el("h3", {}, "Wire log (" + rows.length + " events" + (rows.length > shown.length ? ", first " + shown.length + " shown" : "") + ")"),
      el("details", {class: "sub wire"}, el("summary", {}, "frames and TCP events, as the server saw them"),
        el("table", {class: "wire"}, el("thead", {}, el("tr", {}, ...["t (ms)", "conn", "direction", "event", "details"].map((h) => el("th", {}, h)))), body))];
  }

  function output(name, o) {
    if (!o || !o.total_bytes) return null;
    return el("details", {class: "sub output"}, el("summary", {}, "client " + name + " (" + o.total_bytes + " bytes" + (o.truncated ? ", truncated" : "") + ")"),
      el("pre", {class: "output " + name}, o.data));
  }

  function runBody(run) {
    const parts = [
      el("p", {}, el("strong", {}, run.title || run.scenario), " · ", run.category || ""),
      el("p", {class: "meta"}, "expected: " + (run.expectation || "–")),
      el("p", {class: "meta"}, "verdict: " + LABELS[run.verdict] + " — " + (run.reason || "")),
      el("p", {class: "meta mono"}, (run.argv || []).join(" ") + "  →  " + (run.url || "")),
      el("p", {class: "meta"}, "seed " + run.seed + " · " + withUnit(run.duration_ms, "ms") +
        (run.server_params ? " · " + Object.entries(run.server_params).map(([k, v]) => k + "=" + v).join(" ") : "") +
        (run.runtime_version ? " · " + run.runtime_version : "")),
    ];
    if (run.situation && run.situation.missing && run.situation.missing.length) {
      parts.push(el("p", {class: "blocked"}, "situation not reached: missing " + run.situation.missing.join(", ")));
    }
    if (run.details_left_out) parts.push(el("p", {class: "note"}, run.details_left_out));
    parts.push(checksTable("Expectation", run.checks));
    if (run.known_bug) parts.push(checksTable("Known bug " + run.known_bug.id + (run.known_bug.reproduced ? " (reproduced)" : " (not reproduced)") + ": " + run.known_bug.summary, run.known_bug.checks));
    parts.push(el("h3", {}, "Timeline"), timeline(run));
    parts.push(el("h3", {}, "Measurements"), measurementsTable(run.measurements));
    parts.push(diagnosis(run.diagnosis));
    parts.push(wireLog(run));
    if (run.leaks && run.leaks.length) {
      parts.push(el("p", {class: "blocked"}, "left behind: " + run.leaks.map((l) => l.pid + " " + l.command).join(", ")));
    }
    if (run.output) parts.push(output("stdout", run.output.stdout), output("stderr", run.output.stderr));
    return parts;
  }

  function runSection(run, open) {
    const v = VERDICTS.includes(run.verdict) ? run.verdict : "error";
    const details = el("details", {class: "run " + v, id: "run-" + run.index},
      el("summary", {}, verdictBadge(v), " ", el("span", {class: "mono"}, "#" + run.index + " " + run.scenario + " · " + run.client),
        el("span", {class: "reason"}, run.reason || "")));
    let drawn = false;
    const draw = () => {
      if (drawn) return;
      drawn = true;
      append(details, [el("div", {class: "run-body"}, runBody(run))]);
    };
    details.addEventListener("toggle", () => { if (details.open) draw(); });
    if (open) { details.open = true; draw(); }
    return details;
  }

  // --- the page --------------------------------------------------------------------------

  function main() {
    const island = document.getElementById("wsrepro-data");
    const data = JSON.parse(island.textContent);
    const runs = data.runs || [];
    const root = document.getElementById("report");
    root.textContent = "";
    append(root, [header(data)]);
    if (data.version_matrices && data.version_matrices.length) {
      append(root, [el("h2", {id: "matrix"}, "Version matrix"), versionMatrices(data.version_matrices)]);
    }
    const needLook = runs.filter((r) => r.verdict !== "pass" && r.verdict !== "skipped");
    append(root, [el("h2", {id: "verdict-table"}, "Runs")]);
    if (needLook.length) {
      append(root, [el("details", {class: "sub", open: needLook.length <= 60 ? "" : null},
        el("summary", {}, "Runs that need a look (" + needLook.length + ")"), verdictTable(needLook, "need-look"))]);
    }
    append(root, [el("details", {class: "sub", open: runs.length <= 60 ? "" : null},
      el("summary", {}, "All " + runs.length + " runs, in plan order"), verdictTable(runs, "verdicts"))]);
    const figures = charts(runs);
    if (figures.length) {
      const shown = figures.slice(0, MAX_CHARTS);
      append(root, [el("h2", {id: "charts"}, "Distributions"), el("div", {class: "charts"}, shown),
        figures.length > shown.length ? el("p", {class: "note"}, (figures.length - shown.length) + " more charts are left out; report.json has every value.") : null]);
    }
    append(root, [el("h2", {id: "details"}, "Run details"),
      el("p", {class: "legend"}, "Runs that need a look are open; click any other run to draw it.")]);
    let opened = 0, sections = 0, left = 0;
    for (const run of runs) {
      const needsLook = run.verdict !== "pass" && run.verdict !== "skipped";
      // Past MAX_SECTIONS only runs that need a look get a section (up to twice as many).
      if (sections >= MAX_SECTIONS && !(needsLook && sections < 2 * MAX_SECTIONS)) {
        left += 1;
        continue;
      }
      sections += 1;
      const open = needsLook && opened < 20;
      if (open) opened += 1;
      root.appendChild(runSection(run, open));
    }
    if (left) root.appendChild(el("p", {class: "note"}, left + " more runs are in report.json."));
    // A link to a run opens it.
    const openTarget = () => {
      const target = document.getElementById(location.hash.slice(1));
      if (target && target.tagName === "DETAILS") target.open = true;
    };
    window.addEventListener("hashchange", openTarget);
    if (location.hash) openTarget();
    document.body.setAttribute("data-rendered", "true");
  }

  main();
})();
