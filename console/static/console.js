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
