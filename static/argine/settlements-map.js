// The settlement map: points from the registry's GeoJSON layer, grouped on a screen grid into
// clusters (a circle with the number of settlements) that split as the map zooms in. Points
// that are only the Comune's centroid (the reader may not see the exact position, or none is
// known) are drawn hollow. No tiles: the map is the points over the regions' outline.
(function () {
  'use strict';
  var el = document.getElementById('settlement-map');
  if (!el || !window.L) return;
  var status = document.getElementById('settlement-map-status');
  var map = L.map(el, { zoomSnap: 0.5, attributionControl: false }).setView([41.9, 12.5], 5.5);
  fetch('/api/v1/territory/geo/regioni', { credentials: 'same-origin' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (g) { if (g) L.geoJSON(g, { style: { color: '#5c6f82', weight: 1, fillColor: '#f2f4f7', fillOpacity: 1 } }).addTo(map); })
    .catch(function () {});
  var layer = L.layerGroup().addTo(map);
  var points = [];
  var CELL = 48;
  function draw() {
    layer.clearLayers();
    var cells = {};
    points.forEach(function (f) {
      var c = f.geometry.coordinates;
      var px = map.project([c[1], c[0]], map.getZoom());
      var key = Math.floor(px.x / CELL) + ':' + Math.floor(px.y / CELL);
      (cells[key] = cells[key] || []).push(f);
    });
    Object.keys(cells).forEach(function (k) {
      var list = cells[k];
      var lat = 0, lon = 0;
      list.forEach(function (f) { lon += f.geometry.coordinates[0]; lat += f.geometry.coordinates[1]; });
      lat /= list.length; lon /= list.length;
      if (list.length === 1) {
        var p = list[0].properties;
        var m = L.circleMarker([lat, lon], { radius: 6, color: '#a61919', weight: 2, fillOpacity: p.approx ? 0 : 0.8 });
        var text = p.name + ' — ' + p.comune + (p.people != null ? ' · ' + el.getAttribute('data-label-people') + ': ' + p.people : '') + (p.approx ? ' (' + el.getAttribute('data-label-approx') + ')' : '');
        m.bindTooltip(text);
        m.on('click', function () { window.location.href = '/insediamenti/' + p.id; });
        m.addTo(layer);
      } else {
        var r = 8 + Math.min(22, Math.sqrt(list.length) * 3);
        L.circleMarker([lat, lon], { radius: r, color: '#a61919', weight: 1, fillColor: '#d9364f', fillOpacity: 0.6 })
          .bindTooltip(list.length + ' ' + el.getAttribute('data-label-cluster'))
          .on('click', function () { map.setView([lat, lon], Math.min(map.getZoom() + 2, 14)); })
          .addTo(layer);
      }
    });
  }
  fetch(el.getAttribute('data-src'), { credentials: 'same-origin' })
    .then(function (r) { return r.json(); })
    .then(function (g) {
      points = g.features;
      draw();
      status.textContent = points.length + ' ' + el.getAttribute('data-label-loaded');
    });
  map.on('zoomend', draw);
})();
