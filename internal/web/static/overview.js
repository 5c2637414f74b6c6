// The overview's charts (uPlot, vendored by scripts/vendor-assets.sh) and
// its live updates: while the page is open and visible, it asks the
// server for the same figures every 15 seconds and redraws. The page is
// complete without this script: totals and tables are server-rendered.
(function () {
  "use strict";
  var POLL_MS = 15000;
  var root = document.documentElement;
  var state, charts = {}, timer = null;

  function css(name) { return getComputedStyle(root).getPropertyValue(name).trim(); }

  // Formatting, as the server writes the same figures.
  function count(n) { return n == null ? "—" : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function pct(v) {
    if (v == null || isNaN(v)) return "—";
    if (v > 0 && v < 0.001) return "<0.1 %";
    return (v * 100).toFixed(1) + " %";
  }
  function ms(v) {
    if (v == null) return "—";
    if (v < 1000) return Math.floor(v) + " ms";
    var s = v / 1000;
    if (s < 60) return s.toFixed(1) + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + Math.floor(s % 60) + " s";
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  }
  var kpiFormat = { sent: count, pending: count, delivered: count, failed: count, errors: count, received: count,
    delivery_rate: pct, p50_ms: ms, p90_ms: ms, p99_ms: ms };

  function palette() {
    return { text: css("--text"), muted: css("--muted"), grid: css("--border"), accent: css("--accent"),
      ok: css("--ok"), bad: css("--bad"), warn: css("--warn") };
  }

  function axes(c, yLabel) {
    var ax = { stroke: c.muted, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid, width: 1 } };
    return [Object.assign({}, ax), Object.assign({ label: yLabel, size: 56 }, ax)];
  }

  function line(label, color, extra) {
    return Object.assign({ label: label, stroke: color, width: 2, spanGaps: false }, extra || {});
  }

  // Each chart: its element, its series and how to take its data from state.
  function specs(c) {
    var errorColors = [c.bad, c.warn, c.accent, c.ok, c.muted];
    return {
      volume: { y: "messages", series: [line("Sent", c.accent), line("Delivered", c.ok), line("Failed", c.bad), line("Received", c.muted, { dash: [4, 3] })],
        data: function (s) { return [s.series.sent, s.series.delivered, s.series.failed, s.series.received]; } },
      rate: { y: "%", series: [line("Delivered %", c.ok)], range: function (u, min, max) { return [Math.max(0, Math.floor((min == null ? 0 : min) - 5)), 100]; },
        data: function (s) { return [s.series.delivery_rate]; } },
      latency: { y: "seconds", series: [line("p50", c.ok), line("p90", c.warn), line("p99", c.bad)],
        data: function (s) { return [s.series.p50, s.series.p90, s.series.p99]; } },
      errors: { y: "messages",
        series: (state.explain || []).map(function (label, i) { return line(label, errorColors[i % errorColors.length]); })
          .concat((state.series.errors || []).length > (state.codes || []).length ? [line("Other codes", c.muted, { dash: [4, 3] })] : []),
        data: function (s) { return s.series.errors || []; } }
    };
  }

  function draw() {
    var c = palette();
    var all = specs(c);
    Object.keys(all).forEach(function (name) {
      var el = document.getElementById("chart-" + name);
      if (!el) return;
      if (charts[name]) { charts[name].destroy(); delete charts[name]; }
      var spec = all[name];
      var cols = spec.data(state);
      if (!state.series.time.length || !spec.series.length) {
        el.textContent = "Nothing in this range.";
        el.classList.add("fallback");
        return;
      }
      el.textContent = "";
      el.classList.remove("fallback");
      var opts = {
        width: Math.max(260, el.clientWidth), height: 220,
        tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
        series: [{ label: "UTC", value: "{YYYY}-{MM}-{DD} {HH}:{mm}" }].concat(spec.series),
        axes: axes(c, spec.y),
        scales: { x: { time: true }, y: spec.range ? { range: spec.range } : { auto: true } },
        legend: { live: true },
        cursor: { drag: { x: false, y: false } }
      };
      charts[name] = new uPlot(opts, [state.series.time].concat(cols), el);
    });
  }

  function resize() {
    Object.keys(charts).forEach(function (name) {
      var el = document.getElementById("chart-" + name);
      if (el) charts[name].setSize({ width: Math.max(260, el.clientWidth), height: 220 });
    });
  }

  function setKPIs() {
    document.querySelectorAll("[data-kpi]").forEach(function (el) {
      var key = el.dataset.kpi, f = kpiFormat[key];
      if (f) el.textContent = f(state.totals[key]);
    });
  }

  function cell(row, text, cls, href) {
    var td = row.insertCell();
    if (cls) td.className = cls;
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      td.appendChild(a);
    } else {
      td.textContent = text;
    }
  }

  function setTables() {
    (state.tables || []).forEach(function (t) {
      var table = document.querySelector('table[data-dim="' + t.dim + '"]');
      if (!table) return;
      var body = document.createElement("tbody");
      t.rows.forEach(function (r) {
        var row = body.insertRow();
        cell(row, r.value || "—", "", r.value ? r.link : "");
        cell(row, count(r.sent), "num");
        cell(row, pct(r.share), "num");
        cell(row, pct(r.delivery_rate), "num");
        cell(row, ms(r.p90_ms), "num");
        cell(row, count(r.failed), "num");
        cell(row, r.top_error || "", "", r.top_error ? "/errors?code=" + encodeURIComponent(r.top_error) : "");
      });
      if (!t.rows.length) {
        var row = body.insertRow(), td = row.insertCell();
        td.colSpan = 7;
        td.className = "muted";
        td.textContent = "No outbound messages in this range.";
      }
      table.replaceChild(body, table.tBodies[0]);
    });
  }

  function stamp(text) {
    var el = document.getElementById("updated");
    if (el) el.textContent = text;
  }

  function poll(live) {
    if (document.hidden) return;
    fetch(live.dataset.endpoint, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) {
        if (res.status === 401) throw new Error("signed out: reload the page to sign in again");
        if (!res.ok) throw new Error("the server answered " + res.status);
        return res.json();
      })
      .then(function (next) {
        var codesChanged = JSON.stringify(next.codes) !== JSON.stringify(state.codes) ||
          next.series.time.length !== state.series.time.length || next.grain !== state.grain;
        state = next;
        setKPIs();
        setTables();
        if (codesChanged) {
          draw();
        } else {
          var all = specs(palette());
          Object.keys(charts).forEach(function (name) {
            charts[name].setData([state.series.time].concat(all[name].data(state)));
          });
        }
        live.classList.remove("paused");
        stamp("Updated " + new Date(state.updated).toISOString().slice(11, 19) + " UTC.");
      })
      .catch(function (err) {
        live.classList.add("paused");
        stamp("Live updates paused: " + err.message + ".");
        if (/signed out/.test(err.message)) { clearInterval(timer); timer = null; }
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("overview-data");
    if (!el || !window.uPlot) return;
    state = JSON.parse(el.textContent);
    draw();
    var pending;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(resize, 100);
    });
    // The theme toggle and the system's preference change the colours.
    new MutationObserver(draw).observe(root, { attributes: true, attributeFilter: ["data-theme"] });
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", draw);
    var live = document.getElementById("live");
    if (live) {
      timer = setInterval(function () { poll(live); }, POLL_MS);
      document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(live); });
    }
  });
})();
