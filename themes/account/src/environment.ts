import type { AccountEnvironment } from "@keycloak/keycloak-account-ui";

/**
 * What Keycloak's index.ftl injects into the page (server URL, realm, client, the console's base URL, features).
 * Read directly: @keycloak/keycloak-account-ui bundles its own copy of keycloak-ui-shared, so this app imports
 * nothing from a second copy (its React contexts would not match the console's).
 */
export const environment: AccountEnvironment = JSON.parse(document.getElementById("environment")!.textContent!);

/** The console's own base path, with a trailing slash: the stock pages' routes and ours hang below it. */
export const basePath = (() => {
  const path = decodeURIComponent(new URL(environment.baseUrl).pathname);
  return path.endsWith("/") ? path : `${path}/`;
})();
