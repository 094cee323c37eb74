// The staff console: queue, ticket, ratings and audit pages over /api/staff, polled for live
// updates. Text comes from the catalogue (the #texts JSON); data is only ever set as text.
// A poll patches the page in place (patch below) instead of re-drawing it, so what the member
// is doing survives it: where they scrolled to, an open panel, focus and what they typed.
"use strict";
(function () {
  const TEXTS = JSON.parse(document.getElementById("texts").textContent);
  const PAGE = document.body.dataset.page;
  const TICKET = Number(document.body.dataset.ticket || 0);
  const SUBJECT = document.body.dataset.ticket || "";
  const CSRF = document.querySelector("meta[name=csrf]").content;
  const main = document.getElementById("main");
  const top = document.getElementById("top");
  const flashes = document.getElementById("flash");
  const POLL_MS = 4000;

  function T(key, params) {
    let text = TEXTS[key] ?? key;
    for (const [name, value] of Object.entries(params || {})) text = text.split(`{${name}}`).join(value);
    return text;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name === "class") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  async function api(path, body) {
    const options = { credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRF-Token"] = CSRF;
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (error) {
      throw new Error(T("error.network"));
    }
    if (response.status === 401 && PAGE !== "login") {
      location.href = "/staff/login";
      throw new Error(T("error.session"));
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || T("error.network"));
    return data;
  }

  function duration(seconds) {
    const minutes = Math.max(0, Math.round(Math.abs(seconds) / 60));
    if (minutes < 60) return T("unit.minutes", { n: minutes });
    if (minutes < 48 * 60) return T("unit.hours", { n: Math.round(minutes / 60) });
    return T("unit.days", { n: Math.round(minutes / 1440) });
  }

  function localTime(iso) {
    return iso ? new Date(iso).toLocaleString(document.documentElement.lang, { hour12: false }) : "";
  }

  // The page as it should now look, patched into what is on screen. Leave out (null) the parts
  // a page does not have.
  function show(...parts) {
    patchChildren(main, el("div", {}, parts));
  }

  // Make `old` look like `fresh` and keep `old`: its scroll position, focus, typed value and
  // event handlers stay. A node whose tag or key (id, data-id, data-number) differs is replaced
  // by the fresh one, handlers and all. Whether a <details> is open is the member's choice, and
  // a [data-keep] element's children are filled by the page itself (search results).
  function patch(old, fresh) {
    if (old.nodeName !== fresh.nodeName || key(old) !== key(fresh)) {
      old.replaceWith(fresh);
      return;
    }
    if (old.nodeType === Node.TEXT_NODE) {
      if (old.data !== fresh.data) old.data = fresh.data;
      return;
    }
    if (old.nodeType !== Node.ELEMENT_NODE) return;
    for (const { name } of [...old.attributes]) {
      if (!fresh.hasAttribute(name) && !(name === "open" && old.nodeName === "DETAILS")) old.removeAttribute(name);
    }
    for (const { name, value } of [...fresh.attributes]) {
      if (name === "open" && old.nodeName === "DETAILS") continue;
      if (old.getAttribute(name) !== value) old.setAttribute(name, value);
    }
    if (!old.hasAttribute("data-keep")) patchChildren(old, fresh);
  }

  function patchChildren(parent, fresh) {
    const wanted = [...fresh.childNodes];
    wanted.forEach((node, index) => {
      const current = parent.childNodes[index];
      if (current) patch(current, node);
      else parent.append(node);
    });
    while (parent.childNodes.length > wanted.length) parent.lastChild.remove();
  }

  function key(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) return "";
    return node.id || node.getAttribute("data-id") || node.getAttribute("data-number") || "";
  }

  function value(id) {
    return document.getElementById(id)?.value ?? "";
  }

  function flash(message) {
    const box = el("div", { class: "flash", role: "alert" }, message);
    flashes.prepend(box);
    setTimeout(() => box.remove(), 6000);
  }

  function header(me) {
    top.replaceChildren(
      ...[
      el("a", { href: "/staff", class: "brand" }, T("nav.queue")),
      el("a", { href: "/staff/ratings" }, T("nav.ratings")),
      me.audit ? el("a", { href: "/staff/audit" }, T("nav.audit")) : null,
      me.kb ? el("a", { href: "/staff/admin/kb" }, T("nav.kb")) : null,
      me.reports ? el("a", { href: "/staff/admin/reports" }, T("nav.reports")) : null,
      me.unanswered ? el("a", { href: "/staff/admin/unanswered" }, T("nav.unanswered")) : null,
      me.privacy ? el("a", { href: "/staff/admin/privacy" }, T("nav.privacy")) : null,
      el("span", { class: "who" }, `${me.name} · ${T("role." + me.role)} · ${me.station}`),
      el("button", { type: "button", class: "link", onclick: switchLanguage }, T("nav.language")),
      el("button", { type: "button", class: "link", id: "logout", onclick: logout }, T("nav.logout")),
      ].filter(Boolean),
    );
  }

  // Staff alerts: a banner while a station's robot or staff chat fails, and the member's
  // one-time code to link their Telegram account (typed as /link CODE in the staff chat).
  async function alertsBar() {
    const state = await api("/api/staff/alerts");
    document.getElementById("alerts-failing")?.remove();
    if (state.failing.length) {
      const targets = state.failing.map((f) => `${T("alerts." + f.channel.replace("telegram_staff", "telegram"))}（${f.stations.join("、")}）`);
      top.after(el("div", { id: "alerts-failing", class: "flash", role: "alert" }, T("alerts.failing", { targets: targets.join("；") })));
    }
    if (!state.telegram || document.getElementById("link-telegram")) return;
    const shown = el("span", { id: "telegram-code" }, state.telegram_linked ? T("alerts.linked", { when: state.telegram_linked.slice(0, 10) }) : "");
    const ask = async () => {
      const issued = await api("/api/staff/alerts/telegram-code", {}).catch((error) => flash(error.message));
      if (issued) shown.textContent = T("alerts.link_code", { code: issued.code, minutes: issued.minutes });
    };
    top.append(el("button", { type: "button", class: "link", id: "link-telegram", onclick: ask }, T("alerts.link_telegram")), shown);
  }

  function switchLanguage() {
    document.cookie = `vetbot_staff_lang=${T("nav.lang_code")}; path=/; max-age=31536000; samesite=strict`;
    location.reload();
  }

  async function logout() {
    await api("/api/staff/logout", {}).catch(() => null);
    location.href = "/staff/login";
  }

  function badges(t) {
    return el(
      "span",
      { class: "badges" },
      t.urgent ? el("span", { class: "badge urgent" }, T("badge.urgent")) : null,
      t.callback && t.status === "waiting" ? el("span", { class: "badge callback" }, T("badge.callback")) : null,
      t.unread ? el("span", { class: "badge unread" }, T("badge.unread")) : null,
      t.deadline_seconds !== null && t.status === "waiting"
        ? t.deadline_seconds <= 0
          ? el("span", { class: "badge overdue" }, T("badge.overdue"))
          : el("span", { class: "badge due" }, T("badge.due_in", { time: duration(t.deadline_seconds) }))
        : null,
      t.escalations ? el("span", { class: "badge" }, T("badge.escalated", { count: t.escalations })) : null,
    );
  }

  // ---- queue ----
  let view = sessionStorage.getItem("view") || "waiting";
  async function showQueue() {
    const data = await api(`/api/staff/queue?view=${TICKET_VIEWS.includes(view) ? view : "waiting"}`);
    const tabs = el(
      "nav",
      { class: "tabs" },
      ["waiting", "live", "mine", "resolved", "requests", "bookings"].map((name) =>
        el(
          "button",
          {
            type: "button",
            class: name === view ? "tab on" : "tab",
            "data-view": name,
            onclick: () => {
              view = name;
              sessionStorage.setItem("view", name);
              showQueue();
            },
          },
          `${T("queue." + name)} `,
          TICKET_VIEWS.includes(name) ? el("span", { class: "count" }, String(data.counts[name] ?? 0)) : null,
        ),
      ),
    );
    if (view === "requests") return show(tabs, await requestList());
    if (view === "bookings") return show(tabs, await bookingList());
    const urgent = data.counts.urgent ? el("p", { class: "urgent-count" }, T("queue.urgent_count", { count: data.counts.urgent })) : null;
    const list = el("ul", { class: "queue" });
    for (const t of data.tickets) {
      list.append(
        el(
          "li",
          { class: t.urgent ? "ticket urgent" : "ticket", "data-id": t.id },
          el(
            "a",
            { href: `/staff/tickets/${t.id}` },
            el("span", { class: "number" }, t.number),
            badges(t),
            el("span", { class: "station" }, t.station),
            el("span", { class: "reason" }, T("reason." + t.reason)),
            el("span", { class: "summary" }, t.summary),
            el("span", { class: "waited" }, T("ticket.waited", { time: duration(t.waiting_seconds) })),
            t.claimed_by ? el("span", { class: "claimed" }, T("ticket.claimed_by", { name: t.claimed_by })) : null,
          ),
        ),
      );
    }
    if (!data.tickets.length) list.append(el("li", { class: "empty" }, T("queue.empty")));
    show(tabs, urgent, list);
    const unread = data.tickets.filter((t) => t.unread).length;
    notify(unread);
  }

  const TICKET_VIEWS = ["waiting", "live", "mine", "resolved"];

  async function requestList() {
    const rows = await api("/api/staff/requests");
    const list = el("ul", { class: "queue" });
    for (const r of rows) list.append(requestItem(r));
    if (!rows.length) list.append(el("li", { class: "empty" }, T("queue.empty")));
    return list;
  }

  function requestItem(r) {
    return el(
      "li",
      { class: "ticket", "data-number": r.number },
      el(
        "a",
        { href: `/staff/requests/${encodeURIComponent(r.number)}` },
        el("span", { class: "number" }, r.number),
        el("span", { class: "badge" }, T("state." + r.state)),
        el("span", { class: "station" }, r.station),
        el("span", { class: "summary" }, r.title),
        r.for_whom ? el("span", { class: "badge behalf" }, r.for_whom) : null,
        el("span", { class: "waited" }, localTime(r.created_at)),
      ),
    );
  }

  // Visitors whose phone the member revealed (audited), by booking number: a poll keeps them.
  const revealedVisitors = new Map();
  async function bookingList() {
    const rows = await api("/api/staff/bookings");
    const list = el("ul", { class: "queue" });
    for (const v of rows) {
      const revealed = revealedVisitors.get(v.number);
      list.append(visitItem(revealed ? { ...v, visitor: revealed.visitor, filed_for: revealed.filed_for, revealed: true } : v, true));
    }
    if (!rows.length) list.append(el("li", { class: "empty" }, T("queue.empty")));
    return list;
  }

  function revealVisitor(number) {
    api(`/api/staff/bookings/${encodeURIComponent(number)}/reveal`, {}).then(
      (row) => {
        revealedVisitors.set(number, { visitor: row.visitor, filed_for: row.filed_for });
        showQueue();
      },
      (error) => flash(error.message),
    );
  }

  function visitor(v, actionable) {
    const who = v.visitor;
    if (!who && !v.filed_for) return el("span", { class: "visitor" }, T("booking.no_visitor"));
    const reveal =
      actionable && ((who && who.phone) || v.filed_for) && !v.revealed
        ? el("button", { type: "button", class: "link", "data-action": "reveal", onclick: () => revealVisitor(v.number) }, T("booking.reveal"))
        : null;
    // Booked for someone else: the veteran apart from the filer, their phone to call them.
    const forWhom = v.filed_for
      ? el(
          "span",
          { class: "filed-for" },
          el("span", { class: "badge behalf" }, T("family.badge")),
          " ",
          `${v.for_whom} · ${T("family.relationship")}${v.filed_for.relationship} · ${T("family.id_number")} ${v.filed_for.id_number} · `,
          v.revealed ? el("a", { href: `tel:${v.filed_for.phone}` }, v.filed_for.phone) : v.filed_for.phone,
          " ",
        )
      : null;
    return el(
      "span",
      { class: "visitor" },
      forWhom,
      who ? T("booking.visitor", { who: [who.name, who.phone].filter(Boolean).join(" · ") }) : null,
      who ? T("booking.from_request", { number: who.request }) : null,
      reveal ? " " : null,
      reveal,
    );
  }

  function visitItem(v, actionable) {
    const buttons =
      actionable && v.state === "booked"
        ? ["attended", "no_show"].map((state) =>
            el(
              "button",
              {
                type: "button",
                class: "small",
                "data-action": state,
                onclick: () =>
                  api(`/api/staff/bookings/${encodeURIComponent(v.number)}/state`, { state }).then(showQueue, (error) => flash(error.message)),
              },
              T("booking." + state),
            ),
          )
        : [];
    return el(
      "li",
      { class: "ticket visit", "data-number": v.number },
      el(
        "div",
        { class: "row" },
        el("span", { class: "number" }, v.number),
        el("span", { class: "badge" }, T("visit." + v.state)),
        el("span", { class: "station" }, `${v.station} · ${v.day} ${v.slot}`),
        el("span", { class: "summary" }, v.service),
        visitor(v, actionable),
        ...buttons,
      ),
    );
  }

  // ---- one request ----
  const NEXT = { submitted: ["accepted", "rejected"], accepted: ["in_progress", "done", "rejected"], in_progress: ["done", "rejected"], done: [], rejected: [] };
  let requestRevealed = null;
  async function showRequest() {
    if (requestRevealed) return; // revealed data stays on screen until the member moves on
    await renderRequest(await api(`/api/staff/requests/${encodeURIComponent(SUBJECT)}`));
  }

  // A request filed for someone else: the veteran it is for apart from its filer (who is told of
  // progress). Staff phone the veteran to check they agreed: the number after the audited reveal.
  function filedFor(data) {
    const v = data.filed_for;
    if (!v) return null;
    const call = data.revealed ? el("a", { href: `tel:${v.phone}`, id: "call-veteran" }, v.phone) : null;
    const filer = data.filer;
    return el(
      "section",
      { class: "conversation filed-for", id: "filed-for" },
      el("h2", {}, T("family.filed_for"), " ", el("span", { class: "badge behalf" }, v.on_behalf)),
      el(
        "dl",
        { class: "answers" },
        [
          [T("family.relationship"), v.relationship],
          [T("family.name"), v.name],
          [T("family.id_number"), v.id_number],
          [T("family.phone"), v.phone],
          [T("family.consented_at"), localTime(v.consented_at)],
        ].map(([label, value]) => [el("dt", {}, label), el("dd", {}, value)]),
      ),
      el("p", { class: "masking" }, data.revealed ? T("family.call") : T("family.call_reveal"), call ? [" ", call] : null),
      el("h2", {}, T("family.filer")),
      el("p", { class: "filer", id: "filer" }, [filer.name, filer.phone, T("ticket.channel", { channel: filer.channel })].filter(Boolean).join(" · ")),
      el("p", { class: "masking" }, T("family.filer_hint")),
    );
  }

  async function renderRequest(data) {
    const r = data.request;
    const note = el("input", { id: "request-note", maxlength: 1000, placeholder: T("request.note_placeholder") });
    const move = (state) =>
      api(`/api/staff/requests/${encodeURIComponent(r.number)}/state`, { state, note: value("request-note") }).then(
        () => { requestRevealed = null; showRequest(); },
        (error) => flash(error.message),
      );
    show(
      el(
        "section",
        { class: "ticket-head" },
        el("a", { href: "/staff", class: "back" }, T("ticket.back")),
        el("h1", {}, `${T("request.title")} ${r.number} `, el("span", { class: "status", id: "status" }, T("state." + r.state))),
        el("p", {}, `${r.title} · ${r.station} · ${T("ticket.channel", { channel: r.channel })}`),
      ),
      NEXT[r.state].length
        ? el("section", { class: "actions" }, el("form", { class: "resolve", onsubmit: (event) => event.preventDefault() }, note, ...NEXT[r.state].map((state) => el("button", { type: "button", id: `to-${state}`, onclick: () => move(state) }, T("request." + state)))))
        : null,
      filedFor(data),
      el(
        "section",
        { class: "conversation" },
        el("h2", {}, T("request.answers")),
        masking(data.revealed, async () => {
          requestRevealed = await api(`/api/staff/requests/${encodeURIComponent(r.number)}/reveal`, {});
          renderRequest(requestRevealed);
        }),
        el("dl", { class: "answers" }, data.answers.map((a) => [el("dt", {}, a.label), el("dd", {}, a.value)])),
      ),
      el("details", { class: "history", open: true }, el("summary", {}, T("request.history")), el("ol", {}, data.history.map((e) => el("li", {}, `${localTime(e.at)} ${e.who} · ${T("state." + e.state)}${e.note ? " · " + e.note : ""}`)))),
    );
  }

  // Whether personal data is shown masked, with the (audited) button that reveals it.
  function masking(revealed, onReveal) {
    const button = revealed ? null : el("button", { type: "button", class: "link", id: "reveal", onclick: onReveal }, T("ticket.reveal"));
    return el("p", { class: "masking" }, revealed ? T("ticket.revealed") : T("ticket.masked"), " ", button);
  }

  let lastUnread = 0;
  function notify(unread) {
    document.title = (unread ? T("new_messages", { count: unread }) + " " : "") + T("title");
    if (unread > lastUnread && navigator.vibrate) navigator.vibrate(200);
    lastUnread = unread;
  }

  // ---- ticket ----
  let revealed = false;
  let lastMessage = -1;
  async function reveal() {
    revealed = true;
    await api(`/api/staff/tickets/${TICKET}/reveal`, {}).catch((error) => flash(error.message));
    showTicket();
  }

  function messageList(list) {
    return list.map((m) => el("li", { class: `msg ${m.sender}` }, el("small", {}, `${T("sender." + m.sender)} ${localTime(m.at)}`), el("div", {}, m.text)));
  }

  async function showTicket() {
    const data = await api(`/api/staff/tickets/${TICKET}${revealed ? "?reveal=1" : ""}`);
    const t = data.ticket;
    const newest = data.messages.length ? data.messages[data.messages.length - 1].id : 0;
    const shown = document.getElementById("messages");
    // A new message scrolls into view only for a member already at the newest one: one who
    // scrolled up to read stays where they are.
    const atEnd = !shown || shown.scrollHeight - shown.scrollTop - shown.clientHeight < 40;
    const head = el(
      "section",
      { class: "ticket-head" },
      el("a", { href: "/staff", class: "back" }, T("ticket.back")),
      el("h1", {}, t.number, " ", el("span", { class: `status ${t.status}`, id: "status" }, T("status." + t.status))),
      badges(t),
      el("p", {}, `${t.station} · ${T("reason." + t.reason)} · ${T("ticket.channel", { channel: data.channel })}`),
      el("p", {}, T("ticket.waited", { time: duration(t.waiting_seconds) })),
      t.claimed_by ? el("p", {}, T("ticket.claimed_by", { name: t.claimed_by })) : null,
      t.resolution ? el("p", { class: "resolution" }, T("ticket.resolution", { note: t.resolution })) : null,
      t.rating ? el("p", { class: "rating" }, T("ticket.rating", { stars: t.rating })) : null,
    );
    const conversation = el(
      "section",
      { class: "conversation" },
      el("h2", {}, T("ticket.conversation")),
      masking(data.revealed, reveal),
      el("ol", { class: "messages", id: "messages" }, messageList(data.messages)),
    );
    const theirs = [
      data.requests.length ? el("section", { class: "others" }, el("h2", {}, T("ticket.requests")), el("ul", { class: "queue" }, data.requests.map(requestItem))) : null,
      data.bookings.length ? el("section", { class: "others" }, el("h2", {}, T("ticket.bookings")), el("ul", { class: "queue" }, data.bookings.map((v) => visitItem(v, false)))) : null,
    ];
    show(head, actions(t), conversation, ...theirs, history(data.timeline), others(data.other_tickets));
    if (newest !== lastMessage && atEnd) {
      const box = document.getElementById("messages");
      box.scrollTop = box.scrollHeight;
    }
    lastMessage = newest;
  }

  function act(path, body) {
    return api(`/api/staff/tickets/${TICKET}/${path}`, body || {}).then(() => showTicket(), (error) => flash(error.message));
  }

  function actions(t) {
    const box = el("section", { class: "actions" });
    if (t.status === "resolved") {
      box.append(el("button", { type: "button", id: "reopen", onclick: () => act("reopen") }, T("action.reopen")));
      return box;
    }
    if (!t.mine) box.append(el("button", { type: "button", id: "claim", onclick: () => act("claim") }, T("action.claim")));
    // Handlers read the fields where they are on screen: a poll keeps those, not these.
    const send = (event) => {
      event.preventDefault();
      const text = value("reply-text");
      if (!text.trim()) return;
      act("reply", { text }).then(() => {
        const box = document.getElementById("reply-text");
        if (box) box.value = "";
      });
    };
    box.append(
      el(
        "form",
        { class: "reply", onsubmit: send },
        el("textarea", { id: "reply-text", rows: 3, maxlength: 2000, placeholder: T("action.reply_placeholder") }),
        el("button", { type: "submit", id: "send" }, T("action.send")),
      ),
      canned(),
    );
    const note = el("input", { id: "resolve-note", maxlength: 2000, placeholder: T("action.note_placeholder") });
    box.append(
      el("form", { class: "resolve", onsubmit: (event) => { event.preventDefault(); act("resolve", { note: value("resolve-note") }); } }, note, el("button", { type: "submit", id: "resolve" }, T("action.resolve"))),
      transfer(),
    );
    return box;
  }

  // Searched as the member types, a moment after they pause; the newest answer wins.
  const SEARCH_PAUSE_MS = 250;
  function canned() {
    const results = el("ul", { class: "canned-results", id: "canned-results", "data-keep": true });
    const search = el("input", { type: "search", id: "canned-search", placeholder: T("action.canned_search") });
    let timer = 0;
    let asked = 0;
    async function find() {
      const mine = ++asked;
      const query = value("canned-search");
      const found = await api(`/api/staff/canned?q=${encodeURIComponent(query)}`).catch(() => []);
      if (mine !== asked) return; // a later search is on its way
      document.getElementById("canned-results")?.replaceChildren(
        ...found.map((entry) =>
          el("li", { "data-id": entry.id }, el("button", { type: "button", class: "link", onclick: () => useCanned(entry.answer) }, T("action.canned_pick")), " ", entry.title),
        ),
      );
    }
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(find, SEARCH_PAUSE_MS);
    });
    search.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      clearTimeout(timer);
      find();
    });
    return el("details", { class: "canned", id: "canned" }, el("summary", {}, T("action.canned")), search, results);
  }

  function useCanned(answer) {
    const box = document.getElementById("reply-text");
    if (!box) return;
    box.value = answer;
    box.focus();
  }

  let stations = null;
  function transfer() {
    const select = el("select", { id: "transfer-to" });
    const note = el("input", { id: "transfer-note", maxlength: 2000, placeholder: T("action.transfer_note") });
    const fill = (list) => select.replaceChildren(...list.map((s) => el("option", { value: s.id }, s.name)));
    if (stations) fill(stations);
    else api("/api/staff/stations").then((list) => { stations = list; fill(list); });
    return el(
      "form",
      { class: "transfer", onsubmit: (event) => { event.preventDefault(); act("transfer", { station_id: value("transfer-to"), note: value("transfer-note") }).then(() => (location.href = "/staff")); } },
      el("label", {}, T("action.transfer_to"), " ", select),
      note,
      el("button", { type: "submit", id: "transfer" }, T("action.transfer")),
    );
  }

  function history(entries) {
    return el(
      "details",
      { class: "history", id: "history" },
      el("summary", {}, T("ticket.history")),
      el("ol", {}, entries.map((e) => el("li", {}, `${localTime(e.at)} ${e.who || T("audit.system")} · ${T("audit." + e.action)}`))),
    );
  }

  function others(list) {
    if (!list.length) return null;
    return el(
      "section",
      { class: "others" },
      el("h2", {}, T("ticket.other")),
      el("ul", {}, list.map((t) => el("li", {}, el("a", { href: `/staff/tickets/${t.id}` }, t.number), ` ${T("status." + t.status)} · ${t.station}`))),
    );
  }

  // ---- ratings and audit ----
  async function showRatings() {
    const rows = await api("/api/staff/ratings");
    const table = el(
      "table",
      {},
      el("tr", {}, el("th", {}, T("ratings.station")), el("th", {}, T("ratings.count")), el("th", {}, T("ratings.average")), el("th", {}, T("ratings.stars"))),
      rows.map((r) => el("tr", {}, el("td", {}, r.station), el("td", {}, r.count), el("td", {}, r.average.toFixed(2)), el("td", {}, [1, 2, 3, 4, 5].map((n) => r.stars[n] || 0).join(" / ")))),
    );
    show(el("h1", {}, T("ratings.title")), rows.length ? table : el("p", {}, T("ratings.none")));
  }

  async function showAudit() {
    const rows = await api("/api/staff/audit");
    show(
      el("h1", {}, T("audit.title")),
      el(
        "table",
        {},
        el("tr", {}, el("th", {}, T("audit.when")), el("th", {}, T("audit.who")), el("th", {}, T("audit.what"))),
        rows.map((e) => el("tr", {}, el("td", {}, localTime(e.at)), el("td", {}, e.who || T("audit.system")), el("td", {}, auditWhat(e)))),
      ),
    );
  }

  // "申请状态变更 PJ-2026-000001 → 已受理", "新增账号 wang · 工作人员", "转交 T-000003 · 转至…".
  function auditWhat(e) {
    const s = e.subject;
    const named = s ? (s.href ? el("a", { href: s.href, class: "subject" }, s.label) : el("span", { class: "subject" }, s.label)) : null;
    const state = e.detail && e.detail.state;
    const moved = e.action === "request_state" && state ? T("state." + state) : e.action === "booking_state" && state ? T("visit." + state) : null;
    const role = e.detail && e.detail.role ? T("role." + e.detail.role) : null;
    return [
      T("audit." + e.action),
      named ? " " : null,
      named,
      moved ? ` → ${moved}` : null,
      role ? ` · ${role}` : null,
      e.to ? ` · ${T("audit.to", { station: e.to })}` : null,
    ];
  }

  // ---- login ----
  function showLogin() {
    const user = el("input", { id: "username", name: "username", autocomplete: "username", required: true, autocapitalize: "none" });
    const pass = el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
    const form = el(
      "form",
      {
        class: "login",
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            await api("/api/staff/login", { username: user.value, password: pass.value });
            location.href = "/staff";
          } catch (error) {
            pass.value = "";
            flash(error.message);
          }
        },
      },
      el("h1", {}, T("login.title")),
      el("label", {}, T("login.username"), user),
      el("label", {}, T("login.password"), pass),
      el("button", { type: "submit", id: "login" }, T("login.submit")),
      el("button", { type: "button", class: "link", onclick: switchLanguage }, T("nav.language")),
    );
    show(form);
  }

  // ---- start ----
  const PAGES = { queue: showQueue, ticket: showTicket, request: showRequest, ratings: showRatings, audit: showAudit };
  let refreshes = 0;
  async function refresh() {
    // Polling stands in for push: it works through any proxy and on a phone that sleeps. The
    // page is patched, not re-drawn, so it may refresh while the member types or reads.
    if (document.visibilityState === "visible") {
      await PAGES[PAGE]().catch((error) => flash(error.message));
      document.body.dataset.refreshed = String(++refreshes); // for tests: a poll has landed
    }
    setTimeout(refresh, POLL_MS);
  }

  // Pages with their own file (the admin pages) add themselves here; start waits for them.
  window.VetbotConsole = {
    T, el, api, show, flash, value, patchChildren,
    page(name, draw) {
      PAGES[name] = draw;
    },
  };

  async function start() {
    if (PAGE === "login") return showLogin();
    if (PAGE === "missing") {
      show(el("p", { class: "missing" }, T("missing")), el("a", { href: "/staff" }, T("ticket.back")));
      return;
    }
    try {
      header(await api("/api/staff/me"));
      alertsBar().catch((error) => flash(error.message));
      await PAGES[PAGE]();
    } catch (error) {
      flash(error.message);
    }
    document.body.dataset.ready = "1";
    setTimeout(refresh, POLL_MS);
  }
  document.addEventListener("DOMContentLoaded", start);
})();
