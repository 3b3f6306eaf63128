// Lapak, officer's session page: a decision is saved without reloading the page. The form
// posts as usual; the answer (the session page) gives the new version of that seat, which
// replaces the old one, and focus moves to the next seat still open. Without JavaScript
// (or on any failure) the form submits normally.
"use strict";
document.addEventListener("submit", async (event) => {
  const form = event.target;
  const seat = form.closest("section.seat");
  if (!seat || !window.fetch || !window.DOMParser) return;
  event.preventDefault();
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById(seat.id);
    const notice = page.querySelector(".notice");
    if (!fresh || !notice) throw new Error("unexpected answer");
    seat.replaceWith(fresh);
    const old = document.querySelector("main .notice");
    if (old) old.replaceWith(notice); else document.querySelector("main h1").after(notice);
    const next = document.querySelector("section.seat form input[type=radio]");
    if (next) next.focus();
  } catch (_) {
    form.submit();
  }
});
