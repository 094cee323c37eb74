// The web chat: one conversation per browser, history restored on reload. Who the browser is
// lives in an HttpOnly cookie the server signs and sets: this script never sees or sends it.
"use strict";
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const menuButton = document.getElementById("menu");
  function messageId() {
    const bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    return Date.now().toString(36) + "-" + Array.from(bytes, (b) => b.toString(16)).join("");
  }

  function bubble(sender, text, extraClass) {
    const div = document.createElement("div");
    div.className = `bubble ${sender}` + (extraClass ? ` ${extraClass}` : "");
    div.textContent = text;
    log.appendChild(div);
    return div;
  }

  function addOptions(div, options) {
    if (!options || !options.length) return;
    const box = document.createElement("div");
    box.className = "options";
    options.forEach((option, index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.payload = option.payload;
      const number = document.createElement("span");
      number.className = "n";
      number.textContent = `${index + 1}.`;
      button.append(number, document.createTextNode(option.label));
      button.addEventListener("click", () => send({ payload: option.payload }, option.label));
      box.appendChild(button);
    });
    div.appendChild(box);
  }

  // New replies are read from their first line: a long answer on a phone must not land
  // scrolled to its bottom, with its title and a refusal above the menu off-screen.
  function showReplies(replies, extraClass) {
    let first = null;
    for (const reply of replies) {
      const div = bubble("bot", reply.text, extraClass);
      addOptions(div, reply.options);
      first = first || div;
    }
    if (first) reveal(first);
  }

  function reveal(div) {
    log.scrollTop = div.offsetTop - log.offsetTop - 8;
  }

  let busy = false;
  async function send(body, shown) {
    if (busy) return;
    busy = true;
    form.querySelectorAll("button").forEach((b) => (b.disabled = true));
    if (shown) bubble("user", shown);
    const typing = document.createElement("div");
    typing.className = "typing";
    typing.textContent = "…";
    log.appendChild(typing);
    log.scrollTop = log.scrollHeight;
    const message = { message_id: messageId(), ...body };
    try {
      // The same message_id on a retry is safe: the server answers a repeat with the same replies.
      let response;
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          response = await fetch("/api/chat", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            credentials: "same-origin",
            body: JSON.stringify(message),
          });
          break;
        } catch (error) {
          if (attempt === 1) throw error;
        }
      }
      const data = await response.json();
      if (data.replies) showReplies(data.replies, response.ok ? "" : "notice");
      else reveal(bubble("bot", data.detail || "出错了，请重试。 Something went wrong, please retry.", "notice"));
    } catch (error) {
      reveal(bubble("bot", "网络连接出错，请稍后重试。 Network error, please try again.", "notice"));
    } finally {
      typing.remove();
      busy = false;
      form.querySelectorAll("button").forEach((b) => (b.disabled = false));
      input.focus({ preventScroll: true });
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text }, text);
  });
  menuButton.addEventListener("click", () => send({ text: "菜单" }, "菜单"));

  // Staff replies and notices arrive outside the user's own turns: poll for them.
  let cursor = null;
  let timer = null;
  let polling = false;
  async function poll() {
    clearTimeout(timer);
    if (polling) return; // the one in flight schedules the next
    polling = true;
    if (cursor !== null) {
      try {
        const response = await fetch(`/api/updates?after=${cursor}`, { credentials: "same-origin" });
        if (response.ok) {
          const data = await response.json();
          if (data.messages && data.messages.length) showReplies(data.messages, "later");
          cursor = data.last;
        }
      } catch (error) {
        // offline for a moment: the next poll catches up from the same cursor
      }
    }
    polling = false;
    timer = setTimeout(poll, document.visibilityState === "visible" ? 3000 : 15000);
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && cursor !== null) poll();
  });

  async function restore() {
    try {
      const response = await fetch("/api/history", { credentials: "same-origin" });
      const data = await response.json();
      cursor = data.last || 0;
      const messages = data.messages || [];
      messages.forEach((m, index) => {
        // The page opens a new conversation with the menu; that first request is not the user's.
        if (m.sender === "user" && index === 0 && m.payload === "menu") return;
        const div = bubble(m.sender, m.text);
        if (m.sender === "bot") addOptions(div, m.options);
      });
      log.scrollTop = log.scrollHeight;
      document.body.dataset.ready = "1";
      if (!messages.length) await send({ payload: "menu" }, null);
    } catch (error) {
      bubble("bot", "网络连接出错，请刷新页面。 Network error, please reload the page.", "notice");
    }
    document.body.dataset.ready = "1";
    timer = setTimeout(poll, 3000);
  }
  restore();
})();
