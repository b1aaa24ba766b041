// The API page: Swagger UI (vendor/swagger-ui, served by the app) drawing /openapi.json. Nothing is
// fetched from elsewhere: no validator badge, no external references.

(function () {
  const box = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: box.dataset.spec,
    domNode: box,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    tryItOutEnabled: false,
  });
})();
