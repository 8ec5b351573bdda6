"use strict";
// The what-if page of `kzpolicy serve`. Every node is built from the API's JSON with
// textContent; the one piece of markup inserted is the rule-network section of
// kzpolicy's own HTML report (POST /v1/report), inside a shadow root with the report's
// own stylesheet. The beliefs, the compared preset and the reading live in the query string
// (?true=D1,D2&false=B3&vs=article-2010&reading=stated-only), so a view can be shared and a
// reload restores it.
(() => {
  const $ = (id) => document.getElementById(id);

  /** A new element: attrs sets attributes ("text" is its textContent, "class" its class),
   *  kids are nodes or strings (appended as text). */
  function el(tag, attrs, ...kids) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else if (key === "class") node.className = String(value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const kid of kids) if (kid !== null && kid !== undefined) node.append(kid);
    return node;
  }

  const VALUES = ["true", "false", "unknown"];
  const ARTICLE = "article"; // the reading that changes nothing
  const state = { beliefs: new Map(), vs: "", reading: ARTICLE };
  let readings = []; // the records of /v1/list/readings
  let conditions = []; // the records of /v1/list/conditions
  let known = new Set();
  const labels = new Map();
  // the findings that concern every scenario: what the authors say of their scenarios as
  // a whole (that they are hypothetical forecasts), shown once, under the scenario
  let aboutAllScenarios = new Set();
  let serial = 0;
  let items = []; // every item a rule can reach: the records of /v1/list/swot, rivalry, outcomes
  const openWhy = new Set(); // the items whose why-not is open
  // what the reader just did ("D1 set to true"), and the answer before it: the summary
  // says what moved
  let lastAction = "";
  let previous = null;

  async function api(method, path, body) {
    const init = { method, headers: { accept: "application/json, text/html" } };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try { message = JSON.parse(text).message; } catch (e) { /* not JSON: say it whole */ }
      throw new Error(message || response.statusText);
    }
    const type = response.headers.get("content-type") || "";
    return type.startsWith("application/json") ? JSON.parse(text) : text;
  }

  function locator(loc) {
    if (!loc) return "";
    const parts = [loc.section];
    if (loc.list) parts.push(loc.list);
    if (loc.item !== undefined && loc.item !== null) parts.push("item " + loc.item);
    const text = parts.join(" / ");
    return loc.where ? text + " (" + loc.where + ")" : text;
  }

  function labelled(id) {
    const label = labels.get(id);
    return label ? [el("code", { text: id }), " " + label] : [el("code", { text: id })];
  }

  function status(message, isError) {
    const box = $("status");
    box.textContent = message || "";
    box.className = isError ? "error" : "";
  }

  // ------------------------------------------------------------------ the URL
  function readUrl() {
    const query = new URLSearchParams(window.location.search);
    state.beliefs.clear();
    const ignored = [];
    for (const value of ["true", "false"]) {
      for (const id of (query.get(value) || "").split(",")) {
        if (!id) continue;
        if (known.has(id)) state.beliefs.set(id, value === "true");
        else ignored.push(id);
      }
    }
    state.vs = query.get("vs") || "";
    state.reading = query.get("reading") || ARTICLE;
    return ignored;
  }

  function queryString() {
    const parts = [];
    for (const value of [true, false]) {
      const ids = conditions.map((c) => c.id).filter((id) => state.beliefs.get(id) === value);
      if (ids.length) parts.push(String(value) + "=" + ids.map(encodeURIComponent).join(","));
    }
    if (state.vs) parts.push("vs=" + encodeURIComponent(state.vs));
    if (state.reading !== ARTICLE) parts.push("reading=" + encodeURIComponent(state.reading));
    return parts.length ? "?" + parts.join("&") : "";
  }

  function writeUrl() {
    const wanted = queryString();
    if (wanted !== window.location.search) {
      window.history.replaceState(null, "", window.location.pathname + wanted);
    }
  }

  // ------------------------------------------------------------------ the controls
  function conditionTable(caption, records) {
    const body = el("tbody");
    for (const c of records) {
      const choice = el("td", { class: "choice", role: "radiogroup",
                                "aria-label": c.id + " " + c.label });
      for (const value of VALUES) {
        const id = "c-" + c.id + "-" + value;
        const input = el("input", { type: "radio", name: "c-" + c.id, id, value,
                                    "data-condition": c.id });
        input.addEventListener("change", () => {
          if (value === "unknown") state.beliefs.delete(c.id);
          else state.beliefs.set(c.id, value === "true");
          changed(c.id + " set to " + value);
        });
        choice.append(input, el("label", { for: id, text: value }));
      }
      const row = el("tr", { "data-condition-row": c.id },
                     el("th", { scope: "row" }, el("code", { text: c.id })),
                     el("td", {}, c.label,
                        c.description ? el("div", { class: "locator", text: locator(c.locator) })
                          : null),
                     choice);
      row.title = c.description || "";
      body.append(row);
    }
    return el("table", { class: "conditions" }, el("caption", { text: caption }), body);
  }

  function buildControls() {
    const box = $("conditions");
    box.replaceChildren();
    const groups = new Map();
    for (const c of conditions) {
      const key = c.kind === "factor" ? "Factors of the " + c.scenario + " scenario"
        : "Context conditions";
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(c);
    }
    for (const [caption, records] of groups) box.append(conditionTable(caption, records));
  }

  function showBeliefs() {
    for (const c of conditions) {
      const value = state.beliefs.has(c.id) ? String(state.beliefs.get(c.id)) : "unknown";
      const input = $("c-" + c.id + "-" + value);
      if (input) input.checked = true;
      const row = document.querySelector('tr[data-condition-row="' + CSS.escape(c.id) + '"]');
      if (row) row.className = value === "unknown" ? "" : "is-" + value;
    }
    $("vs").value = state.vs;
    $("adopt").disabled = !state.vs;
    $("reading").value = state.reading;
    const about = readings.find((r) => r.id === state.reading);
    $("reading-about").textContent = about ? about.statement : "";
  }

  // ------------------------------------------------------------------ the answers
  // How firmly a conclusion stands, in the words of kzpolicy's other outputs.
  function stanceWords(result) {
    if (result.decided_by === "undecided") return "not decided: no decision rule, and none invented";
    if (result.interpretations === undefined) { // the scenario: the decision rule's stance
      return result.stance === "stated" ? "stated" : "interpretation (decision rule)";
    }
    const via = result.interpretations.join(", ");
    if (!via) return result.stance;
    // stated when one chain is stated throughout; the others may still be readings
    return result.stance === "stated" ? "stated (other chains via " + via + ")"
      : "interpretation via " + via;
  }

  function basisWords(basis, scenario) {
    if (scenario === "undecided") return "the factor counts are those asserted";
    return basis === "default" ? "holds by default: no factor of " + scenario + " asserted"
      : "follows from what was asserted";
  }

  function standing(result, scenario) {
    return el("div", { class: result.basis === "default" ? "standing by-default" : "standing",
                       "data-stance": result.stance, "data-basis": result.basis },
              el("span", { class: "stance", text: stanceWords(result) }), "; ",
              el("span", { class: "basis", text: basisWords(result.basis, scenario) }));
  }

  function showScenario(a) {
    const s = a.scenario;
    $("scenario-id").textContent = s.id;
    $("scenario-label").textContent = s.label;
    $("scenario-reason").textContent = s.reason;
    $("scenario-standing").replaceChildren("Stance: ", el("strong", { text: stanceWords(s) }),
      ". Basis: ", el("strong", { text: basisWords(s.basis, s.id) }), ".");
    $("scenario-standing").dataset.basis = s.basis;
    const chart = el("div", { class: "shares" });
    for (const [sid, share] of Object.entries(s.shares)) {
      const bar = el("div", { class: "bar" });
      bar.style.width = Math.max(0, Math.min(100, share * 100)).toFixed(1) + "%";
      const track = el("div", { class: "track" }, bar);
      if (s.form === "share") { // a count threshold or no rule has no place on a share bar
        const tick = el("div", { class: "threshold", title: "threshold " + s.threshold });
        tick.style.left = Math.max(0, Math.min(100, s.threshold * 100)).toFixed(1) + "%";
        track.append(tick);
      }
      chart.append(el("div", { class: sid === s.id ? "row chosen" : "row",
                               "data-scenario": sid },
                      el("span", {}, ...labelled(sid)), track,
                      el("span", { class: "value", text: share.toFixed(2) + " (" + s.counts[sid] + ")" })));
    }
    $("shares").replaceChildren(chart);
    $("warnings").replaceChildren(...a.warnings.map((w) => el("li", { text: w })));
    const notes = a.findings.filter((f) => aboutAllScenarios.has(f.id));
    $("notes").replaceChildren(...notes.map((f) => el("p", { "data-note-id": f.id },
      el("strong", { text: f.label + ". " }), f.statement + " ",
      el("span", { class: "locator", text: "(" + locator(f.locator) + "; " + f.stance + ")" }))));
    $("scenario-notes").hidden = !notes.length;
  }

  function because(steps) {
    return el("ol", { class: "because" }, ...steps.map((step) => el("li", {},
      el("code", { text: step.rule }), " " + step.label,
      step.matched.length ? " (matched " + step.matched.join(", ") + ")" : "",
      step.conditions.length ? "; from " + step.conditions.join(", ") : "",
      " ", el("span", { class: "locator", text: step.stance + "; see " + locator(step.locator) }))));
  }

  function none(box, text) {
    box.replaceChildren(el("li", { class: "none", text: text || "none" }));
  }

  function flaggedList(id, items, cls, scenario) {
    const box = $(id);
    if (!items.length) return none(box);
    box.replaceChildren(...items.map((f) => el("li", { class: cls, "data-flagged-id": f.id },
      el("div", {}, el("code", { text: f.id }), " " + f.label + " ",
         el("span", { class: "locator", text: f.kind + "; " + locator(f.locator) })),
      standing(f, scenario), because(f.because))));
  }

  function contestedList(items, scenario) {
    const box = $("contested");
    if (!items.length) return none(box);
    box.replaceChildren(...items.map((c) => el("li", { class: "contested",
                                                       "data-contested-id": c.id },
      el("div", {}, el("code", { text: c.id }), " " + c.label + " ",
         el("span", { class: "locator", text: c.kind + "; " + locator(c.locator) })),
      el("div", { class: "side-rules" }, el("strong", { text: "The rules imply it: " }),
         standing(c, scenario), because(c.because)),
      el("div", { class: "side-you" }, el("strong", { text: "You asserted false: " }),
         el("ul", { class: "denied" }, ...c.denied.map((d) => el("li",
           { "data-denied-id": d.id }, el("code", { text: d.id }), " " + d.label + " ",
           el("span", { class: "locator", text: "see " + locator(d.locator) }))))))));
  }

  function showFindings(findings) {
    const box = $("findings");
    const shown = findings.filter((f) => !aboutAllScenarios.has(f.id));
    if (!shown.length) return none(box, "none on this input");
    box.replaceChildren(...shown.map((f) => el("li", { "data-finding-id": f.id },
      el("div", {}, el("code", { text: f.id }), " " + f.label + " ",
         el("span", { class: "locator", text: f.stance + "; " + locator(f.locator) })),
      el("p", { text: f.statement }),
      f.noted_for.length ? el("div", { class: "locator",
                                       text: "noted for " + f.noted_for.join(", ") }) : null)));
  }

  // a change reads as good or bad news by what changed: a risk added is bad news, an
  // engaged item added good news; an outcome, a contested item or a rule is neither
  function refs(title, items, tone, key) {
    return el("div", { class: "change " + tone, "data-delta": key },
      el("strong", { text: title + ": " }),
      items.length ? items.map((i) => i.id + " " + i.label).join("; ") : "none");
  }

  function decision(when, scenario, reason, warnings) {
    return el("div", { class: "decision", "data-decision": when },
      el("h3", { text: when === "before" ? "Before (the preset)" : "After (with your beliefs)" }),
      el("p", { class: "reason", text: scenario + ": " + reason }),
      warnings.length ? el("ul", { class: "warnings" },
                           ...warnings.map((w) => el("li", { text: w })))
        : el("p", { class: "locator", text: "no decision warning" }));
  }

  function showDelta(w) {
    const box = $("delta");
    if (!w) {
      box.replaceChildren(el("p", { class: "none",
                                    text: "Pick a preset to see what your beliefs change." }));
      return;
    }
    const s = w.scenario;
    const head = s.changed
      ? "The preset implies " + s.before + "; with your beliefs on top: " + s.after + "."
      : "The preset implies " + s.before + "; your beliefs keep it.";
    box.replaceChildren(
      el("p", { "data-delta-scenario": s.after, text: head }),
      el("div", { class: "delta decisions" },
         decision("before", s.before, s.reason_before, s.warnings_before),
         decision("after", s.after, s.reason_after, s.warnings_after)),
      el("div", { class: "delta" },
         refs("Outcomes added", w.outcomes_added, "neutral", "outcomes_added"),
         refs("Outcomes removed", w.outcomes_removed, "neutral", "outcomes_removed"),
         refs("Risks added", w.risks_added, "worse", "risks_added"),
         refs("Risks removed", w.risks_removed, "better", "risks_removed"),
         refs("Engaged added", w.engaged_added, "better", "engaged_added"),
         refs("Engaged removed", w.engaged_removed, "worse", "engaged_removed"),
         refs("Contested added", w.contested_added, "neutral", "contested_added"),
         refs("Contested removed", w.contested_removed, "neutral", "contested_removed"),
         refs("Rules started", w.rules_started, "neutral", "rules_started"),
         refs("Rules stopped", w.rules_stopped, "neutral", "rules_stopped")));
  }

  function showNetwork(html) {
    const host = $("network-host");
    const doc = new DOMParser().parseFromString(html, "text/html");
    // the report's rule-network section (its id is stable), else its first diagram
    const section = doc.getElementById("network") || doc.querySelector("svg.network");
    if (!section) {
      host.replaceChildren(el("p", { class: "none", text: "(the report has no network)" }));
      return;
    }
    const root = host.shadowRoot || host.attachShadow({ mode: "open" });
    const css = Array.from(doc.querySelectorAll("style"), (s) => s.textContent).join("\n")
      .replaceAll(":root", ":host");
    root.replaceChildren(el("style", { text: css }), document.importNode(section, true));
  }

  // ------------------------------------------------------------------ why not
  function literalNode(lit) {
    const name = (lit.negated ? "not " : "") + lit.id;
    const state = lit.state !== "missing" ? lit.state
      : lit.kind === "scenario" ? "not implied" : "not reached";
    return el("li", { class: "literal " + lit.state, "data-literal": lit.id,
                      "data-state": lit.state },
      el("code", { text: name }), " " + state + ": " + lit.label + " ",
      el("span", { class: "locator", text: locator(lit.locator) }),
      lit.via.length ? routeList(lit.via) : null);
  }

  function routeList(routes) {
    return el("ol", { class: "routes" }, ...routes.map((r) => el("li",
      { class: r.fires ? "route fires" : "route", "data-route": r.rule },
      el("code", { text: r.rule }), " " + r.label + " ",
      el("span", { class: "locator", text: (r.fires ? "fires" : r.missing + " missing") + "; "
                   + r.stance + "; " + locator(r.locator) }),
      el("ul", { class: "literals" }, ...r.literals.map(literalNode)))));
  }

  async function showWhyNot(li, id) {
    const body = li.querySelector(".why-not-body");
    const asked = queryString();
    body.replaceChildren(el("p", { class: "none", text: "asking…" }));
    try {
      const w = await api("POST", "/v1/why-not",
                          { conditions: Object.fromEntries(state.beliefs), item: id });
      if (asked !== queryString()) return; // the beliefs changed: a newer answer comes
      body.replaceChildren(
        el("p", { class: "why-not-summary", text: w.summary }),
        w.denied.length ? el("p", { class: "side-you" },
          "You asserted false: ", ...w.denied.map((d) => el("code", { text: d.id + " " })))
          : null,
        w.routes.length ? routeList(w.routes)
          : el("p", { class: "none", text: "no rule can bring it" }));
      li.dataset.loaded = asked;
    } catch (error) {
      body.replaceChildren(el("p", { class: "error", text: String(error.message || error) }));
    }
  }

  function notFlaggedList(a) {
    const reached = new Set([...a.outcomes, ...a.risks, ...a.engaged].map((f) => f.id));
    const box = $("not-flagged");
    const rows = items.filter((i) => !reached.has(i.id));
    if (!rows.length) return none(box);
    box.replaceChildren(...rows.map((i) => {
      const details = el("details", {},
        el("summary", {}, el("code", { text: i.id }), " " + i.label + " ",
           el("span", { class: "locator", text: i.kind + "; " + i.where })),
        el("div", { class: "why-not-body" }));
      const li = el("li", { class: "why-not", "data-why-not-id": i.id }, details);
      details.addEventListener("toggle", () => {
        if (details.open) {
          openWhy.add(i.id);
          showWhyNot(li, i.id);
        } else {
          openWhy.delete(i.id);
        }
      });
      details.open = openWhy.has(i.id); // reopened after a change: asks again
      return li;
    }));
  }

  // ------------------------------------------------------------------ the summary
  function counted(before, after, noun) {
    const was = new Set(before.map((f) => f.id));
    const now = new Set(after.map((f) => f.id));
    const added = after.filter((f) => !was.has(f.id)).length;
    const removed = before.filter((f) => !now.has(f.id)).length;
    if (!added && !removed) return "";
    return noun + " " + (added ? "+" + added : "") + (added && removed ? " " : "")
      + (removed ? "\u2212" + removed : "");
  }

  // The answer in short, kept in view (sticky): the implied scenario, the shares and
  // what the last change moved, with a brief highlight as the cue that it moved.
  function showSummary(a) {
    const s = a.scenario;
    $("summary-scenario").textContent = s.id;
    $("summary-label").textContent = s.label;
    $("summary-shares").textContent = Object.entries(s.shares)
      .map(([sid, share]) => sid + " " + share.toFixed(2)).join(" \u00b7 ");
    const moved = previous !== null && previous.scenario.id !== s.id;
    const parts = [];
    if (previous !== null) {
      parts.push(moved ? "scenario " + previous.scenario.id + " \u2192 " + s.id
        : "scenario unchanged");
      for (const [key, noun] of [["risks", "risks"], ["engaged", "engaged"],
                                 ["outcomes", "outcomes"]]) {
        const said = counted(previous[key], a[key], noun);
        if (said) parts.push(said);
      }
    }
    const text = (lastAction ? lastAction + ": " : "") + (parts.join("; ") || "nothing yet");
    const box = $("summary-changed");
    box.textContent = text;
    box.className = moved ? "scenario-moved" : "";
    const summary = $("summary");
    summary.classList.remove("moved");
    void summary.offsetWidth; // restart the highlight
    if (previous !== null) summary.classList.add("moved");
    summary.dataset.scenario = s.id;
    previous = a;
  }

  // ------------------------------------------------------------------ the cycle
  function request() {
    const body = { conditions: Object.fromEntries(state.beliefs) };
    if (state.reading !== ARTICLE) body.reading = state.reading;
    return body;
  }

  async function refresh() {
    const mine = ++serial;
    document.body.dataset.state = "busy";
    const body = request();
    try {
      const [assessment, report, whatIf] = await Promise.all([
        api("POST", "/v1/assess", body),
        api("POST", "/v1/report", body),
        state.vs ? api("POST", "/v1/what-if", { preset: state.vs, changes: body.conditions,
                                                reading: body.reading })
          : Promise.resolve(null),
      ]);
      if (mine !== serial) return; // a newer belief is already on its way
      const implied = assessment.scenario.id;
      $("kb").textContent = "Knowledge base " + assessment.kb_version + ", reading "
        + assessment.reading + ".";
      showScenario(assessment);
      showSummary(assessment);
      flaggedList("outcomes", assessment.outcomes, "outcome", implied);
      flaggedList("risks", assessment.risks, "risk", implied);
      flaggedList("engaged", assessment.engaged, "engaged", implied);
      contestedList(assessment.contested, implied);
      notFlaggedList(assessment);
      showFindings(assessment.findings);
      showDelta(whatIf);
      showNetwork(report);
      status("", false);
      document.body.dataset.query = queryString();
      document.body.dataset.state = "ready";
    } catch (error) {
      if (mine !== serial) return;
      status(String(error.message || error), true);
      document.body.dataset.state = "error";
    }
  }

  function changed(action) {
    lastAction = action || "";
    writeUrl();
    showBeliefs();
    refresh();
  }

  async function start() {
    try {
      const [kb, records, presets, found] = await Promise.all([
        api("GET", "/v1/kb"), api("GET", "/v1/list/conditions"), api("GET", "/v1/list/presets"),
        api("GET", "/v1/list/readings"),
      ]);
      readings = found;
      for (const r of readings) $("reading").append(el("option", { value: r.id, text: r.id + ": " + r.label }));
      conditions = records;
      known = new Set(records.map((c) => c.id));
      for (const c of records) labels.set(c.id, c.label);
      const [scenarios, findings, swot, rivalry, outcomes] = await Promise.all([
        api("GET", "/v1/list/scenarios"), api("GET", "/v1/list/findings"),
        api("GET", "/v1/list/swot"), api("GET", "/v1/list/rivalry"),
        api("GET", "/v1/list/outcomes"),
      ]);
      items = [...swot, ...rivalry, ...outcomes];
      for (const s of scenarios) labels.set(s.id, s.label);
      const every = scenarios.map((s) => s.id);
      aboutAllScenarios = new Set(findings.filter((f) => {
        const concerns = String(f.concerns).split(",").map((c) => c.trim());
        return every.length && every.every((id) => concerns.includes(id));
      }).map((f) => f.id));
      $("kb").textContent = "Knowledge base " + kb.version + ".";
      const select = $("vs");
      for (const p of presets) select.append(el("option", { value: p.id, text: p.id + ": " + p.label }));
      buildControls();
      const ignored = readUrl();
      if (state.vs && !presets.some((p) => p.id === state.vs)) {
        ignored.push("vs=" + state.vs);
        state.vs = "";
      }
      if (!readings.some((r) => r.id === state.reading)) {
        if (state.reading !== ARTICLE) ignored.push("reading=" + state.reading);
        state.reading = ARTICLE;
      }
      writeUrl();
      showBeliefs();
      await refresh();
      if (ignored.length) status("Ignored from the address: " + ignored.join(", "), true);
    } catch (error) {
      status(String(error.message || error), true);
      document.body.dataset.state = "error";
    }
  }

  $("reset").addEventListener("click", () => {
    state.beliefs.clear();
    changed("every condition set to unknown");
  });
  $("vs").addEventListener("change", () => {
    state.vs = $("vs").value;
    changed(state.vs ? "compared with " + state.vs : "no preset compared");
  });
  $("reading").addEventListener("change", () => {
    state.reading = $("reading").value;
    changed("read as " + state.reading);
  });
  $("adopt").addEventListener("click", async () => {
    if (!state.vs) return;
    try {
      const w = await api("POST", "/v1/what-if", { preset: state.vs, changes: {},
                                                   reading: request().reading });
      state.beliefs = new Map(Object.entries(w.asserted_before));
      changed("started from " + state.vs);
    } catch (error) {
      status(String(error.message || error), true);
    }
  });
  window.addEventListener("popstate", () => { readUrl(); showBeliefs(); refresh(); });
  start();
})();
