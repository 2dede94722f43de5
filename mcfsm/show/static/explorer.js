/* mcfsm trace explorer: plain JavaScript, no build step, no network.
 *
 * Each <details class="trace"> holds a graphviz SVG chart (ids "<prefix>step-K",
 * "<prefix>step-K-label", "<prefix>step-K-note", "<prefix>num-K" mark step K) and a JSON
 * record written by mcfsm (states in spec notation, what each step changed, the
 * narration). Stepping re-renders the state panel and highlights the step in the chart.
 *
 * Test hook: opening a page with "#selftest" runs a check in the page itself and writes
 * its outcome as JSON into <pre id="selftest-result"> (read by tests through the
 * browser's --dump-dom); "#show=TRACE-ID&step=K" opens a trace at step K, and with
 * "&only" shows nothing else (screenshots).
 *
 * Links: a link to anything on the page ("#finding-NAME", "#t12", "#diff-A-vs-B") opens
 * it and every fold around it, then scrolls to it: when the page loads with that hash, when
 * the hash changes, and when a link is clicked (also to the hash the page already has).
 */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function Explorer(root) {
    this.root = root;
    this.data = JSON.parse(root.querySelector("script.trace-data").textContent);
    this.step = 0;
    this.stateBox = root.querySelector(".state");
    this.narration = root.querySelector(".narration");
    this.slider = root.querySelector(".slider");
    this.slider.max = String(this.data.steps);
    root.querySelector(".step-count").textContent = String(this.data.steps);
    var note = root.querySelector(".note");
    note.textContent = this.data.note ? "⇒ " + this.data.note : "";
    note.classList.add(this.data.failed ? "bad" : "good");
    var self = this;
    this.data.narration.forEach(function (lines, k) {
      var li = el("li", {"data-step": String(k), text: lines[0]});
      lines.slice(1).forEach(function (more) { li.appendChild(el("span", {"class": "more", text: more})); });
      li.addEventListener("click", function () { self.go(k); });
      self.narration.appendChild(li);
    });
    root.querySelector(".first").addEventListener("click", function () { self.go(0); });
    root.querySelector(".prev").addEventListener("click", function () { self.go(self.step - 1); });
    root.querySelector(".next").addEventListener("click", function () { self.go(self.step + 1); });
    root.querySelector(".last").addEventListener("click", function () { self.go(self.data.steps); });
    this.slider.addEventListener("input", function () { self.go(Number(self.slider.value)); });
    root.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight") { self.go(self.step + 1); e.preventDefault(); }
      if (e.key === "ArrowLeft") { self.go(self.step - 1); e.preventDefault(); }
    });
    root.setAttribute("tabindex", "0");
    this.setupChart();
    this.go(0);
  }

  // The chart's size in its pane. Graphviz gives its natural size in pt (the SVG's width and
  // height); "width" shrinks a chart wider than the pane to the pane's width, but no further
  // than keeps its median text MIN_TEXT_PX tall (the pane scrolls sideways beyond that);
  // "whole" shrinks it to show all of it in the pane at once; "natural" is graphviz's size.
  var MIN_TEXT_PX = 9;

  function cssPx(length) {
    var v = parseFloat(length);
    return /pt$/.test(length) ? v * 96 / 72 : v;
  }

  Explorer.prototype.setupChart = function () {
    var pane = this.root.querySelector(".chart"), svg = pane && pane.querySelector("svg");
    if (!svg) { return; }
    this.pane = pane;
    this.svg = svg;
    var w = cssPx(svg.getAttribute("width")), h = cssPx(svg.getAttribute("height"));
    var box = svg.viewBox && svg.viewBox.baseVal, unit = box && box.width ? w / box.width : 1;
    var sizes = Array.prototype.map.call(svg.querySelectorAll("text[font-size]"), function (t) {
      return parseFloat(t.getAttribute("font-size")) * unit;
    }).sort(function (a, b) { return a - b; });
    var median = sizes.length ? sizes[Math.floor(sizes.length / 2)] : 14;
    this.natural = {w: w, h: h, minScale: Math.min(1, MIN_TEXT_PX / median)};
    this.mode = "width";
    var self = this;
    Array.prototype.forEach.call(this.root.querySelectorAll(".chart-tools [data-fit]"), function (b) {
      b.addEventListener("click", function () { self.fit(b.getAttribute("data-fit")); });
    });
    // the pane has no width while its trace or its variant's fold is closed: fit it when
    // it shows, and again when the window's width changes
    if (window.ResizeObserver) {
      new ResizeObserver(function () { self.fit(); }).observe(pane);
    }
    this.fit();
  };

  Explorer.prototype.fit = function (mode) {
    if (!this.svg) { return; }
    if (mode) {
      this.mode = mode;
      Array.prototype.forEach.call(this.root.querySelectorAll(".chart-tools [data-fit]"), function (b) {
        b.setAttribute("aria-pressed", String(b.getAttribute("data-fit") === mode));
      });
    }
    var width = this.pane.clientWidth, n = this.natural, scale = 1;
    if (!width || !n.w || !n.h) { return; }  // folded away: fitted when it shows
    if (this.mode === "width") {
      scale = Math.min(1, Math.max(width / n.w, n.minScale));
    } else if (this.mode === "whole") {
      var height = parseFloat(window.getComputedStyle(this.pane).maxHeight) || window.innerHeight * 0.8;
      scale = Math.min(1, width / n.w, (height - 4) / n.h);
    }
    // whole pixels, rounded down: a chart a fraction of a pixel too wide scrolls for nothing
    var w = Math.floor(n.w * scale) + "px", h = Math.floor(n.h * scale) + "px";
    if (this.svg.style.width !== w || this.svg.style.height !== h) {
      this.svg.style.width = w;
      this.svg.style.height = h;
    }
    this.scale = scale;
    // say so when part of the chart is out of the pane (scrollbars may be hidden)
    var cut = this.root.querySelector(".chart-cut");
    if (cut) {
      var wide = this.pane.scrollWidth > this.pane.clientWidth + 1;
      var tall = this.pane.scrollHeight > this.pane.clientHeight + 1;
      cut.textContent = wide || tall ? "more of the chart " + (wide && tall ? "to the right and below" :
        wide ? "to the right" : "below") + ": scroll it, or see the whole chart" : "";
    }
    if (mode) { this.highlight(); }
  };

  Explorer.prototype.go = function (k) {
    k = Math.max(0, Math.min(this.data.steps, k));
    this.step = k;
    this.slider.value = String(k);
    this.root.querySelector(".step-no").textContent = String(k);
    this.renderState();
    this.highlight();
  };

  Explorer.prototype.renderState = function () {
    var k = this.step, state = this.data.states[k];
    var changed = {};
    (this.data.changed[k] || []).forEach(function (c) { changed[c] = true; });
    var rows = state.instances.map(function (inst) {
      var vars = el("td", {"class": "vars"}, inst.vars.map(function (pair) {
        var span = el("span", {text: pair[0] + " = " + pair[1]});
        if (changed[inst.id + "." + pair[0]]) { span.className = "changed"; }
        return span;
      }));
      var stateCell = el("td", {text: inst.state});
      if (changed[inst.id + ".state"]) { stateCell.className = "changed"; }
      return el("tr", {"data-instance": inst.id}, [el("th", {scope: "row", text: inst.who}), stateCell, vars]);
    });
    var table = el("table", {}, [
      el("thead", {}, [el("tr", {}, [el("th", {text: "instance"}), el("th", {text: "state"}), el("th", {text: "variables"})])]),
      el("tbody", {}, rows)]);
    var parts = [table];
    if (state.params) {
      parts.push(el("h4", {text: "parameters"}));
      parts.push(el("p", {text: state.params.map(function (p) { return p[0] + " = " + p[1]; }).join(", ")}));
    }
    if (state.shared) {
      parts.push(el("h4", {text: "shared"}));
      parts.push(el("p", {text: state.shared.map(function (p) { return p[0] + " = " + p[1]; }).join(", ")}));
    }
    parts.push(el("h4", {text: "messages in flight (" + state.in_flight.length + ")"}));
    parts.push(state.in_flight.length
      ? el("ul", {}, state.in_flight.map(function (m) { return el("li", {text: m}); }))
      : el("p", {text: "none"}));
    this.stateBox.replaceChildren.apply(this.stateBox, parts);
    var items = this.narration.querySelectorAll("li");
    for (var i = 0; i < items.length; i++) {
      items[i].classList.toggle("current", i === k);
    }
    if (items[k] && items[k].scrollIntoView && this.narration.scrollHeight > this.narration.clientHeight) {
      this.narration.scrollTop = items[k].offsetTop - this.narration.offsetTop - 40;
    }
  };

  Explorer.prototype.highlight = function () {
    var prefix = this.data.prefix, k = this.step;
    var old = this.root.querySelectorAll("svg .current");
    for (var i = 0; i < old.length; i++) { old[i].classList.remove("current"); }
    ["step-" + k, "step-" + k + "-label", "step-" + k + "-note", "num-" + k].forEach(function (id) {
      var node = document.getElementById(prefix + id);
      if (node) { node.classList.add("current"); }
    });
    this.reveal(document.getElementById(prefix + "num-" + k) ||
                document.getElementById(prefix + "step-" + k));
  };

  // Scroll the chart (not the page) so that the current step stays in view: a long
  // chart is taller than its panel, and step 30 must not stay hidden below step 20.
  Explorer.prototype.reveal = function (node) {
    var box = this.root.querySelector(".chart");
    if (!node || !box || (box.scrollHeight <= box.clientHeight && box.scrollWidth <= box.clientWidth)) { return; }
    var r = node.getBoundingClientRect(), b = box.getBoundingClientRect();
    if (r.top < b.top || r.bottom > b.bottom) {
      box.scrollTop += (r.top - b.top) - box.clientHeight / 3;
    }
    // sideways too: a wide chart scrolls, and a step between lanes at its right must show
    if (box.scrollWidth > box.clientWidth && (r.left < b.left || r.right > b.right)) {
      box.scrollLeft += (r.left - b.left) - Math.max(0, (box.clientWidth - r.width) / 2);
    }
  };

  function params() {
    var out = {};
    window.location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var parts = kv.split("=");
      if (parts[0]) { out[parts[0]] = parts.length > 1 ? decodeURIComponent(parts[1]) : ""; }
    });
    return out;
  }

  // Open a node and every fold around it (a trace in its variant's fold, a finding).
  function openPath(node) {
    for (var n = node; n; n = n.parentElement) {
      if (n.tagName === "DETAILS" && !n.open) { n.open = true; }
    }
  }

  // The element a "#..." link names; null for the test hooks ("#show=...", "#selftest").
  function targetOf(hash) {
    var id = (hash || "").replace(/^#/, "");
    if (!id || id.indexOf("=") >= 0) { return null; }
    try { id = decodeURIComponent(id); } catch (e) { return null; }
    return document.getElementById(id);
  }

  function revealHash() {
    var target = targetOf(window.location.hash);
    if (!target) { return; }
    openPath(target);
    target.scrollIntoView({block: "start"});
  }

  function selftest(explorers) {
    // a band of a wide table repeats its rows: count the properties, not the rows
    var names = {};
    Array.prototype.forEach.call(document.querySelectorAll("[data-testid=verdict-table] tbody tr"),
      function (tr) { names[tr.getAttribute("data-property")] = true; });
    var result = {verdict_rows: Object.keys(names).length, explorers: explorers.length};
    // A counterexample if there is one, else any trace long enough to step through.
    var long = explorers.filter(function (x) { return x.data.steps >= 2; });
    var target = long.filter(function (x) { return x.root.hasAttribute("data-failed"); })[0] || long[0];
    if (target) {
      openPath(target.root);
      target.fit();
      target.go(0);
      result.state_at_0 = target.stateBox.textContent;
      target.root.querySelector(".next").click();
      target.root.querySelector(".next").click();
      result.step_after_two_clicks = target.step;
      result.state_at_2 = target.stateBox.textContent;
      result.changed_cells = target.stateBox.querySelectorAll(".changed").length;
      result.chart_highlighted = target.root.querySelectorAll("svg .current").length;
      result.trace = target.root.id;
      // the last step: its highlight must be inside the chart's visible panel
      target.go(target.data.steps);
      var box = target.root.querySelector(".chart").getBoundingClientRect();
      var shown = Array.prototype.some.call(target.root.querySelectorAll("svg .current"),
        function (n) { var r = n.getBoundingClientRect(); return r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1; });
      result.last_step_visible = shown;
      // chart text as drawn: the median height of its text lines, in CSS pixels
      var heights = Array.prototype.map.call(target.root.querySelectorAll(".chart svg text"),
        function (t) { return t.getBoundingClientRect().height; }).filter(function (h) { return h > 0; }).sort(function (a, c) { return a - c; });
      result.chart_text_px = heights.length ? heights[Math.floor(heights.length / 2)] : 0;
    }
    var out = document.getElementById("selftest-result") || el("pre", {id: "selftest-result"});
    out.textContent = JSON.stringify(result);
    document.body.appendChild(out);
  }

  // A trace's chart and data sit beside the page (MODEL.traces/ID.js) and load when the
  // trace is opened: the script calls mcfsmTrace(id, html), which puts them in place.
  var waiting = {};
  window.mcfsmTrace = function (id, html) {
    var root = document.getElementById(id);
    var body = root && root.querySelector(".trace-body");
    if (!body) { return; }
    body.innerHTML = html;
    root._explorer = new Explorer(root);
    (waiting[id] || []).forEach(function (then) { then(root._explorer); });
    delete waiting[id];
  };

  function withExplorer(root, then) {
    if (root._explorer) { then(root._explorer); return; }
    if (!waiting[root.id]) {
      waiting[root.id] = [];
      var body = root.querySelector(".trace-body");
      var script = document.createElement("script");
      script.src = body.getAttribute("data-src");
      document.head.appendChild(script);
    }
    waiting[root.id].push(then);
  }

  function start() {
    var roots = Array.prototype.slice.call(document.querySelectorAll("details.trace"));
    roots.forEach(function (root) {
      if (root.open) { withExplorer(root, function () {}); }
      root.addEventListener("toggle", function () {
        if (root.open) { withExplorer(root, function () {}); }
      });
    });
    // A click on a link to this page opens its target before the browser scrolls to it
    // (clicking the link of the hash the page already has fires no hashchange); a click on
    // a clipped note shows it whole, and a second click clips it again.
    document.addEventListener("click", function (e) {
      var link = e.target.closest && e.target.closest("a[href]");
      if (link) {
        var href = link.getAttribute("href");
        var target = href.charAt(0) === "#" ? targetOf(href) :
          document.getElementById(link.getAttribute("data-open-trace") || "");
        if (target) { openPath(target); }
        return;
      }
      var note = e.target.closest && e.target.closest(".clamp");
      if (note && !(window.getSelection && String(window.getSelection()))) {
        note.classList.toggle("whole");
      }
    });
    window.addEventListener("hashchange", revealHash);
    revealHash();
    // once everything has loaded, again if the target has left the window (a browser may
    // scroll to the fragment itself before the folds around it are open)
    window.addEventListener("load", function () {
      var target = targetOf(window.location.hash);
      if (target) {
        var r = target.getBoundingClientRect();
        if (!target.closest("details:not([open])") && r.top >= 0 && r.top < window.innerHeight) { return; }
        revealHash();
      }
    });
    window.addEventListener("resize", function () {
      roots.forEach(function (root) { if (root._explorer) { root._explorer.fit(); } });
    });
    var p = params();
    if ("show" in p) {
      var shown = document.getElementById(p.show);
      if (shown && shown.matches("details.trace")) {
        openPath(shown);
        withExplorer(shown, function (wanted) {
          wanted.go(Number(p.step || 0));
          if ("only" in p) {  // a page of this one trace, e.g. for a screenshot
            document.body.classList.add("only-trace");
            wanted.root.classList.add("shown");
            var group = wanted.root.closest(".trace-group");
            if (group) { group.classList.add("shown"); }
            wanted.fit();
          } else {
            wanted.root.scrollIntoView();
          }
        });
      }
    }
    if ("selftest" in p) {  // every trace loaded first, then the check
      var loaded = [];
      if (!roots.length) { selftest([]); }
      roots.forEach(function (root) {
        withExplorer(root, function (x) {
          loaded.push(x);
          if (loaded.length === roots.length) { selftest(roots.map(function (r) { return r._explorer; })); }
        });
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
