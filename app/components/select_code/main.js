// Select-to-code: a Streamlit custom component written by hand (no build step, no network).
// It speaks Streamlit's component protocol through postMessage: it announces "streamlit:componentReady", receives
// "streamlit:render" with the arguments, and answers with "streamlit:setComponentValue" and "streamlit:setFrameHeight".
// Offsets: the browser counts UTF-16 units; the project counts code points (Python string indices). Every span sent
// back is converted, so text[start:end] in Python is exactly the selected text.
// Project text is hostile: it is only ever assigned with textContent (never innerHTML).
"use strict";

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#393b79", "#637939"];
const MAXCOLS = 8;  // stripe columns in the margin (more codes share the last one)
let args = null, sig = null, turns = [], codings = [], codes = [], byId = new Map();
let sel = null;          // {start, end, text}: the pending selection, in code points
let chosen = [];         // codes picked for it
let active = 0, shown = [];

function send(type, data) {
  window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, data || {}), "*");
}
function setValue(value) {
  value.nonce = Date.now() + "-" + Math.random().toString(36).slice(2, 8);
  send("streamlit:setComponentValue", {value: value, dataType: "json"});
}
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

// --- code points <-> UTF-16 --------------------------------------------------------------------------------------
function hasAstral(s) { return /[\uD800-\uDFFF]/.test(s); }
function u16ToCp(s, u) {  // the number of code points in s.slice(0, u)
  if (!hasAstral(s)) return u;
  let n = 0;
  for (let i = 0; i < u && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < u) i++;
    n++;
  }
  return n;
}
function cpToU16(s, cp) {  // the UTF-16 index of code point cp in s
  if (!hasAstral(s)) return cp;
  let u = 0;
  for (let n = 0; n < cp && u < s.length; n++) {
    const c = s.charCodeAt(u);
    u += (c >= 0xD800 && c <= 0xDBFF && u + 1 < s.length) ? 2 : 1;
  }
  return u;
}
function cpSlice(s, a, b) { return s.slice(cpToU16(s, a), cpToU16(s, b)); }

function colorOf(code) {
  const i = codes.findIndex(c => c.id === code);
  if (i >= 0) return PALETTE[i % PALETTE.length];
  let h = 0;
  for (const ch of code) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}
function alpha(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

// --- drawing -----------------------------------------------------------------------------------------------------
function render() {
  const scroll = document.getElementById("scroll");
  const keep = scroll.scrollTop;
  const root = document.getElementById("turns");
  root.textContent = "";
  byId = new Map(codings.map(c => [c.id, {c: c, els: []}]));
  const cols = [...new Set(codings.map(c => c.code_id))];
  const width = Math.min(cols.length, MAXCOLS) * 13 + (cols.length ? 8 : 0);
  root.style.marginLeft = width + "px";
  turns.forEach((t, i) => {
    const row = el("div", "turn " + (t.role || ""));
    row.appendChild(el("div", "sp", t.speaker));
    const tx = el("div", "tx");
    tx.dataset.i = String(i);
    const over = codings.filter(c => c.end > t.start && c.start < t.end);
    const cuts = new Set([0, t.end - t.start]);
    for (const c of over) {
      cuts.add(Math.max(0, c.start - t.start));
      cuts.add(Math.min(t.end - t.start, c.end - t.start));
    }
    const pts = [...cuts].sort((a, b) => a - b);
    for (let k = 0; k + 1 < pts.length; k++) {
      const a = pts[k], b = pts[k + 1];
      const piece = cpSlice(t.text, a, b);
      const here = over.filter(c => c.start - t.start < b && c.end - t.start > a);
      if (!here.length) { tx.appendChild(document.createTextNode(piece)); continue; }
      const span = el("span", "hl", piece);
      span.dataset.ids = here.map(c => c.id).join(" ");
      const col = colorOf(here[0].code_id);
      span.style.backgroundColor = alpha(col, 0.22);
      if (here.length > 1) span.style.boxShadow = `inset 0 -3px 0 ${alpha(colorOf(here[1].code_id), 0.8)}`;
      span.title = here.map(c => `${c.code_id} ${c.label} (${c.coder})`).join("\n");
      for (const c of here) byId.get(c.id).els.push(span);
      tx.appendChild(span);
    }
    row.appendChild(tx);
    root.appendChild(row);
  });
  requestAnimationFrame(() => { drawStripes(cols); scroll.scrollTop = keep; });
}

function drawStripes(cols) {
  const box = document.getElementById("stripes");
  box.textContent = "";
  const doc = document.getElementById("doc").getBoundingClientRect();
  for (const {c, els} of byId.values()) {
    if (!els.length) continue;
    let top = Infinity, bottom = -Infinity;
    for (const e of els) for (const r of e.getClientRects()) { top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom); }
    if (!isFinite(top)) continue;
    const s = el("div", "stripe");
    s.style.left = Math.min(cols.indexOf(c.code_id), MAXCOLS - 1) * 13 + "px";
    s.style.top = (top - doc.top) + "px";
    s.style.height = Math.max(6, bottom - top) + "px";
    s.style.backgroundColor = colorOf(c.code_id);
    s.title = `${c.code_id} ${c.label} · ${c.coder}`;
    s.dataset.ids = String(c.id);
    if (bottom - top > 28) s.appendChild(el("span", null, c.code_id));
    box.appendChild(s);
  }
}

