/**
 * What the page takes from @keycloak/keycloak-account-ui beyond the names every release exports
 * (src imports it as "@org-api-tokens/adapter"). Release 26.6.1 exports all of it.
 */
export { routes } from "@keycloak/keycloak-account-ui";
