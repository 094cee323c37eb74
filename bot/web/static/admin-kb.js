// The knowledge base at a glance (/staff/admin/kb): every entry with its figures and stale
// flags, search, "what would the bot answer?", the stations' contact details, and (for admins)
// the reviewed edits of admin-edit.js. Drawn once: the console's poll must not wipe what the
// admin is typing, so later calls only redraw after an edit.
"use strict";
(function () {
  const { T, el, api, show, flash } = window.VetbotConsole;
  let drawn = false;
  let query = "";

  const number = (value) => (value === null || value === undefined ? T("kb.unknown") : String(value));

  function entryRow(e, editable) {
    const stale = e.stale.map((reason) =>
      el("span", { class: "badge stale", "data-stale": reason }, T(`kb.stale.${reason}`, { newer: e.superseded_by || "" })),
    );
    return el(
      "tr",
      { "data-entry": e.id, class: e.stale.length ? "stale" : null },
      el("td", {}, el("div", { class: "title" }, e.title), el("small", {}, e.id), stale.length ? el("div", { class: "badges" }, stale) : null),
      el("td", {}, e.category),
      el("td", { class: "n questions" }, String(e.questions)),
      el("td", { class: "source" }, e.source),
      el("td", { class: "n" }, e.reviewed),
      el("td", { class: "n served" }, number(e.served)),
      el("td", { class: "n clarified" }, number(e.clarified)),
      el("td", { class: "n helpful" }, number(e.helpful)),
      el("td", { class: "n not-helpful" }, number(e.not_helpful)),
      editable
        ? el("td", {}, el("button", { type: "button", class: "secondary add-phrasing", onclick: () => VetbotEdit.phrasingsForm(e.id, [], { onApplied: redraw }) }, T("kb.add_phrasing")))
        : null,
    );
  }

  function entriesTable(data) {
    const heads = ["entry", "category", "questions", "source", "reviewed", "served", "clarified", "helpful", "not_helpful"];
    return el(
      "div",
      { class: "table-wrap" },
      el(
        "table",
        { id: "kb-entries" },
        el("thead", {}, el("tr", {}, heads.map((h) => el("th", {}, T(`kb.${h}`))), data.editable ? el("th", {}) : null)),
        el("tbody", {}, data.entries.map((e) => entryRow(e, data.editable))),
      ),
    );
  }

  function stationsSection(data) {
    const rows = data.stations.map((s) => {
      if (!data.editable) {
        return el(
          "tr",
          { "data-station": s.id },
          el("td", {}, s.name),
          ["address", "phone", "hours"].map((f) => el("td", { class: s[f] ? null : "empty" }, s[f] || T("kb.stations.empty"))),
        );
      }
      const inputs = {};
      const input = (f) => {
        inputs[f] = el("input", { name: f, value: s[f], placeholder: T("kb.stations.empty"), "aria-label": `${s.name} ${T(`kb.stations.${f}`)}` });
        return el("label", {}, T(`kb.stations.${f}`), inputs[f]);
      };
      const form = el(
        "form",
        { class: "station-form", "data-station": s.id },
        el("h3", {}, s.name),
        input("address"), input("phone"), input("hours"),
        el("button", { type: "submit", class: "save-station" }, T("kb.stations.save")),
      );
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const params = { station_id: s.id };
        for (const [f, node] of Object.entries(inputs)) if (node.value.trim() !== (s[f] || "")) params[f] = node.value.trim();
        VetbotEdit.review("station", params, { onApplied: redraw });
      });
      return form;
    });
    return el(
      "section",
      { id: "kb-stations" },
      el("h2", {}, T("kb.stations.title")),
      el("p", {}, T("kb.stations.intro")),
      data.editable
        ? el("div", {}, rows)
        : el("div", { class: "table-wrap" }, el("table", {},
            el("thead", {}, el("tr", {}, ["station", "address", "phone", "hours"].map((h) => el("th", {}, T(`kb.stations.${h}`))))),
            el("tbody", {}, rows))),
    );
  }

  function askSection() {
    const input = el("input", { id: "kb-ask-q", placeholder: T("kb.ask.placeholder"), maxlength: 500 });
    const out = el("div", { id: "kb-ask-out" });
    const form = el("form", { class: "inline" }, input, el("button", { type: "submit", id: "kb-ask" }, T("kb.ask.button")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!input.value.trim()) return;
      try {
        const data = await api("/api/staff/admin/kb/ask", { question: input.value.trim() });
        const x = data.explain;
        out.replaceChildren(
          el("h3", {}, T("kb.ask.reply")),
          el("pre", { class: "reply", id: "kb-ask-reply" }, data.replies.join("\n\n")),
          el("h3", {}, T("kb.ask.why")),
          el("p", { id: "kb-ask-decision" }, `${T("kb.ask.decision")}: ${x.decision}${x.entry ? " " + x.entry : ""}${x.options.length ? " " + x.options.join(" | ") : ""} (${x.score})`),
          el("p", {}, x.normalised),
          el("ul", {}, x.why.map((line) => el("li", {}, line))),
          el("div", { class: "table-wrap" }, el("table", { id: "kb-ask-explain" },
            el("thead", {}, el("tr", {}, [T("kb.ask.candidate"), "bm25", "dice", "pinyin", T("kb.ask.fused"), T("kb.ask.phrasing")].map((h) => el("th", {}, h)))),
            el("tbody", {}, x.matches.map((m) => el("tr", {}, el("td", {}, m.name), el("td", { class: "n" }, m.bm25), el("td", { class: "n" }, m.dice),
              el("td", { class: "n" }, m.pinyin), el("td", { class: "n" }, m.score), el("td", {}, m.phrasing)))))),
        );
      } catch (error) {
        flash(error.message);
      }
    });
    return el("section", { id: "kb-ask-box" }, el("h2", {}, T("kb.ask.title")), form, out);
  }

  async function draw() {
    const data = await api(`/api/staff/admin/kb?q=${encodeURIComponent(query)}`);
    const search = el("input", { id: "kb-search", type: "search", placeholder: T("kb.search"), value: query });
    const form = el("form", { class: "inline", role: "search" }, search, el("button", { type: "submit", id: "kb-search-go" }, T("kb.search_button")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      query = search.value.trim();
      redraw();
    });
    show(
      el(
        "div",
        { class: "kb" },
        el("h1", {}, T("kb.title")),
        el("p", {}, T("kb.intro", { days: data.days })),
        data.editable ? null : el("p", { class: "readonly" }, T("kb.readonly")),
        askSection(),
        el(
          "section",
          { id: "kb-list" },
          form,
          el("p", { class: "count" }, T("kb.count", { count: data.entries.length })),
          data.editable ? el("button", { type: "button", id: "kb-new-entry", onclick: () => VetbotEdit.entryForm({}, { onApplied: redraw }) }, T("kb.new_entry")) : null,
          entriesTable(data),
        ),
        stationsSection(data),
      ),
    );
    document.body.dataset.kb = data.fingerprint;
  }

  async function redraw() {
    await draw().catch((error) => flash(error.message));
  }

  VetbotConsole.page("kb", async () => {
    if (drawn) return;
    await draw();
    drawn = true;
  });
})();
