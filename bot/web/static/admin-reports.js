// The reports page (/staff/admin/reports): pick a month or a range of days and a station; the
// figures come from /api/staff/admin/reports with the charts already drawn by the server (SVG
// images), each chart with its table beneath, then the other sections' tables. Drawn once per
// choice: the console's poll does not redraw it.
"use strict";
(function () {
  const { T, el, api, show, flash } = window.VetbotConsole;
  let drawn = false;

  // Sizes set through the CSSOM: the console's CSP allows no inline style attributes.
  function styled(node, styles) {
    Object.assign(node.style, styles);
    return node;
  }

  function query(choice) {
    const params = new URLSearchParams();
    if (choice.first && choice.last) {
      params.set("first", choice.first);
      params.set("last", choice.last);
    } else if (choice.month) {
      params.set("month", choice.month);
    }
    if (choice.station) params.set("station", choice.station);
    return params;
  }

  function cell(value) {
    return value === null || value === undefined ? "—" : String(value);
  }

  function table(key, columns, rows) {
    const grid = el(
      "table",
      { class: "report-table", "data-section": key },
      el("tr", {}, columns.map((c) => el("th", {}, c))),
      rows.map((r) => el("tr", {}, r.map((v) => el("td", {}, cell(v))))),
    );
    const wrap = el("div", { class: "report-scroll" }, rows.length ? grid : el("p", { class: "none" }, T("reports.none")));
    return styled(wrap, { overflowX: "auto", maxWidth: "100%" });
  }

  function chart(name, src, title) {
    const image = el("img", { src, alt: title, class: "report-chart", "data-chart": name });
    return styled(image, { width: "100%", height: "auto", maxWidth: "720px", display: "block" });
  }

  function section(key, title, ...parts) {
    return el("section", { class: "report-section", id: `section-${key}` }, el("h2", {}, title), parts);
  }

  function controls(data) {
    const month = el("input", { type: "month", id: "report-month", value: data.period.month || "" });
    const first = el("input", { type: "date", id: "report-first", value: data.period.month ? "" : data.period.first });
    const last = el("input", { type: "date", id: "report-last", value: data.period.month ? "" : data.period.last });
    const station = el(
      "select",
      { id: "report-station" },
      data.all ? el("option", { value: "" }, T("reports.all_stations")) : null,
      data.stations.map((s) => el("option", { value: s.id, selected: s.id === data.station }, s.name)),
    );
    month.addEventListener("change", () => {
      first.value = "";
      last.value = "";
    });
    const pick = () => {
      const picked = { month: month.value, first: first.value, last: last.value, station: station.value };
      if ((picked.first || picked.last) && !(picked.first && picked.last && picked.first <= picked.last)) {
        flash(T("reports.bad_period"));
        return;
      }
      draw(picked).catch((error) => flash(error.message));
    };
    // The files hold what is on screen: the period and station the server counted.
    const whole = data.period.month;
    const params = query({ month: whole, first: whole ? "" : data.period.first, last: whole ? "" : data.period.last, station: data.station || "" });
    const file = (format) => {
      const p = new URLSearchParams(params);
      p.set("format", format);
      return `/api/staff/admin/reports/file?${p}`;
    };
    return el(
      "form",
      {
        class: "report-controls",
        onsubmit: (event) => {
          event.preventDefault();
          pick();
        },
      },
      el("label", {}, T("reports.month"), " ", month),
      el("label", {}, T("reports.from"), " ", first),
      el("label", {}, T("reports.to"), " ", last),
      el("label", {}, T("reports.station"), " ", station),
      el("button", { type: "submit", id: "report-show" }, T("reports.show")),
      el(
        "p",
        { class: "downloads" },
        el("a", { href: file("xlsx"), id: "report-xlsx", download: "" }, T("reports.download_xlsx")),
        " · ",
        el("a", { href: file("csv"), id: "report-csv", download: "" }, T("reports.download_csv")),
      ),
    );
  }

  async function draw(choice) {
    const data = await api(`/api/staff/admin/reports?${query(choice)}`);
    const byKey = Object.fromEntries(data.tables.map((t) => [t.key, t]));
    const daily = byKey.daily;
    const containment = {
      columns: [daily.columns[0], daily.columns[1], daily.columns[daily.columns.length - 1]],
      rows: daily.rows.map((r) => [r[0], r[1], r[r.length - 1]]),
    };
    const plain = (key) => section(key, byKey[key].title, table(key, byKey[key].columns, byKey[key].rows));
    show(
      el("h1", {}, T("reports.title"), " · ", data.period.described),
      controls(data),
      el("p", { class: "generated" }, T("reports.generated", { at: data.generated })),
      plain("overview"),
      section("daily", byKey.daily.title, chart("daily", data.charts.daily, T("reports.chart.daily")), table("daily", daily.columns, daily.rows)),
      section("containment", T("reports.chart.containment"), chart("containment", data.charts.containment, T("reports.chart.containment")), table("containment", containment.columns, containment.rows), el("p", { class: "note" }, data.note)),
      plain("questions"),
      section("tickets", byKey.tickets.title, chart("tickets", data.charts.tickets, T("reports.chart.tickets")), table("tickets", byKey.tickets.columns, byKey.tickets.rows)),
      plain("channels"),
      plain("topics"),
      plain("requests"),
      plain("bookings"),
      plain("escalations"),
      plain("ratings"),
    );
    document.body.dataset.report = data.period.described + (data.station ? `:${data.station}` : "");
  }

  VetbotConsole.page("reports", async () => {
    if (drawn) return; // the console polls every page; a report stays as drawn
    drawn = true;
    await draw({});
  });
})();