function layout() {
  const h = (args && args.height) || 600;
  document.getElementById("scroll").style.height = (h - 31) + "px";
  send("streamlit:setFrameHeight", {height: h});
}

function toolbar() {
  const hint = document.getElementById("hint");
  hint.textContent = args.mode === "memo" ? "Select any text to write a memo on it."
    : "Select any text (within a turn or across turns) to code it; click a highlight or a stripe to see its codings."
      + (args.blind ? " Blind: only your own codings are shown." : "");
  const last = document.getElementById("last");
  last.textContent = "";
  if (args.last && args.last.decision) {
    last.appendChild(el("span", null, args.last.label || "Last action"));
    const b = el("button", null, "Undo");
    b.id = "undo-last";
    b.addEventListener("click", () => setValue({action: "undo", decision: args.last.decision}));
    last.appendChild(b);
  }
}

// --- selection -> offsets ----------------------------------------------------------------------------------------
function txOf(node) {
  const e = node.nodeType === 1 ? node : node.parentElement;
  return e && e.closest ? e.closest(".tx") : null;
}
function pointOffset(node, off, isEnd) {
  const tx = txOf(node);
  if (tx) {
    const r = document.createRange();
    r.setStart(tx, 0);
    r.setEnd(node, off);
    const t = turns[+tx.dataset.i];
    return t.start + u16ToCp(t.text, r.toString().length);
  }
  const all = [...document.querySelectorAll(".tx")];
  const cmp = all.map(x => { const r = document.createRange(); r.selectNodeContents(x); return r.comparePoint(node, off); });
  if (!isEnd) {  // the first turn not before the point
    const i = cmp.findIndex(v => v <= 0);
    return i < 0 ? null : turns[+all[i].dataset.i].start;
  }
  let j = -1;
  cmp.forEach((v, i) => { if (v >= 0) j = i; });
  return j < 0 ? null : turns[+all[j].dataset.i].end;
}

function onMouseUp(ev) {
  if (ev.target.closest && ev.target.closest(".pop")) return;
  const s = window.getSelection();
  if (!s || s.rangeCount === 0 || s.isCollapsed) {
    const hit = ev.target.closest && ev.target.closest("[data-ids]");
    if (hit) showInfo(hit.dataset.ids.split(" ").map(Number), ev);
    return;
  }
  const range = s.getRangeAt(0);
  const root = document.getElementById("turns");
  if (!root.contains(range.commonAncestorContainer) && !range.intersectsNode(root)) return;
  const a = pointOffset(range.startContainer, range.startOffset, false);
  const b = pointOffset(range.endContainer, range.endOffset, true);
  if (a === null || b === null || b <= a) return;
  const text = s.toString();
  if (!text.trim()) return;
  sel = {start: a, end: b, text: text};
  markPending(range);
  openPicker(range.getBoundingClientRect());
}

