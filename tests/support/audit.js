// The page checks the browser tests run on every page they visit: what "fits a 360-pixel
// phone, stays light, usable with a keyboard and a screen reader" means in checkable terms.
// Run through WebDriver's "execute script" in the page; returns the problems found, each a
// line a person can act on (an empty list: none found).
//
// Written by hand: the audit engines (axe-core and the like) are JavaScript packages that
// would have to be vendored; these are the checks that matter for Lapak's pages, after
// WCAG 2.2 level AA (1.1.1, 1.3.1, 1.4.3, 1.4.10, 2.4.2, 2.4.6, 2.5.8, 3.1.1, 3.3.1, 3.3.2,
// 4.1.2), with the tap targets of the UX budget (44 pixels).
const problems = [];
const doc = document;
const visible = (el) => {
  const s = getComputedStyle(el);
  if (s.display === "none" || s.visibility === "hidden") return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 || r.height > 0;
};
const text = (el) => (el ? el.textContent.replace(/\s+/g, " ").trim() : "");
const brief = (el) => el.outerHTML.replace(/\s+/g, " ").slice(0, 140);

// 3.1.1: the page says its language; 2.4.2: it has a title; the phone's width is used.
const lang = doc.documentElement.getAttribute("lang");
if (lang !== "id" && lang !== "en") problems.push(`<html lang> is ${JSON.stringify(lang)}, not id or en`);
if (!doc.title.trim()) problems.push("the page has no title");
// A page that shows an error says so in its title, which a screen reader reads first.
const summary = doc.querySelector(".error-summary");
if (summary && visible(summary) && !/^(Galat|Error): /.test(doc.title)) {
  problems.push(`the page shows errors but its title does not say so: ${doc.title}`);
}
const viewport = doc.querySelector("meta[name=viewport]");
if (!viewport || !/width=device-width/.test(viewport.content)) problems.push("no viewport meta with width=device-width");

// 1.4.10: nothing scrolls sideways on a 360-pixel screen. Measured against the layout
// viewport (the root's client width): a phone zooms out to show a page wider than that, so
// the window's own width would grow with the page.
const screenWidth = doc.documentElement.clientWidth;
if (doc.documentElement.scrollWidth > screenWidth) {
  const wide = [...doc.body.querySelectorAll("*")]
    .filter((el) => visible(el) && el.getBoundingClientRect().right > screenWidth + 1)
    .map(brief)
    .slice(0, 3);
  problems.push(`the page is ${doc.documentElement.scrollWidth} px wide on a ${screenWidth} px screen: ${wide.join(" | ")}`);
}

// Everything but the staff's pages works without JavaScript: there is none to need, but for
// the ticket page and the queue board, which may load their enhancement (their live parts
// updated in place of a reload) and work without it. No inline script or handler anywhere.
if (!location.pathname.startsWith("/staf")) {
  const live = /^\/(tiket\/[^/]+|cabang\/[^/]+\/antrean)$/.test(location.pathname);
  const scripts = [...doc.querySelectorAll("script")].filter((s) => !(live && s.getAttribute("src") === "/static/antrean.js")).length;
  const handlers = [...doc.querySelectorAll("*")].filter((el) => [...el.attributes].some((a) => a.name.startsWith("on")));
  if (scripts || handlers.length) problems.push(`a participant's page with ${scripts} scripts and ${handlers.length} inline handlers`);
}

