// The progress of a report build: polls the build's status and updates the bar and the stage
// (announced by the live region) until the build is done or failed, then reloads the page to
// show its files. Without script the page has a link to refresh it by hand.
(function () {
  'use strict';
  var section = document.getElementById('report-progress');
  if (!section) return;
  var url = section.getAttribute('data-status-url');
  var bar = document.getElementById('report-progress-bar');
  var stage = document.getElementById('report-stage');
  var last = '';
  function poll() {
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        bar.max = s.of;
        bar.value = s.progress;
        bar.textContent = Math.round((s.progress * 100) / s.of) + '%';
        var text = s.label + ' (' + s.progress + '/' + s.of + ')';
        if (text !== last) { stage.textContent = text; last = text; }
        if (s.status === 'done' || s.status === 'failed') {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
