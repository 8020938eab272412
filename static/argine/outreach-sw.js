// The service worker of the offline outreach mode (scope /uscite/). It keeps the offline page and
// the files it needs in the Cache Storage so that the page opens without a network; everything
// else goes to the network. Only the page and static files are cached — never the records,
// which live in IndexedDB (see outreach-offline.js) and hold anonymous counts only.
'use strict';
var CACHE = 'argine-outreach-v1';
var FILES = [
  '/uscite/offline',
  '/static/argine/outreach-offline.js',
  '/static/argine/argine.css',
  '/static/vendor/bootstrap-italia/css/bootstrap-italia.min.css',
  '/static/vendor/bootstrap-italia/js/bootstrap-italia.bundle.min.js',
  '/static/vendor/htmx/htmx.min.js'
];

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(FILES); }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener('fetch', function (event) {
  var req = event.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || FILES.indexOf(url.pathname) < 0) return;
  // Network first (the page shows the user's current teams), the cached copy without signal.
  event.respondWith(
    fetch(req).then(function (res) {
      if (res.ok) {
        var copy = res.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return res;
    }).catch(function () {
      return caches.match(url.pathname).then(function (hit) { return hit || Response.error(); });
    })
  );
});
