/* campaignc watch: push reload, build status and the error overlay */
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script.getAttribute("data-version");
  var scrollKey = "campaignc-scroll:" + location.pathname + location.search;
  try {
    var saved = sessionStorage.getItem(scrollKey);
    if (saved !== null) {
      sessionStorage.removeItem(scrollKey);
      var xy = JSON.parse(saved);
      var restore = function () { window.scrollTo(xy[0], xy[1]); };
      restore();
      window.addEventListener("load", restore);
    }
  } catch (e) { /* no storage: the page starts at the top */ }

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY]));
    } catch (e) { /* ignore */ }
    location.reload();
  }

  function el(tag, style, text) {
    var node = document.createElement(tag);
    if (style) { node.setAttribute("style", style); }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  var overlay = null;
  function hideOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function where(d) {
    if (!d || !d.file) { return "(project)"; }
    return d.file + (d.line ? ":" + d.line + (d.column ? ":" + d.column : "") : "");
  }

  function showOverlay(status) {
    hideOverlay();
    overlay = el("div", "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(17,24,39,.92);color:#f9fafb;padding:32px 24px;" +
      "font:14px/1.5 ui-monospace,Menlo,Consolas,'Noto Sans Mono','Noto Sans Mono CJK TC',monospace");
    overlay.id = "campaignc-overlay";
    overlay.setAttribute("role", "alert");
    var box = el("div", "max-width:960px;margin:0 auto");
    box.appendChild(el("h1", "font-size:20px;margin:0 0 4px;color:#fca5a5",
      "The build failed: " + (status.summary || "errors")));
    box.appendChild(el("p", "margin:0 0 20px;color:#d1d5db",
      "The page below is the last good build. This message goes away by itself when a save fixes the errors."));
    var doc = status.diagnostics || {};
    var list = doc.diagnostics || [];
    list.forEach(function (d) {
      var item = el("section", "background:#1f2937;border-left:4px solid " +
        (d.severity === "error" ? "#ef4444" : "#f59e0b") + ";padding:12px 16px;margin:0 0 12px;border-radius:4px");
      item.className = "campaignc-diagnostic";
      item.appendChild(el("div", "color:#93c5fd", where(d)));
      item.appendChild(el("div", "font-weight:bold;margin:4px 0",
        d.severity + " " + d.code + ": " + d.message));
      if (d.excerpt) {
        item.appendChild(el("pre", "margin:8px 0;padding:8px;background:#111827;white-space:pre-wrap;" +
          "overflow-wrap:anywhere", d.excerpt));
      }
      (d.labels || []).forEach(function (label) {
        item.appendChild(el("div", "color:#d1d5db", where(label) + ": " + label.message));
      });
      if (d.help) { item.appendChild(el("div", "color:#a7f3d0", "help: " + d.help)); }
      box.appendChild(item);
    });
    overlay.appendChild(box);
    (document.body || document.documentElement).appendChild(overlay);
  }

  function showStatus(status) {
    var line = document.getElementById("campaignc-status");
    if (!line || !status.summary) { return; }
    line.textContent = status.summary;
    line.hidden = false;
    line.setAttribute("data-ok", status.ok ? "true" : "false");
  }

  if (!window.EventSource) { return; }
  var events = new EventSource("/__campaignc/events");
  events.onmessage = function (message) {
    var status;
    try { status = JSON.parse(message.data); } catch (e) { return; }
    if (status.ok && String(status.version) !== version) { reload(); return; }
    showStatus(status);
    if (status.ok) { hideOverlay(); } else { showOverlay(status); }
  };
})();
