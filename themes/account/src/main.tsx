import "@patternfly/react-core/dist/styles/base.css";
import "@patternfly/patternfly/patternfly-addons.css";
// The library's own stylesheet (the masthead's brand size, its pages), aliased by the build: its package exports no path to it.
import "@account-ui-css";

import { KeycloakProvider } from "@keycloak/keycloak-account-ui";
import { routes } from "@org-api-tokens/adapter";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router-dom";
import { ApiTokensPage } from "./ApiTokensPage";
import { basePath, environment } from "./environment";
import { i18n } from "./i18n";
import { API_TOKENS_PATH } from "./PageNav";
import { Root } from "./Root";

/** Every stock page, plus the API tokens page: /realms/{realm}/account/org-api-tokens. */
const router = createBrowserRouter([
  {
    path: basePath,
    element: <Root />,
    children: [...routes, { path: API_TOKENS_PATH, element: <ApiTokensPage /> }],
  },
]);

i18n.init().then(() =>
  createRoot(document.getElementById("app")!).render(
    <StrictMode>
      <KeycloakProvider environment={environment}>
        <RouterProvider router={router} />
      </KeycloakProvider>
    </StrictMode>,
  ),
);