function markPending(range) {
  clearPending();
  if (window.CSS && CSS.highlights && window.Highlight) CSS.highlights.set("pending", new Highlight(range.cloneRange()));
}
function clearPending() {
  if (window.CSS && CSS.highlights) CSS.highlights.delete("pending");
}

function place(pop, rect) {
  pop.hidden = false;
  const h = pop.offsetHeight, w = pop.offsetWidth;
  let top = rect.bottom + 6;
  if (top + h > window.innerHeight - 4) top = Math.max(34, rect.top - h - 6);
  pop.style.top = Math.max(34, Math.min(top, window.innerHeight - h - 4)) + "px";
  pop.style.left = Math.max(4, Math.min(rect.left, window.innerWidth - w - 8)) + "px";
}

// --- the code picker ---------------------------------------------------------------------------------------------
function openPicker(rect) {
  document.getElementById("info").hidden = true;
  chosen = [];
  const memo = args.mode === "memo";
  document.getElementById("p-code").hidden = memo;
  document.getElementById("p-memo").hidden = !memo;
  document.getElementById("apply").textContent = memo ? "Save memo" : "Code selection";
  const q = sel.text.replace(/\s+/g, " ").trim();
  document.getElementById("p-quote").textContent =
    `“${q.length > 160 ? q.slice(0, 157) + "…" : q}” · characters ${sel.start}-${sel.end}`;
  document.getElementById("q").value = "";
  document.getElementById("memo").value = "";
  active = 0;
  fillList();
  place(document.getElementById("picker"), rect);
  (memo ? document.getElementById("memo") : document.getElementById("q")).focus();
}
function closePicker() {
  document.getElementById("picker").hidden = true;
  sel = null;
  clearPending();
}
function fillList() {
  const words = document.getElementById("q").value.toLowerCase().split(/\s+/).filter(Boolean);
  shown = codes.filter(c => {
    const hay = `${c.id} ${c.label} ${c.category} ${c.definition || ""}`.toLowerCase();
    return words.every(w => hay.includes(w));
  }).slice(0, 80);
  active = Math.max(0, Math.min(active, shown.length - 1));
  const list = document.getElementById("list");
  list.textContent = "";
  shown.forEach((c, i) => {
    const o = el("div", "opt" + (i === active ? " active" : "") + (chosen.includes(c.id) ? " chosen" : ""));
    o.setAttribute("role", "option");
    o.dataset.code = c.id;
    o.appendChild(el("span", "cat", `${c.recent ? "★ " : ""}${c.category} › `));
    o.appendChild(el("b", null, c.id));
    o.appendChild(document.createTextNode(" " + c.label));
    o.addEventListener("mousedown", e => { e.preventDefault(); toggle(c.id); });
    list.appendChild(o);
  });
  const act = list.children[active];
  if (act) act.scrollIntoView({block: "nearest"});
  const chips = document.getElementById("chips");
  chips.textContent = "";
  for (const id of chosen) {
    const ch = el("span", "chip", id + " ×");
    ch.title = "Remove from the choice";
    ch.addEventListener("mousedown", e => { e.preventDefault(); toggle(id); });
    chips.appendChild(ch);
  }
  document.getElementById("apply").disabled = args.mode !== "memo" && !chosen.length;
}
function toggle(id) {
  chosen = chosen.includes(id) ? chosen.filter(x => x !== id) : chosen.concat([id]);
  document.getElementById("q").value = "";
  fillList();
  document.getElementById("q").focus();
}
function apply() {
  if (!sel) return;
  if (args.mode === "memo") {
    const text = document.getElementById("memo").value;
    if (!text.trim()) return;
    setValue({action: "memo", start: sel.start, end: sel.end, text: text, selected: sel.text});
  } else {
    if (!chosen.length) return;
    setValue({action: "code", start: sel.start, end: sel.end, codes: chosen.slice(), selected: sel.text});
  }
  document.getElementById("picker").hidden = true;
}
function onKey(e) {
  if (e.key === "Escape") { closePicker(); return; }
  if (e.target.id === "memo") {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); apply(); }
    return;
  }
  if (e.key === "ArrowDown") { e.preventDefault(); active = Math.min(active + 1, shown.length - 1); fillList(); }
  else if (e.key === "ArrowUp") { e.preventDefault(); active = Math.max(active - 1, 0); fillList(); }
  else if (e.key === "Enter") {
    e.preventDefault();
    const q = document.getElementById("q").value.trim();
    if ((e.ctrlKey || e.metaKey) || (!q && chosen.length)) {
      if (!chosen.length && shown[active]) chosen.push(shown[active].id);
      apply();
    } else if (shown[active]) toggle(shown[active].id);
  } else if (e.key === "Backspace" && !document.getElementById("q").value && chosen.length) {
    chosen.pop(); fillList();
  }
}

