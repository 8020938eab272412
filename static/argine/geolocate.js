// "Usa la mia posizione": a button that fills latitude and longitude from the device's position
// (shown only where the browser offers geolocation). The fields stay editable. Every button
// with `data-geolocate` names its fields: `data-lat`, `data-lon`, `data-status` (the live region
// that says what happened) and optionally `data-origin`, a hidden field set to "gps" when the
// device gave the point and back to "mappa" when a field is typed in.
(function () {
  'use strict';
  if (!navigator.geolocation) return;
  var buttons = document.querySelectorAll('button[data-geolocate]');
  Array.prototype.forEach.call(buttons, function (button) {
    var byId = function (name) {
      var id = button.getAttribute(name);
      return id ? document.getElementById(id) : null;
    };
    var lat = byId('data-lat');
    var lon = byId('data-lon');
    var status = byId('data-status');
    var origin = byId('data-origin');
    if (!lat || !lon || !status) return;
    button.hidden = false;
    var typed = function () {
      if (origin) origin.value = 'mappa';
    };
    lat.addEventListener('input', typed);
    lon.addEventListener('input', typed);
    button.addEventListener('click', function () {
      status.textContent = button.getAttribute('data-label-wait');
      navigator.geolocation.getCurrentPosition(function (p) {
        lat.value = p.coords.latitude.toFixed(6);
        lon.value = p.coords.longitude.toFixed(6);
        if (origin) origin.value = 'gps';
        status.textContent = button.getAttribute('data-label-done') + ' (± ' + Math.round(p.coords.accuracy) + ' m)';
      }, function () {
        status.textContent = button.getAttribute('data-label-fail');
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  });
})();
