/**
 * The dashboard's style sheet and its one script, served from /app/static (no CDN, no build step). The
 * script only adds what plain forms cannot do: the bank file's upload with progress, and a busy state on
 * buttons while their form is sent. Every page works without it.
 */

export const APP_CSS = `
:root { --fg: #1d2430; --muted: #5b6472; --line: #d8dde5; --bg: #f6f7f9; --card: #fff; --accent: #0b5cad; --ok: #17663a; --warn: #9a4a00; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible, iframe:focus-visible {
  outline: 3px solid #f2b600; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5em 1em; z-index: 10; }
.skip:focus { left: .5em; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5em 1.5em; padding: .6em 1.5em; background: #132238; color: #fff; }
.top a { color: #fff; }
.brand { font-weight: 700; font-size: 1.2em; text-decoration: none; letter-spacing: .02em; }
.top nav ul { display: flex; flex-wrap: wrap; gap: .2em; list-style: none; margin: 0; padding: 0; }
.top nav a { display: block; padding: .35em .7em; border-radius: 4px; text-decoration: none; }
.top nav a:hover { background: #24395a; }
.top nav a[aria-current="page"] { background: #fff; color: #132238; font-weight: 600; }
.tools { margin-left: auto; display: flex; flex-wrap: wrap; align-items: center; gap: .6em; }
.tools label { font-size: .85em; }
.who { font-size: .9em; }
.badge { background: #f2b600; color: #132238; padding: .1em .5em; border-radius: 3px; font-weight: 600; font-size: .8em; }
.lang { font-size: .9em; }
main { max-width: 1200px; margin: 0 auto; padding: 1em 1.5em 3em; }
main:focus { outline: none; }
h1 { font-size: 1.6em; margin: .4em 0 .6em; }
h2 { font-size: 1.15em; margin: 1.4em 0 .5em; }
.mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: .95em; }
.muted { color: var(--muted); }
.table-wrap { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 6px; margin-bottom: 1em; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .45em .7em; text-align: left; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: #eef1f5; font-weight: 600; font-size: .9em; white-space: nowrap; }
tbody tr:last-child td, tbody tr:last-child th { border-bottom: 0; }
tr.sum th, tr.sum td { font-weight: 700; border-top: 2px solid var(--line); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.status { display: inline-block; padding: .05em .5em; border-radius: 10px; font-size: .82em; font-weight: 600; background: #e4e8ee; color: #2b3442; white-space: nowrap; }
.s-paid, .s-delivered, .s-matched, .s-ok { background: #d5efdf; color: var(--ok); }
.s-invoiced, .s-pending, .s-open, .s-sent { background: #dce9f8; color: #0b4a8a; }
.s-purring, .s-unmatched, .s-partial-refunded, .s-unreachable { background: #fde8cc; color: var(--warn); }
.s-failed, .s-undelivered, .s-inkasso, .s-refused, .s-gone { background: #f9d9d6; color: var(--bad); }
.s-cancelled, .s-refunded, .s-credited, .s-reversed { background: #e6e6e6; color: #444; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 0 2em; }
.cards { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: .6em; }
.cards li { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .6em .8em; }
.cards li.warn { border-color: #e6a15c; background: #fff8ef; }
.cards a { text-decoration: none; color: inherit; }
.big { display: block; font-size: 1.7em; font-weight: 700; }
.failing { padding-left: 1.2em; }
.demo { background: #fffbe8; border: 1px solid #ecd77e; border-radius: 6px; padding: .2em 1.2em .6em; margin-bottom: 1em; }
.demo li { margin: .4em 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3em 1.2em; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .8em 1em; margin: 0 0 1em; }
.facts dt { font-weight: 600; color: var(--muted); }
.facts dd { margin: 0; }
.timeline { list-style: none; padding: 0; margin: 0; border-left: 3px solid var(--line); }
.timeline li { padding: .3em 0 .3em 1em; position: relative; }
.timeline li::before { content: ""; position: absolute; left: -7px; top: .75em; width: 11px; height: 11px; border-radius: 50%; background: var(--accent); }
.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; margin-right: .4em; }
.attempts { margin: 0; padding-left: 1.2em; font-size: .9em; }
.document { display: grid; grid-template-columns: minmax(280px, 1fr) 2fr; gap: 1.5em; align-items: start; }
@media (max-width: 900px) { .document { grid-template-columns: 1fr; } }
iframe.pdf { width: 100%; height: 720px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.files a { margin-right: 1em; }
form.inline { display: inline-flex; flex-wrap: wrap; align-items: center; gap: .4em; margin: 0; }
.filters { display: flex; flex-wrap: wrap; align-items: center; gap: .5em; margin-bottom: 1em; }
.filters input[type=search] { min-width: 22em; }
button { font: inherit; padding: .35em .9em; border-radius: 4px; border: 1px solid #0a4f96; background: var(--accent); color: #fff; cursor: pointer; }
button:hover { background: #0a4f96; }
button[aria-busy="true"] { opacity: .7; cursor: progress; }
.top button { background: transparent; border-color: #8aa0bf; }
input, select, textarea { font: inherit; padding: .3em .45em; border: 1px solid #8a94a3; border-radius: 4px; background: #fff; color: var(--fg); }
textarea { width: 100%; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85em; }
.top select { max-width: 16em; }
.notice { padding: .6em .9em; border-radius: 6px; background: #eef4fb; border: 1px solid #b8cce4; }
.notice.ok { background: #e6f4ea; border-color: #9fd2b0; }
.notice.error { background: #fbeaea; border-color: #e3a5a0; color: #7a1712; }
.empty { color: var(--muted); font-style: italic; }
.pager { display: flex; gap: 1.5em; margin: .5em 0 1em; }
.sign-in { max-width: 32em; margin: 3em auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1em 2em 2em; }
.sign-in form { display: grid; gap: .5em; }
.sign-in input { width: 100%; }
.import { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .4em 1em .8em; }
progress { vertical-align: middle; width: 14em; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
html:not(.js) .js-only { display: none; }
`;

