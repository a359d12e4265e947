import { getInjectedEnvironment } from "@keycloak/keycloak-ui-shared";
import type { AdminEnvironment } from "@keycloak/keycloak-admin-ui";

/** What Keycloak's index.ftl injects into the page (server URLs, login realm, console base path). */
export const environment = getInjectedEnvironment<AdminEnvironment>();
