// The console's own script (no inline scripts: the CSP allows 'self' only).
// New arrivals in the inbox: a count in the page title and, if the operator turned it on, a beep.
// Keyboard: g then i / q / a goes to the inbox / queue / admin; "/" focuses the reply box.
(() => {
  "use strict";
  const title = document.getElementById("page-title");
  const baseTitle = title ? title.dataset.baseTitle : document.title;
  let unseen = 0;

  function showBadge() {
    document.title = unseen > 0 ? `(${unseen}) ${baseTitle}` : baseTitle;
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

  // The inbox fragment says how many conversations wait (data-waiting) and the newest id.
  let lastNewest = null;
  document.addEventListener("htmx:afterSwap", (event) => {
    const box = event.detail.target.closest ? event.detail.target.closest("[data-inbox]") : null;
    const list = box || document.querySelector("[data-inbox]");
    if (!list) return;
    const rows = list.querySelector("[data-newest]");
    const newest = rows ? rows.dataset.newest : null;
    if (lastNewest !== null && newest && newest !== lastNewest) {
      if (document.hidden) { unseen += 1; showBadge(); }
      beep();
    }
    lastNewest = newest;
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) { unseen = 0; showBadge(); }
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