export const APP_JS = `'use strict';
document.documentElement.classList.add('js');
// A confirmation is shown once: reloading the page must not show it (or repeat it) again.
(function () {
  var url = new URL(window.location.href);
  if (!url.searchParams.has('done')) return;
  url.searchParams.delete('done');
  url.searchParams.delete('n');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
})();
document.addEventListener('submit', function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  var button = form.querySelector('button[type=submit]');
  if (form.id === 'import') {
    var input = form.querySelector('input[type=file]');
    var file = input && input.files && input.files[0];
    if (!file) { if (button) button.setAttribute('aria-busy', 'true'); return; }
    event.preventDefault();
    var progress = document.getElementById('upload-progress');
    var status = document.getElementById('upload-status');
    var csrf = form.querySelector('input[name=_csrf]').value;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action + '?name=' + encodeURIComponent(file.name));
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.responseType = 'json';
    progress.hidden = false;
    progress.value = 0;
    if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); }
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      progress.value = Math.round((e.loaded / e.total) * 100);
      status.textContent = status.dataset.uploading + ' ' + progress.value + ' %';
    });
    xhr.upload.addEventListener('load', function () { progress.value = 100; status.textContent = status.dataset.importing; });
    xhr.addEventListener('loadend', function () {
      if (button) { button.disabled = false; button.removeAttribute('aria-busy'); }
      var answer = xhr.response || {};
      if (xhr.status === 200 && answer.redirect) { window.location.assign(answer.redirect); return; }
      progress.hidden = true;
      status.textContent = answer.error || ('HTTP ' + xhr.status);
      status.setAttribute('role', 'alert');
    });
    xhr.send(file);
    return;
  }
  if (button) button.setAttribute('aria-busy', 'true');
});
`;