// 1.3.1 / 2.4.6: one main region, one h1, headings that do not skip a level. An error
// summary's heading (h2, in a role=alert box above the h1, where it is read first) is left
// out of the order, as in the GOV.UK pattern the pages follow.
if (doc.querySelectorAll("main").length !== 1) problems.push(`${doc.querySelectorAll("main").length} <main> elements`);
const headings = [...doc.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(
  (h) => visible(h) && !h.closest("[role=alert]"),
);
const h1s = headings.filter((h) => h.tagName === "H1").length;
if (h1s !== 1) problems.push(`${h1s} visible h1 headings`);
let previous = 0;
for (const h of headings) {
  const level = Number(h.tagName[1]);
  if (previous === 0 && level !== 1) problems.push(`the first heading is h${level}: ${text(h)}`);
  if (previous !== 0 && level > previous + 1) problems.push(`heading jumps from h${previous} to h${level}: ${text(h)}`);
  if (!text(h)) problems.push(`empty heading: ${brief(h)}`);
  previous = level;
}

// A claim or ticket number, read out on the phone, stays on one line.
for (const el of doc.querySelectorAll(".claim-number")) {
  if (el.getClientRects().length > 1) problems.push(`the number ${text(el)} breaks across lines`);
}

// 3.3.1: the error summary lists each problem once, in the order of the fields, each
// link leading to its field.
if (summary) {
  const items = [...summary.querySelectorAll("li")].map(text);
  const repeated = items.filter((t, i) => items.indexOf(t) !== i);
  if (repeated.length) problems.push(`the error summary says the same twice: ${repeated[0]}`);
  const targets = [...summary.querySelectorAll("a[href^='#']")].map((a) => doc.getElementById(a.getAttribute("href").slice(1)));
  if (targets.some((t) => !t)) problems.push("an error summary link leads to no field");
  const shown = targets.filter(Boolean);
  const inOrder = shown.every((t, i) => i === 0 || shown[i - 1].compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING);
  if (!inOrder) problems.push(`the error summary is not in the order of the fields: ${items.join(" / ")}`);
  // The same message stands next to a field the summary leads to, and the field is
  // marked invalid (a group of radios carries it on its fieldset, checked below).
  for (const t of shown.filter((t) => t.matches("input:not([type=radio]):not([type=checkbox]), select, textarea"))) {
    if (t.getAttribute("aria-invalid") !== "true") problems.push(`a field the error summary names is not marked invalid: ${brief(t)}`);
  }
}

// Ids are unique and every reference names one that exists.
const seen = new Set();
for (const el of doc.querySelectorAll("[id]")) {
  if (seen.has(el.id)) problems.push(`duplicate id ${el.id}`);
  seen.add(el.id);
}
for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls", "for"]) {
  for (const el of doc.querySelectorAll(`[${attr}]`)) {
    for (const id of el.getAttribute(attr).split(/\s+/).filter(Boolean)) {
      if (!doc.getElementById(id)) problems.push(`${attr}="${id}" names no element: ${brief(el)}`);
    }
  }
}

// 3.3.2 / 4.1.2: every control has a name; 3.3.1: an invalid one has its error tied to it.
const labelled = (el) => {
  const byLabel = el.labels ? [...el.labels].map(text).join(" ") : "";
  const byRef = (el.getAttribute("aria-labelledby") || "")
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => text(doc.getElementById(id)))
    .join(" ");
  return (byLabel + " " + byRef + " " + (el.getAttribute("aria-label") || "")).trim();
};
for (const el of doc.querySelectorAll("input, select, textarea")) {
  if (el.type === "hidden") continue;
  if (el.type === "submit" || el.type === "button") {
    if (!(el.value || el.getAttribute("aria-label"))) problems.push(`button without text: ${brief(el)}`);
    continue;
  }
  if (!labelled(el)) problems.push(`control without a label: ${brief(el)}`);
  if (el.getAttribute("aria-invalid") === "true") {
    const tied = (el.getAttribute("aria-describedby") || "")
      .split(/\s+/)
      .map((id) => doc.getElementById(id))
      .filter((d) => d && text(d));
    if (tied.length === 0) problems.push(`invalid field without its error tied to it: ${brief(el)}`);
  }
  if (el.type === "radio" || el.type === "checkbox") {
    const group = doc.querySelectorAll(`input[type=${el.type}][name="${CSS.escape(el.name)}"]`).length;
    const fieldset = el.closest("fieldset");
    if (group > 1 && !(fieldset && text(fieldset.querySelector("legend")))) {
      problems.push(`${el.type} group ${el.name} is not in a fieldset with a legend`);
    }
  }
}
// A field's error message is tied to it (read with it) and its control is marked invalid
// (a group of radios carries the message on its fieldset).
for (const err of doc.querySelectorAll(".field .error-message, .field .error")) {
  if (!visible(err)) continue;
  const field = err.closest(".field");
  const described = [...field.querySelectorAll("[aria-describedby]")].some((el) =>
    el.getAttribute("aria-describedby").split(/\s+/).includes(err.id),
  );
  if (!err.id || !described) problems.push(`error message not tied to its field: ${text(err)}`);
  const controls = [...field.querySelectorAll("input:not([type=hidden]), select, textarea")];
  const group = controls.length > 0 && controls.every((c) => c.type === "radio" || c.type === "checkbox");
  if (!group && !controls.some((c) => c.getAttribute("aria-invalid") === "true")) {
    problems.push(`field with an error not marked aria-invalid: ${text(err)}`);
  }
}
for (const el of doc.querySelectorAll("button, a[href]")) {
  const alt = [...el.querySelectorAll("img[alt], svg[aria-label]")]
    .map((i) => i.getAttribute("alt") || i.getAttribute("aria-label"))
    .join("");
  if (!(text(el) || el.getAttribute("aria-label") || alt)) problems.push(`button or link without text: ${brief(el)}`);
}
for (const el of doc.querySelectorAll("[tabindex]")) {
  if (Number(el.getAttribute("tabindex")) > 0) problems.push(`positive tabindex changes the keyboard order: ${brief(el)}`);
}