// --- what is coded here ------------------------------------------------------------------------------------------
function excerpt(c) {
  const t = turns.find(x => x.end > c.start && x.start <= c.start) || turns.find(x => x.start >= c.start);
  if (!t) return "";
  const s = cpSlice(t.text, Math.max(0, c.start - t.start), Math.min(t.end, c.end) - t.start).replace(/\s+/g, " ");
  return (s.length > 140 ? s.slice(0, 137) + "…" : s) + (c.end > t.end ? " …" : "");
}
function showInfo(ids, ev) {
  document.getElementById("picker").hidden = true;
  const list = document.getElementById("info-list");
  list.textContent = "";
  for (const id of ids) {
    const e = byId.get(id);
    if (!e) continue;
    const c = e.c;
    const it = el("div", "item");
    const sw = el("div", "sw");
    sw.style.backgroundColor = colorOf(c.code_id);
    it.appendChild(sw);
    const what = el("div", "what");
    what.appendChild(el("b", null, c.code_id));
    what.appendChild(document.createTextNode(` ${c.label} · ${c.coder} · ${c.origin}`));
    what.appendChild(el("div", "ex", excerpt(c)));
    it.appendChild(what);
    if (c.mine && args.mode !== "memo") {
      const b = el("button", null, "Remove");
      b.dataset.coding = String(c.id);
      b.addEventListener("click", () => { setValue({action: "remove", coding: c.id}); document.getElementById("info").hidden = true; });
      it.appendChild(b);
    }
    list.appendChild(it);
  }
  place(document.getElementById("info"), {left: ev.clientX, top: ev.clientY, bottom: ev.clientY});
}

// --- protocol ----------------------------------------------------------------------------------------------------
window.addEventListener("message", ev => {
  const d = ev.data;
  if (!d || d.type !== "streamlit:render") return;
  args = d.args || {};
  layout();
  toolbar();
  if (args.sig !== sig) {
    sig = args.sig;
    turns = args.turns || [];
    codings = args.codings || [];
    codes = args.codes || [];
    closePicker();
    document.getElementById("info").hidden = true;
    render();
  }
});
document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("turns").addEventListener("mouseup", onMouseUp);
  document.getElementById("stripes").addEventListener("click", e => {
    const s = e.target.closest(".stripe");
    if (s) showInfo([Number(s.dataset.ids)], e);
  });
  document.getElementById("q").addEventListener("input", () => { active = 0; fillList(); });
  document.getElementById("q").addEventListener("keydown", onKey);
  document.getElementById("memo").addEventListener("keydown", onKey);
  document.getElementById("apply").addEventListener("click", apply);
  document.getElementById("cancel").addEventListener("click", closePicker);
  document.getElementById("info-close").addEventListener("click", () => { document.getElementById("info").hidden = true; });
  document.addEventListener("keydown", e => { if (e.key === "Escape") { closePicker(); document.getElementById("info").hidden = true; } });
  window.addEventListener("resize", () => { if (turns.length) drawStripes([...new Set(codings.map(c => c.code_id))]); });
  send("streamlit:componentReady", {apiVersion: 1});
});
