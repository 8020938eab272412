// The offline outreach form (/uscite/offline): an itinerant team without signal records sessions
// on the phone and syncs them later.
//
// What the device keeps: only anonymous counts and coded values — date, Comune code, team or
// listening point id, rows of (sex, age band, nationality, sector, count), materials and needs
// codes. There is no free-text field and nothing that names or describes a person; the server
// refuses any other field. Each record carries a UUID made here, so sending it twice (a lost
// answer, two taps) stores one session.
(function () {
  'use strict';
  var form = document.getElementById('offline-form');
  if (!form) return;
  var status = document.getElementById('offline-status');
  var countEl = document.getElementById('offline-count');
  var DB = 'argine-outreach';
  var STORE = 'pending';

  function say(key, extra) {
    status.textContent = (status.getAttribute('data-' + key) || '') + (extra ? ' ' + extra : '');
  }

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/static/argine/outreach-sw.js', { scope: '/uscite/' }).catch(function () {});
  }
  if (!('indexedDB' in window)) {
    say('unsupported');
    return;
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: 'client_uuid' }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var out = fn(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }

  function all() { return tx('readonly', function (s) { return s.getAll(); }); }

  function refresh() {
    return all().then(function (list) { countEl.textContent = String(list.length); return list; });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function int(v) {
    var n = parseInt(String(v || '').trim(), 10);
    return isNaN(n) ? 0 : n;
  }

  function val(id) { return document.getElementById(id).value; }

  // Builds the record from the coded fields only.
  function record() {
    var team = val('of-team');
    var rec = {
      client_uuid: uuid(),
      held_on: val('of-date'),
      comune: val('of-comune').trim(),
      contacts: [],
      materials: [],
      needs: []
    };
    if (team.indexOf('team:') === 0) rec.team_id = int(team.slice(5));
    if (team.indexOf('desk:') === 0) rec.desk_id = int(team.slice(5));
    document.querySelectorAll('.offline-grid-row').forEach(function (row) {
      var get = function (f) { return row.querySelector('[data-field="' + f + '"]').value; };
      var n = int(get('count'));
      if (n > 0) {
        rec.contacts.push({ sex: get('sex'), age_band: get('age_band'), nationality: get('nationality'), sector: get('sector'), count: n });
      }
    });
    var lf = val('of-lf-lang');
    if (lf && int(val('of-lf-q')) > 0) rec.materials.push({ material: 'volantino', language: lf, quantity: int(val('of-lf-q')) });
    var kit = val('of-kit');
    if (kit && int(val('of-kit-q')) > 0) rec.materials.push({ material: kit, language: '', quantity: int(val('of-kit-q')) });
    document.querySelectorAll('.offline-need:checked').forEach(function (c) { rec.needs.push(c.value); });
    return rec;
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var rec = record();
    if (!/^\d{6}$/.test(rec.comune) || !rec.held_on) {
      say('failed');
      return;
    }
    tx('readwrite', function (s) { return s.put(rec); }).then(refresh).then(function () {
      form.querySelectorAll('[data-field="count"]').forEach(function (i) { i.value = ''; });
      say('saved');
    });
  });

  var syncing = false;
  function sync() {
    if (syncing) return Promise.resolve();
    syncing = true;
    return all().then(function (list) {
      var failed = 0;
      var chain = Promise.resolve();
      list.forEach(function (rec) {
        chain = chain.then(function () {
          return fetch('/uscite/sincronizza', {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify(rec)
          }).then(function (r) {
            if (r.status === 200 || r.status === 201) {
              return tx('readwrite', function (s) { return s.delete(rec.client_uuid); });
            }
            failed += 1;
          }).catch(function () { failed += 1; });
        });
      });
      return chain.then(function () { return failed; });
    }).then(function (failed) {
      return refresh().then(function (left) {
        if (failed > 0) say('failed', String(left.length));
        else say('synced');
      });
    }).finally(function () { syncing = false; });
  }

  document.getElementById('offline-sync').addEventListener('click', function () { sync(); });
  refresh().then(function (list) { if (list.length > 0) say('pending', String(list.length)); });
})();
