// argine — interactive map: Italy → region → province → comune, a choropleth of population
// density with a text legend. No tiles and no network beyond this server. Every area is a
// keyboard-focusable button; the table below the map is the accessible alternative.
(function () {
  'use strict';
  var el = document.getElementById('map');
  if (!el || typeof L === 'undefined') return;
  var lang = el.getAttribute('data-lang') || 'it';
  var fmt = new Intl.NumberFormat(lang === 'it' ? 'it-IT' : 'en-GB', { maximumFractionDigits: 1 });
  var labelDensity = el.getAttribute('data-label-density');
  var labelOpen = el.getAttribute('data-label-open');
  var levelEl = document.getElementById('map-level');
  var back = document.getElementById('map-back');
  var legendEl = document.getElementById('map-legend');
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: true, keyboard: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('ISTAT (CC BY 4.0) · openpolis (CC BY 4.0, confini semplificati)');
  var colours = ['#deebf7', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
  var cache = {};
  var layer = null;
  var stack = [];

  function get(url) {
    if (!cache[url]) cache[url] = fetch(url, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error(url + ': ' + r.status);
      return r.json();
    });
    return cache[url];
  }

  function breaks(values) {
    var v = values.slice().sort(function (a, b) { return a - b; });
    var q = [];
    for (var i = 1; i < colours.length; i++) q.push(v[Math.floor(i * v.length / colours.length)] || 0);
    return q;
  }

  function colourFor(x, b) {
    for (var i = 0; i < b.length; i++) if (x < b[i]) return colours[i];
    return colours[colours.length - 1];
  }

  function legend(b) {
    legendEl.textContent = '';
    var title = document.createElement('p');
    title.className = 'small mb-1';
    title.textContent = labelDensity + ' (ab./km²)';
    legendEl.appendChild(title);
    var ul = document.createElement('ul');
    ul.className = 'list-inline small';
    var lo = 0;
    for (var i = 0; i < colours.length; i++) {
      var li = document.createElement('li');
      li.className = 'list-inline-item me-3';
      var sw = document.createElement('span');
      sw.className = 'argine-swatch';
      sw.style.background = colours[i];
      li.appendChild(sw);
      var hi = b[i];
      li.appendChild(document.createTextNode(' ' + (hi === undefined ? '≥ ' + fmt.format(lo) : fmt.format(lo) + '–' + fmt.format(hi))));
      ul.appendChild(li);
      lo = hi;
    }
    legendEl.appendChild(ul);
  }

  function show(level, filterKey, filterValue, title) {
    return Promise.all([get('/api/v1/territory/geo/' + level), get('/api/v1/territory/indicators/' + level)]).then(function (res) {
      var geo = res[0], ind = res[1];
      var feats = geo.features.filter(function (f) { return !filterKey || f.properties[filterKey] === filterValue; });
      var codeOf = function (f) { return f.properties.istat || f.properties.code; };
      var b = breaks(feats.map(function (f) { var i = ind[codeOf(f)]; return i ? i.density : 0; }));
      if (layer) map.removeLayer(layer);
      layer = L.geoJSON({ type: 'FeatureCollection', features: feats }, {
        style: function (f) {
          var i = ind[codeOf(f)];
          return { color: '#17324d', weight: 0.6, fillOpacity: 0.85, fillColor: colourFor(i ? i.density : 0, b) };
        },
        onEachFeature: function (f, lyr) {
          var code = codeOf(f), i = ind[code] || { name: f.properties.name, density: 0, population: 0 };
          lyr.bindTooltip(i.name + ' — ' + fmt.format(i.density) + ' ab./km²', { sticky: true });
          var go = function () { drill(level, code, i.name); };
          lyr.on('click', go);
          lyr.on('add', function () {
            var p = lyr.getElement && lyr.getElement();
            if (!p) return;
            p.setAttribute('tabindex', '0');
            p.setAttribute('role', 'button');
            p.setAttribute('aria-label', labelOpen + ': ' + i.name + ', ' + fmt.format(i.density) + ' ab./km²');
            p.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); } });
          });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      legend(b);
      levelEl.textContent = title;
      back.disabled = stack.length === 0;
    });
  }

  // Where we are: Italy (regions), a region (its provinces), a province (its comuni).
  var here = { level: 'regioni', region: null, regionName: '', province: null };

  function drill(level, code, name) {
    if (level === 'regioni') {
      here = { level: 'province', region: code, regionName: name, province: null };
      stack = [1];
      show('province', 'reg', code, name);
    } else if (level === 'province') {
      here = { level: 'comuni', region: here.region, regionName: here.regionName, province: code };
      stack = [1, 2];
      show('comuni', 'prov', code, name);
    } else {
      window.location.href = '/territorio/comuni/' + code;
    }
  }

  back.addEventListener('click', function () {
    if (here.level === 'comuni') {
      here = { level: 'province', region: here.region, regionName: here.regionName, province: null };
      stack = [1];
      show('province', 'reg', here.region, here.regionName);
    } else if (here.level === 'province') {
      here = { level: 'regioni', region: null, regionName: '', province: null };
      stack = [];
      show('regioni', null, null, el.getAttribute('data-label-italy'));
    }
  });

  var hash = window.location.hash.match(/^#regione-(\d{2})$/);
  show('regioni', null, null, el.getAttribute('data-label-italy')).then(function () {
    if (hash) drill('regioni', hash[1], '');
  });
})();
