// Starts Swagger UI on the local OpenAPI document (no inline script: the CSP forbids it).
(function () {
  var el = document.getElementById('swagger-ui');
  if (!el || typeof SwaggerUIBundle === 'undefined') return;
  SwaggerUIBundle({ url: el.getAttribute('data-spec'), dom_id: '#swagger-ui', deepLinking: true });
})();