// 1.1.1: images say what they show (or that they are decoration).
for (const img of doc.querySelectorAll("img")) {
  if (!img.hasAttribute("alt")) problems.push(`image without alt: ${brief(img)}`);
}
for (const svg of doc.querySelectorAll("svg")) {
  const decorative = svg.getAttribute("aria-hidden") === "true";
  const named = svg.getAttribute("aria-label") || svg.getAttribute("aria-labelledby") || svg.querySelector("title");
  if (!decorative && !(svg.getAttribute("role") === "img" && named) && !svg.closest("[aria-hidden=true]")) {
    problems.push(`inline svg neither named (role=img with a label) nor hidden: ${brief(svg)}`);
  }
}

// Tap targets of at least 44 by 44 CSS pixels (Lapak's budget for people on cheap phones;
// WCAG 2.5.8 asks 24): every control, and every link that stands alone (the whole text of
// its block, like "Ubah" beside an answer, or an item of a row), not a link inside a
// sentence. A radio or checkbox is reached through its label and measured by its row.
const block = (el) => {
  for (let e = el.parentElement; e; e = e.parentElement) {
    if (!getComputedStyle(e).display.startsWith("inline")) return e;
  }
  return doc.body;
};
// A link stands alone when it is its block's whole text, or an item of a flex or grid
// layout (a row of the task list, the header).
const alone = (a) => {
  const b = block(a);
  return text(b) === text(a) || /flex|grid/.test(getComputedStyle(b).display);
};
const targets = [...doc.querySelectorAll("button, input:not([type=hidden]), select, textarea, a[href]")].filter(
  (el) => visible(el) && !el.classList.contains("skip") && (el.tagName !== "A" || el.classList.contains("button") || alone(el)),
);
for (const el of targets) {
  const throughLabel = (el.type === "radio" || el.type === "checkbox") && el.labels && el.labels.length > 0;
  const r = (throughLabel ? el.labels[0].closest(".radio, .checkbox") || el.labels[0] : el).getBoundingClientRect();
  if (r.width < 44 || r.height < 44) {
    problems.push(`tap target smaller than 44x44 px (${Math.round(r.width)}x${Math.round(r.height)}): ${brief(el)}`);
  }
}

// 1.4.3: text contrast of at least 4.5:1 (3:1 for large text), against the first opaque
// background behind it.
const rgba = (c) => {
  const m = c.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const p = m[1].split(/[,\s/]+/).filter(Boolean).map(Number);
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
};
const luminance = ({ r, g, b }) => {
  const f = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const background = (el) => {
  for (let e = el; e; e = e.parentElement) {
    const s = getComputedStyle(e);
    if (s.backgroundImage && s.backgroundImage !== "none") return null;
    const c = rgba(s.backgroundColor);
    if (c && c.a >= 1) return c;
  }
  return { r: 255, g: 255, b: 255, a: 1 };
};
const contrastChecked = new Set();
for (const node of doc.body.querySelectorAll("*")) {
  const own = [...node.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!own || !visible(node)) continue;
  const s = getComputedStyle(node);
  const fg = rgba(s.color);
  const bg = background(node);
  if (!fg || !bg || fg.a < 1) continue;
  const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  const ratio = (hi + 0.05) / (lo + 0.05);
  const size = parseFloat(s.fontSize);
  const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
  const key = `${s.color} on ${JSON.stringify(bg)}`;
  if (ratio < (large ? 3 : 4.5) && !contrastChecked.has(key)) {
    contrastChecked.add(key);
    problems.push(`contrast ${ratio.toFixed(2)}:1 for ${s.color} on rgb(${bg.r}, ${bg.g}, ${bg.b}): ${text(node).slice(0, 60)}`);
  }
}

return problems;
