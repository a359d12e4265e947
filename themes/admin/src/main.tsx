import "@patternfly/react-core/dist/styles/base.css";
import "@keycloak/keycloak-admin-ui/styles.css";
import "./theme.css";

import { KeycloakProvider, routes } from "@keycloak/keycloak-admin-ui";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createHashRouter, RouterProvider } from "react-router-dom";
import { ApiTokensSection } from "./ApiTokensSection";
import { App } from "./App";
import { environment } from "./environment";
import { i18n } from "./i18n";

/** Every stock route, plus the API tokens page; the access check of that page is the API's own. */
// Hash routes, like the stock console: /admin/{realm}/console/#/{realm}/org-api-tokens
const router = createHashRouter(
  [
    {
      path: "/",
      element: <App />,
      children: [
        ...routes,
        { path: "/:realm/org-api-tokens", element: <ApiTokensSection />, handle: { breadcrumb: () => "API tokens" } },
      ],
    },
  ],
);

i18n.init().then(() =>
  createRoot(document.getElementById("app")!).render(
    <StrictMode>
      <KeycloakProvider environment={environment}>
        <RouterProvider router={router} />
      </KeycloakProvider>
    </StrictMode>,
  ),
);
