import type { AdminEnvironment } from "@keycloak/keycloak-admin-ui";

/**
 * What Keycloak's index.ftl injects into the page (server URLs, login realm, console base path).
 * Read directly: @keycloak/keycloak-admin-ui bundles its own copy of keycloak-ui-shared, so this
 * app imports nothing from a second copy (its React contexts would not match the console's).
 */
export const environment: AdminEnvironment = JSON.parse(document.getElementById("environment")!.textContent!);
