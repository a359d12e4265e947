/**
 * What the page takes from @keycloak/keycloak-admin-ui beyond the names every release exports
 * (src imports it as "@org-api-tokens/adapter"). Release 26.7.3 exports all of it.
 */
export { AdminClientProvider, useAdminClient } from "@keycloak/keycloak-admin-ui";
