// Personal data requests (/staff/admin/privacy), admins only: find a person by a request or
// booking number, a phone number or a user id; export their copy (JSON to download, a page to
// read) or ask for their erasure, which another admin confirms. Every step is audited by the
// server; the copy never leaves this browser except as the member downloads it. Load after
// staff.js.
"use strict";
(function () {
  const { T, el, api, show, flash, value } = window.VetbotConsole;
  let links = []; // object URLs of the last export, revoked when replaced

  function person() {
    return { by: value("privacy-by"), value: value("privacy-value").trim(), reason: value("privacy-reason").trim() };
  }

  function form() {
    const by = el(
      "select",
      { id: "privacy-by" },
      ["request", "phone", "user"].map((b) => el("option", { value: b }, T("privacy.by_" + b))),
    );
    return el(
      "form",
      { class: "privacy", id: "privacy-form", onsubmit: (event) => event.preventDefault() },
      el("label", {}, T("privacy.by"), " ", by),
      el("label", {}, T("privacy.value"), " ", el("input", { id: "privacy-value", maxlength: 64, required: true, autocomplete: "off" })),
      el("label", {}, T("privacy.reason"), " ", el("input", { id: "privacy-reason", maxlength: 500, required: true, autocomplete: "off" })),
      el("button", { type: "button", id: "privacy-export", onclick: exportPerson }, T("privacy.export")),
      el("button", { type: "button", id: "privacy-ask", onclick: askErasure }, T("privacy.ask_erase")),
    );
  }

  function checked() {
    const asked = person();
    if (!asked.value || !asked.reason) {
      flash(T("privacy.reason_needed"));
      return null;
    }
    return asked;
  }

  async function exportPerson() {
    const asked = checked();
    if (!asked) return;
    try {
      const done = await api("/api/staff/admin/privacy/export", asked);
      links.forEach((url) => URL.revokeObjectURL(url));
      const json = URL.createObjectURL(new Blob([JSON.stringify(done.document, null, 2)], { type: "application/json" }));
      const page = URL.createObjectURL(new Blob([done.page], { type: "text/html" }));
      links = [json, page];
      const box = document.getElementById("privacy-result");
      box.replaceChildren(
        el("p", {}, T("privacy.exported", { user: done.user, rows: done.rows })),
        el("a", { href: json, download: `personal-data-${done.user}.json`, id: "privacy-json" }, T("privacy.download_json")),
        " ",
        el("a", { href: page, target: "_blank", rel: "noopener", id: "privacy-page" }, T("privacy.open_page")),
      );
    } catch (error) {
      flash(error.message);
    }
  }

  async function askErasure() {
    const asked = checked();
    if (!asked) return;
    try {
      const done = await api("/api/staff/admin/privacy/erasures", asked);
      flash(T("privacy.asked", { user: done.user }));
      await draw();
    } catch (error) {
      flash(error.message);
    }
  }

  async function decide(row, action) {
    if (action === "confirm" && !window.confirm(T("privacy.confirm_ask"))) return;
    try {
      const done = await api(`/api/staff/admin/privacy/erasures/${row.id}/${action}`, {});
      flash(action === "confirm" ? T("privacy.erased", { user: done.user, rows: done.rows }) : T("privacy.cancelled"));
      await draw();
    } catch (error) {
      flash(error.message);
    }
  }

  function erasures(data) {
    const pending = data.erasures.filter((e) => e.state === "pending");
    if (!pending.length) return el("p", { class: "none" }, T("privacy.none_pending"));
    return el(
      "table",
      { class: "erasures" },
      el("tr", {}, el("th", {}, T("privacy.person")), el("th", {}, T("privacy.reason")), el("th", {}, T("privacy.asked_by")), el("th", {}, T("privacy.asked_at")), el("th", {}, "")),
      pending.map((e) =>
        el(
          "tr",
          { "data-id": `erasure-${e.id}` },
          el("td", {}, e.user === null ? e.named : `${e.named} (#${e.user})`),
          el("td", {}, e.reason),
          el("td", {}, e.asked_by_name),
          el("td", {}, new Date(e.asked_at).toLocaleString(document.documentElement.lang, { hour12: false })),
          el(
            "td",
            {},
            e.asked_by === data.me ? null : el("button", { type: "button", class: "confirm", onclick: () => decide(e, "confirm") }, T("privacy.confirm")),
            " ",
            el("button", { type: "button", class: "link", onclick: () => decide(e, "cancel") }, T("privacy.cancel")),
          ),
        ),
      ),
    );
  }

  async function draw() {
    const data = await api("/api/staff/admin/privacy/erasures");
    show(
      el("h1", {}, T("privacy.title")),
      el("p", { class: "hint" }, T("privacy.intro")),
      form(),
      el("div", { id: "privacy-result", "data-keep": true }),
      el("h2", {}, T("privacy.pending")),
      erasures(data),
    );
  }

  window.VetbotConsole.page("privacy", draw);
})();
