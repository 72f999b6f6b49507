// The console's own script (no inline scripts: the CSP allows 'self' only).
// The inbox: the number of waiting conversations in the page title, and on a new arrival a beep
// (if the operator turned the sound on).
// Keyboard: g then i / q / a goes to the inbox / queue / admin; "/" focuses the reply box.
(() => {
  "use strict";
  const title = document.getElementById("page-title");
  const baseTitle = title ? title.dataset.baseTitle : document.title;

  function showBadge(count) {
    document.title = count > 0 ? `(${count}) ${baseTitle}` : baseTitle;
  }

  function beep() {
    if (localStorage.getItem("suban.console.sound") !== "on") return;
    try {
      const audio = new AudioContext();
      const tone = audio.createOscillator();
      tone.frequency.value = 880;
      tone.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.15);
    } catch (error) { /* no audio: the title badge is enough */ }
  }

  // A new arrival: a conversation that was not waiting at the last look now waits.
  function waitingIds() {
    const rows = document.querySelectorAll('[data-inbox] tr[data-state="waiting"]');
    return new Set(Array.from(rows, (row) => row.dataset.conversation));
  }
  let waiting = waitingIds();
  if (document.querySelector("[data-inbox]")) showBadge(waiting.size);
  document.addEventListener("htmx:afterSwap", () => {
    if (!document.querySelector("[data-inbox]")) return;
    const now = waitingIds();
    const arrived = [...now].some((id) => !waiting.has(id));
    waiting = now;
    showBadge(waiting.size);
    if (arrived) beep();
  });
  const sound = document.getElementById("sound-toggle");
  if (sound) {
    sound.checked = localStorage.getItem("suban.console.sound") === "on";
    sound.addEventListener("change", () => {
      localStorage.setItem("suban.console.sound", sound.checked ? "on" : "off");
    });
  }

  // A canned reply fills the reply box.
  document.addEventListener("click", (event) => {
    const button = event.target.closest ? event.target.closest("[data-canned]") : null;
    const box = document.getElementById("reply-text");
    if (button && box) { box.value = button.dataset.canned; box.focus(); }
  });

  let pending = null;
  document.addEventListener("keydown", (event) => {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/") {
      const box = document.getElementById("reply-text") || document.getElementById("note-text");
      if (box) { event.preventDefault(); box.focus(); }
      return;
    }
    if (pending === "g") {
      const target = { i: "nav-inbox", q: "nav-queue", a: "nav-admin" }[event.key];
      const link = target && document.getElementById(target);
      if (link) link.click();
      pending = null;
      return;
    }
    pending = event.key === "g" ? "g" : null;
  });
})();

// The NLU inbox and training data: select part of a message, then click an entity button, and
// the span (start:end:entity, offsets in the message's text) is added to the form's list.
(() => {
  "use strict";
  function selectedSpan(form) {
    const shown = form.querySelector("[data-nlu-text]");
    if (shown) {
      const selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
      const range = selection.getRangeAt(0);
      if (!shown.contains(range.startContainer) || !shown.contains(range.endContainer)) return null;
      const before = document.createRange();
      before.setStart(shown, 0);
      before.setEnd(range.startContainer, range.startOffset);
      const start = before.toString().length;
      return [start, start + range.toString().length];
    }
    const input = form.querySelector("[data-nlu-input]");
    if (input && input.selectionStart !== input.selectionEnd) {
      return [input.selectionStart, input.selectionEnd];
    }
    return null;
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-nlu-entity]");
    if (!button) return;
    const form = button.closest("form");
    const span = selectedSpan(form);
    if (!span) return;
    const list = form.querySelector("[data-nlu-spans]");
    const line = `${span[0]}:${span[1]}:${button.dataset.nluEntity}`;
    list.value = list.value.trim() ? `${list.value.trim()}\n${line}` : line;
  });
})();
