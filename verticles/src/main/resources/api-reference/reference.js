// Renders this node's /openapi.yaml. A file of its own rather than an inline script, so that a
// Content-Security-Policy without 'unsafe-inline' still allows the page.
window.ui = SwaggerUIBundle({
  url: "/openapi.yaml",
  dom_id: "#reference",
  deepLinking: true,
  // "Try it out" sends real requests with the token given under Authorize.
  persistAuthorization: false,
  defaultModelsExpandDepth: 0
});
