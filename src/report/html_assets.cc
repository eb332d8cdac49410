#include "report/html_assets.h"

namespace kg::report::html_assets {

// System fonts only: a web font would be a request leaving the file.
const std::string_view kStyle = R"css(
:root{--fg:#1d232b;--muted:#5b6673;--line:#d9dee4;--bg:#f6f7f9;--card:#fff;
--critical:#7b1fa2;--high:#c62828;--medium:#c76a00;--low:#0277bd;--info:#6b7480}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
header{background:#16202c;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:20px}
header .sub{color:#b9c4d0;margin:2px 0 8px;word-break:break-all}
nav a{color:#cfe3ff;margin-right:16px;text-decoration:none}
nav a:hover{text-decoration:underline}
main{padding:0 24px 40px;max-width:1700px}
section{margin-top:22px}
h2{font-size:17px;margin:0 0 10px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--info);border-radius:6px;padding:8px 16px;min-width:120px}
.card b{display:block;font-size:26px;line-height:1.1}
.card.critical{border-left-color:var(--critical)}.card.high{border-left-color:var(--high)}
.card.medium{border-left-color:var(--medium)}.card.low{border-left-color:var(--low)}
.facts{color:var(--muted);margin:10px 0 0}
.verdict{font-weight:600}.verdict.fail{color:var(--high)}.verdict.pass{color:#2e7d32}
.filters{position:sticky;top:0;z-index:2;background:var(--bg);border-bottom:1px solid var(--line);padding:8px 0;display:flex;flex-wrap:wrap;gap:14px;align-items:center}
.filters input[type=search]{padding:4px 8px;min-width:240px;border:1px solid var(--line);border-radius:4px}
.filters select{padding:3px 6px}
#f-count{color:var(--muted);margin-left:auto}
#f-tech{background:#fff3cd;border:1px solid #e8c65a;border-radius:12px;padding:1px 6px 1px 10px}
#f-tech button{border:0;background:none;cursor:pointer;font-size:14px}
.scroll{overflow-x:auto}
table.matrix{border-collapse:separate;border-spacing:4px;table-layout:fixed;min-width:1150px;width:100%}
table.matrix th{background:#16202c;color:#fff;font-size:12px;padding:6px 4px;border-radius:4px}
table.matrix td{vertical-align:top;padding:5px 6px;border-radius:4px;font-size:12px;height:54px;border:1px solid transparent}
table.matrix td.t{cursor:pointer}
table.matrix td.t:hover,table.matrix td.t:focus{outline:2px solid #16202c}
table.matrix td.t.sel{outline:3px solid #1565c0}
table.matrix td .id{display:block;font-size:10px;opacity:.75}
table.matrix td .c{float:right;font-weight:700;font-size:13px}
td.na{background:#f1f2f4;color:#8a939e;border:1px dashed #cfd4da}
td.h0{background:#e3f1e4}
td.h1{background:#fde9a9}td.h2{background:#fbc96b}td.h3{background:#f59745}
td.h4{background:#e4572e;color:#fff}td.h5{background:#a3122a;color:#fff}
.legend{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px;color:var(--muted);font-size:12px;align-items:center}
.legend span.k{display:inline-block;width:18px;height:12px;border-radius:3px;vertical-align:middle;margin-right:4px}
.k.na{background:#f1f2f4;border:1px dashed #cfd4da}.k.h0{background:#e3f1e4}.k.h1{background:#fde9a9}
.k.h2{background:#fbc96b}.k.h3{background:#f59745}.k.h4{background:#e4572e}.k.h5{background:#a3122a}
.obj,.rule{background:var(--card);border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:8px 12px}
.obj h3,.rule h3{font-size:14px;margin:2px 0 6px;word-break:break-word}
.file{color:var(--muted);font-weight:400;font-size:12px;margin-left:8px}
table.findings{border-collapse:collapse;width:100%}
table.findings td{border-top:1px solid var(--line);padding:4px 6px;vertical-align:top}
table.findings td:first-child{width:86px}table.findings td:nth-child(2){width:120px;white-space:nowrap}
.path{color:var(--muted);font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
.sev{display:inline-block;min-width:70px;text-align:center;color:#fff;border-radius:3px;font-size:11px;font-weight:700;padding:1px 6px;background:var(--info)}
.sev.critical{background:var(--critical)}.sev.high{background:var(--high)}.sev.medium{background:var(--medium)}.sev.low{background:var(--low)}
tr.supp,li.supp{opacity:.55}
.tag{font-size:11px;border:1px solid var(--line);border-radius:3px;padding:0 4px;margin-left:6px;color:var(--muted)}
.rule p{margin:4px 0}
.refs{margin:4px 0;padding-left:18px;color:var(--muted)}
.rule ul.hits{margin:4px 0;padding-left:18px}
.more{color:var(--muted);font-style:italic}
.errors li{color:var(--high)}
footer{color:var(--muted);font-size:12px;margin-top:30px}
[hidden]{display:none !important}
a{color:#1565c0}
)css";

// Filters act on data attributes the report writes on every finding; the
// page reads fully without the script.
const std::string_view kScript = R"js(
(function () {
  'use strict';
  var all = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var byId = function (id) { return document.getElementById(id); };
  var tech = '';
  function state() {
    var sev = {};
    all('input.f-sev').forEach(function (c) { if (c.checked) sev[c.value] = true; });
    return { sev: sev, supp: byId('f-supp').checked, ns: byId('f-ns').value,
             text: byId('f-text').value.trim().toLowerCase(), tech: tech };
  }
  function match(el, st) {
    var d = el.dataset;
    if (!st.sev[d.sev]) return false;
    if (d.supp === '1' && !st.supp) return false;
    if (st.ns && d.ns !== st.ns) return false;
    if (st.tech && (' ' + d.tech + ' ').indexOf(' ' + st.tech + ' ') < 0) return false;
    if (st.text && el.textContent.toLowerCase().indexOf(st.text) < 0) return false;
    return true;
  }
  function apply() {
    var st = state(), shown = 0, total = 0;
    all('tr.f').forEach(function (r) { var m = match(r, st); r.hidden = !m; total++; if (m) shown++; });
    all('div.obj').forEach(function (g) { g.hidden = !g.querySelector('tr.f:not([hidden])'); });
    all('li.f').forEach(function (li) { li.hidden = !match(li, st); });
    all('article.rule').forEach(function (a) {
      var d = a.dataset, on = !!st.sev[d.sev] && (!st.tech || (' ' + d.tech + ' ').indexOf(' ' + st.tech + ' ') >= 0);
      a.hidden = !on || (a.querySelector('li.f') !== null && !a.querySelector('li.f:not([hidden])'));
    });
    byId('f-count').textContent = shown + ' of ' + total + ' findings shown';
    var chip = byId('f-tech');
    chip.hidden = !st.tech;
    chip.querySelector('b').textContent = st.tech;
    all('td.t').forEach(function (c) { c.classList.toggle('sel', c.dataset.tech === st.tech); });
  }
  function pick(cell) {
    tech = (tech === cell.dataset.tech) ? '' : cell.dataset.tech;
    apply();
  }
  all('input.f-sev, #f-supp, #f-ns').forEach(function (i) { i.addEventListener('change', apply); });
  byId('f-text').addEventListener('input', apply);
  byId('f-tech-clear').addEventListener('click', function () { tech = ''; apply(); });
  all('td.t').forEach(function (c) {
    c.addEventListener('click', function () { pick(c); });
    c.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(c); } });
  });
  apply();
})();
)js";

const std::string_view kStyleHash = "'sha256-adJk1LmCEWzAN6O2KyyHdggeLK327IovSa6EIZavWrs='";
const std::string_view kScriptHash = "'sha256-XYZuzLtDhco0lM4W/hW2zMExrfq6pYJAhsTRPhYp60Q='";

}  // namespace kg::report::html_assets
