// The unanswered inbox (/staff/admin/unanswered): the questions the bot did not answer well,
// grouped by need, largest first, filtered by week and station. Admins mark a cluster "not
// ours" or "done", or add its questions to the knowledge base through admin-edit.js (the
// reviewed edit: diff, confirm, checks); station heads read their stations' clusters only.
// Questions arrive masked and without who asked. Load after staff.js and admin-edit.js.
"use strict";
(function () {
  const { T, el, api, show, flash, value } = window.VetbotConsole;
  const filters = { week: "", station: "", marked: false };

  function query() {
    const params = new URLSearchParams({ week: filters.week, station: filters.station });
    if (filters.marked) params.set("marked", "true");
    return `/api/staff/admin/unanswered?${params}`;
  }

  async function draw() {
    const data = await api(query());
    show(
      el("h1", {}, T("unanswered.title")),
      el("p", { class: "hint" }, T("unanswered.hint")),
      data.read_only ? el("p", { class: "read-only" }, T("unanswered.read_only")) : null,
      filterForm(data),
      data.clusters.length
        ? el("div", { class: "clusters" }, data.clusters.map((c) => cluster(c, data.read_only)))
        : el("p", { class: "none" }, T("unanswered.none")),
    );
  }

  function filterForm(data) {
    const weeks = el(
      "select",
      { id: "week", onchange: () => { filters.week = value("week"); redraw(); } },
      el("option", { value: "" }, T("unanswered.all_weeks")),
      data.weeks.map((w) => el("option", { value: w, selected: w === filters.week }, w)),
    );
    const stations = el(
      "select",
      { id: "station", onchange: () => { filters.station = value("station"); redraw(); } },
      el("option", { value: "" }, T("unanswered.all_stations")),
      data.stations.map((s) => el("option", { value: s.id, selected: s.id === filters.station }, s.name)),
    );
    const marked = el("input", {
      type: "checkbox",
      id: "marked",
      checked: filters.marked,
      onchange: (event) => { filters.marked = event.target.checked; redraw(); },
    });
    return el(
      "form",
      { class: "filters", onsubmit: (event) => event.preventDefault() },
      el("label", {}, T("unanswered.week"), " ", weeks),
      el("label", {}, T("unanswered.station"), " ", stations),
      el("label", {}, marked, " ", T("unanswered.show_marked")),
    );
  }

  function cluster(c, readOnly) {
    const kinds = Object.entries(c.kinds).map(([kind, n]) => el("span", { class: "badge kind", "data-kind": kind }, `${T("unanswered.kinds." + kind)} ${n}`));
    const seen = `${T("unanswered.first_seen")} ${localDay(c.first_seen)} · ${T("unanswered.last_seen")} ${localDay(c.last_seen)}`;
    return el(
      "section",
      { class: "cluster", "data-id": `${c.key}:${c.ids.length}:${c.ids[0]}:${c.mark}`, "data-cluster": c.key, "data-mark": c.mark || null },
      el(
        "header",
        {},
        el("strong", { class: "size" }, T("unanswered.size", { n: c.size })),
        c.new !== c.size ? el("span", { class: "new" }, ` · ${T("unanswered.new", { n: c.new })}`) : null,
        c.mark ? el("span", { class: "badge marked" }, T("unanswered.marked_" + c.mark)) : null,
        " ",
        kinds,
        el("div", { class: "seen" }, seen),
      ),
      el("h3", {}, T("unanswered.examples")),
      el("ul", { class: "examples" }, c.examples.map((q) => el("li", { class: "example" }, q))),
      c.reasons.length ? [el("h3", {}, T("unanswered.reasons")), el("ul", { class: "reasons" }, c.reasons.map((r) => el("li", {}, r)))] : null,
      c.likely.length ? [el("h3", {}, T("unanswered.likely")), entries(c, c.likely, readOnly, "likely")] : null,
      c.unhelpful.length ? [el("h3", {}, T("unanswered.unhelpful")), entries(c, c.unhelpful, readOnly, "unhelpful")] : null,
      c.considered.length ? [el("h3", {}, T("unanswered.considered")), entries(c, c.considered, readOnly, "considered")] : null,
      readOnly ? null : actions(c),
    );
  }

  function entries(c, list, readOnly, kind) {
    return el(
      "ul",
      { class: `entries ${kind}` },
      list.map((e) =>
        el(
          "li",
          { "data-entry": e.entry_id },
          el("span", { class: "title" }, e.title),
          " ",
          el("small", {}, `${e.entry_id} · ${T("unanswered.score")} ${e.score.toFixed(2)} · ${e.count}`),
          readOnly ? null : [" ", addButton(c, e.entry_id, e.title)],
        ),
      ),
    );
  }

  function addButton(c, entryId, title) {
    return el(
      "button",
      { type: "button", class: "secondary add-phrasings", "data-entry": entryId, onclick: () => VetbotEdit.phrasingsForm(entryId, c.examples, { onApplied: () => handled(c) }) },
      T("unanswered.add_phrasings", { title }),
    );
  }

  function actions(c) {
    const box = `search-${c.key}`;
    const results = el("ul", { class: "found", id: `found-${c.key}`, "data-keep": true });
    let asked = 0;
    async function find() {
      const mine = ++asked;
      const found = await api(`/api/staff/canned?q=${encodeURIComponent(value(box))}`).catch(() => []);
      if (mine !== asked) return; // a later search is on its way
      document.getElementById(`found-${c.key}`)?.replaceChildren(
        ...found.slice(0, 8).map((e) => el("li", { "data-entry": e.id }, addButton(c, e.id, e.title))),
      );
    }
    return el(
      "div",
      { class: "actions" },
      el("button", { type: "button", class: "secondary new-entry", onclick: () => VetbotEdit.entryForm({ questions: c.examples }, { onApplied: () => handled(c) }) }, T("unanswered.new_entry")),
      " ",
      el("input", { type: "search", id: box, class: "entry-search", placeholder: T("unanswered.search_entry"), onkeydown: (event) => { if (event.key === "Enter") { event.preventDefault(); find(); } }, oninput: find }),
      results,
      el(
        "div",
        { class: "marks" },
        c.mark
          ? el("button", { type: "button", class: "link unmark", onclick: () => setMark(c, "") }, T("unanswered.unmark"))
          : [
              el("button", { type: "button", class: "mark-done", onclick: () => setMark(c, "done") }, T("unanswered.mark_done")),
              " ",
              el("button", { type: "button", class: "secondary mark-not-ours", onclick: () => setMark(c, "not_ours") }, T("unanswered.mark_not_ours")),
            ],
      ),
    );
  }

  // Added to the knowledge base: the cluster is done, until new questions of it arrive.
  async function handled(c) {
    await setMark(c, "done");
  }

  async function setMark(c, mark) {
    try {
      await api("/api/staff/admin/unanswered/mark", { ids: c.ids, mark });
      await redraw();
    } catch (error) {
      flash(error.message);
    }
  }

  async function redraw() {
    await draw().catch((error) => flash(error.message));
  }

  function localDay(iso) {
    return new Date(iso).toLocaleDateString(document.documentElement.lang);
  }

  window.VetbotConsole.page("unanswered", draw);
})();
