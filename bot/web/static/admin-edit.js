// Reviewed edits of the knowledge base, for every admin page that changes it (the knowledge-base
// page, the unanswered inbox): show the diff, confirm, show what the checks said.
//
//   VetbotEdit.review(kind, params, { onApplied })  kind: "phrasings" | "entry" | "station"
//   VetbotEdit.phrasingsForm(entryId, questions, { onApplied })  a textarea, then review
//   VetbotEdit.entryForm(prefill, { onApplied })     the new-entry form, then review
//
// The server proposes (POST /api/staff/admin/kb/propose: a diff, nothing written) and applies
// (POST …/apply with the digest of the file the diff was made from: refused when the file
// changed meanwhile, when a check fails or held-out accuracy drops). Load after staff.js.
"use strict";
(function () {
  const { T, el, flash } = window.VetbotConsole;
  const CSRF = document.querySelector("meta[name=csrf]").content;

  const style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = "/static/admin-edit.css";
  document.head.append(style);

  // Like VetbotConsole.api, but a refusal's body is kept: it says why.
  async function post(path, body) {
    let response;
    try {
      response = await fetch(path, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": CSRF },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new Error(T("error.network"));
    }
    if (response.status === 401) {
      location.href = "/staff/login";
      throw new Error(T("error.session"));
    }
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, data };
  }

  function dialog(title, ...body) {
    document.getElementById("kb-edit")?.remove();
    const box = el("dialog", { id: "kb-edit", class: "kb-edit", "aria-labelledby": "kb-edit-title" },
      el("h2", { id: "kb-edit-title" }, title), ...body);
    document.body.append(box);
    box.showModal();
    return box;
  }

  function diffView(text) {
    const lines = text.split("\n").filter((line, i, all) => line || i < all.length - 1);
    return el(
      "pre",
      { class: "diff" },
      lines.map((line) => {
        const kind = line.startsWith("+++") || line.startsWith("---") ? "head"
          : line.startsWith("@@") ? "hunk"
          : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "same";
        return el("span", { class: `line ${kind}` }, line + "\n");
      }),
    );
  }

  function evaluationText(evaluation) {
    if (!evaluation) return null;
    if (!evaluation.ran) return T("kbedit.no_evaluation");
    const sets = evaluation.sets
      .map((s) => `${s.name} ${(s.before * 100).toFixed(1)}% → ${(s.after * 100).toFixed(1)}%`)
      .join(" · ");
    return T("kbedit.evaluation", { sets });
  }

  function refusal(refused) {
    const items = [];
    if (refused.reason === "accuracy" && refused.evaluation) {
      for (const s of refused.evaluation.sets.filter((s) => s.after < s.before)) {
        items.push(`${s.name}: ${(s.before * 100).toFixed(1)}% → ${(s.after * 100).toFixed(1)}%`);
      }
      for (const r of refused.evaluation.regressions) items.push(T("kbedit.regression", r));
    } else {
      items.push(...(refused.reason === "check" ? [] : refused.reasons), ...refused.problems);
    }
    return el(
      "div",
      { class: "kb-edit-refused", role: "alert" },
      el("p", {}, T("kbedit.refused") + " " + T(`kbedit.reason.${refused.reason}`)),
      el("ul", {}, items.map((item) => el("li", {}, item))),
    );
  }

  async function review(kind, params, options) {
    const onApplied = (options && options.onApplied) || (() => {});
    const proposed = await post("/api/staff/admin/kb/propose", { kind, params });
    if (!proposed.ok) {
      const box = dialog(T("kbedit.dialog_title"),
        refusal({ reason: "input", reasons: proposed.data.reasons || [proposed.data.detail || T("error.network")], problems: [] }),
        el("div", { class: "buttons" }, el("button", { type: "button", id: "kb-edit-cancel", onclick: () => box.close() }, T("kbedit.close"))));
      return null;
    }
    const p = proposed.data;
    return await new Promise((resolve) => {
      const status = el("p", { class: "kb-edit-status", "aria-live": "polite" });
      const confirm = el("button", { type: "button", id: "kb-edit-confirm" }, T("kbedit.confirm"));
      const cancel = el("button", { type: "button", id: "kb-edit-cancel", class: "secondary" }, T("kbedit.cancel"));
      const box = dialog(
        T("kbedit.dialog_title"),
        el("p", { class: "kb-edit-file" }, T("kbedit.file", { file: p.file })),
        p.skipped.length ? el("p", { class: "kb-edit-skipped" }, T("kbedit.skipped", { questions: p.skipped.join("、") })) : null,
        diffView(p.diff),
        status,
        el("div", { class: "buttons" }, confirm, cancel),
      );
      box.addEventListener("close", () => resolve(null));
      cancel.addEventListener("click", () => box.close());
      confirm.addEventListener("click", async () => {
        confirm.disabled = true;
        status.replaceChildren(T("kbedit.checking"));
        let result;
        try {
          result = await post("/api/staff/admin/kb/apply", { kind, params: p.params, base_digest: p.base_digest });
        } catch (error) {
          status.replaceChildren(error.message);
          confirm.disabled = false;
          return;
        }
        if (result.ok) {
          const applied = result.data.applied;
          status.replaceChildren(
            el("span", { class: "kb-edit-applied" }, T("kbedit.applied", { file: applied.file, seconds: applied.evaluation.seconds })),
          );
          const figures = evaluationText(applied.evaluation);
          if (figures) status.append(el("br"), figures);
          confirm.remove();
          cancel.textContent = T("kbedit.close");
          flash(T("kbedit.applied", { file: applied.file, seconds: applied.evaluation.seconds }));
          onApplied(applied);
          resolve(applied);
        } else {
          status.replaceChildren(refusal(result.data.refused || { reason: "input", reasons: [result.data.detail || ""], problems: [] }));
          confirm.remove();
          cancel.textContent = T("kbedit.close");
        }
      });
    });
  }

  function field(name, label, input) {
    input.id = `kb-field-${name}`;
    input.name = name;
    return el("label", { for: input.id }, label, input);
  }

  function lines(text) {
    return text.split("\n").map((line) => line.trim()).filter(Boolean);
  }

  function phrasingsForm(entryId, questions, options) {
    const area = el("textarea", { rows: 6, placeholder: T("kbedit.phrasings_hint") });
    area.value = (questions || []).join("\n");
    const next = el("button", { type: "submit", id: "kb-edit-next" }, T("kbedit.next"));
    const form = el("form", { class: "kb-edit-form" }, field("questions", T("kbedit.phrasings_hint"), area),
      el("div", { class: "buttons" }, next,
        el("button", { type: "button", class: "secondary", onclick: () => box.close() }, T("kbedit.cancel"))));
    const box = dialog(T("kbedit.phrasings_title", { entry: entryId }), form);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      box.close();
      review("phrasings", { entry_id: entryId, questions: lines(area.value) }, options);
    });
  }

  function entryForm(prefill, options) {
    const values = prefill || {};
    const inputs = {};
    const text = (name, rows) => {
      const input = rows ? el("textarea", { rows }) : el("input", { type: name.startsWith("valid") || name === "reviewed" ? "date" : "text" });
      const value = values[name];
      input.value = Array.isArray(value) ? value.join(name === "keywords" ? ", " : "\n") : value || "";
      inputs[name] = input;
      return field(name, T(`kbedit.field.${name}`), input);
    };
    const level = el("select", {}, ["town", "county", "village"].map((l) => el("option", { value: l }, T(`kbedit.level.${l}`))));
    level.value = values.station_level || "town";
    inputs.station_level = level;
    if (!values.reviewed) values.reviewed = new Date().toISOString().slice(0, 10);
    const form = el(
      "form",
      { class: "kb-edit-form" },
      text("id"), text("title"), text("questions", 5), text("keywords"), text("answer", 4), text("detail", 3),
      text("en_title"), text("en_answer", 3), text("source"), text("reviewed"), text("valid_from"), text("valid_until"),
      text("actions", 2), field("station_level", T("kbedit.field.station_level"), level),
      el("div", { class: "buttons" },
        el("button", { type: "submit", id: "kb-edit-next" }, T("kbedit.next")),
        el("button", { type: "button", class: "secondary", onclick: () => box.close() }, T("kbedit.cancel"))),
    );
    const box = dialog(T("kbedit.entry_title"), form);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const v = (name) => inputs[name].value.trim();
      const fields = {
        id: v("id"), title: v("title"), questions: lines(inputs.questions.value), keywords: v("keywords"),
        answer: inputs.answer.value.trim(), detail: inputs.detail.value.trim(), source: v("source"),
        reviewed: v("reviewed"), valid_from: v("valid_from"), valid_until: v("valid_until"),
        actions: lines(inputs.actions.value), station_level: v("station_level"),
      };
      if (v("en_title") || v("en_answer")) fields.en = { title: v("en_title"), answer: inputs.en_answer.value.trim() };
      box.close();
      review("entry", fields, options);
    });
  }

  window.VetbotEdit = { review, phrasingsForm, entryForm };
})();
