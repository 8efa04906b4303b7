// The API page: Swagger UI reads the OpenAPI description named by #swagger-ui.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("swagger-ui");
  if (!element || typeof SwaggerUIBundle !== "function") {
    return;
  }
  SwaggerUIBundle({
    url: element.getAttribute("data-openapi"),
    domNode: element,
    deepLinking: false,
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: true
  });
});
