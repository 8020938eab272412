// The field observation form: a button that fills latitude and longitude from the device's
// position (shown only where the browser offers geolocation). The fields stay editable.
(function () {
  'use strict';
  var button = document.getElementById('o-locate');
  if (!button || !navigator.geolocation) return;
  var status = document.getElementById('o-locate-status');
  button.hidden = false;
  button.addEventListener('click', function () {
    status.textContent = button.getAttribute('data-label-wait');
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById('o-lat').value = p.coords.latitude.toFixed(6);
      document.getElementById('o-lon').value = p.coords.longitude.toFixed(6);
      status.textContent = button.getAttribute('data-label-done') + ' (± ' + Math.round(p.coords.accuracy) + ' m)';
    }, function () {
      status.textContent = button.getAttribute('data-label-fail');
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
