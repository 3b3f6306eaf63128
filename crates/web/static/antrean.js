// Lapak, walk-in pages (the ticket page, the queue board): their live parts (`data-live`,
// its value the seconds between updates) are updated in place rather than by reloading the
// page, so a screen reader hears the change (the ticket's status is role="status") and
// keeps its place, and nothing on the page jumps. A phone brought back to this page updates
// it at once. Without JavaScript the pages reload themselves (a refresh inside <noscript>)
// and say the same.
//
// On the kiosk's own screen the ticket page goes back to taking a number after a minute,
// for the next person. Twenty seconds before, it says so, with a button that gives another
// minute (WCAG 2.2.1: a time limit the person can extend).
"use strict";
(() => {
  const live = [...document.querySelectorAll("[data-live]")];
  const EVERY = Math.min(...live.map((part) => Number(part.dataset.live) || 30)) * 1000;
  const update = async () => {
    try {
      const response = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const part of live) {
        const fresh = page.getElementById(part.id);
        if (fresh && fresh.innerHTML !== part.innerHTML) part.innerHTML = fresh.innerHTML;
      }
    } catch {
      // Offline for a moment: the next round tries again.
    }
  };
  if (live.length && window.fetch && window.DOMParser) {
    let timer;
    const next = () => {
      clearTimeout(timer);
      timer = setTimeout(() => update().then(next), EVERY);
    };
    next();
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") update().then(next);
    });
  }

  const leaving = document.getElementById("kiosk-return");
  if (leaving) {
    const after = Number(leaving.dataset.after) * 1000;
    const warn = Number(leaving.dataset.warn) * 1000;
    // The moment the page goes back, kept on the element (a test may bring it closer).
    leaving.dataset.deadline = String(Date.now() + after);
    document.getElementById("kiosk-stay").addEventListener("click", () => {
      leaving.dataset.deadline = String(Date.now() + after);
      leaving.hidden = true;
    });
    setInterval(() => {
      const left = Number(leaving.dataset.deadline) - Date.now();
      if (left <= 0) location.assign(leaving.dataset.back);
      else if (left <= warn) leaving.hidden = false;
    }, 1000);
  }
})();
