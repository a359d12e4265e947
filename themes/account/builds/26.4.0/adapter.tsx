import {
  Applications,
  ContentComponent,
  DeviceActivity,
  Groups,
  LinkedAccounts,
  Oid4Vci,
  PersonalInfo,
  Resources,
  SigningIn,
} from "@keycloak/keycloak-account-ui";
import type { RouteObject } from "react-router-dom";

/**
 * What the page takes from @keycloak/keycloak-account-ui beyond the names every release exports
 * (src imports it as "@org-api-tokens/adapter"). Release 26.4.0 exports its pages but not their
 * routes; these are the routes of its routes.tsx, except "organizations": that page is not in the
 * published package at all.
 */
export const routes: RouteObject[] = [
  { index: true, path: "", element: <PersonalInfo /> },
  { path: "account-security/device-activity", element: <DeviceActivity /> },
  { path: "account-security/linked-accounts", element: <LinkedAccounts /> },
  { path: "account-security/signing-in", element: <SigningIn /> },
  { path: "applications", element: <Applications /> },
  { path: "groups", element: <Groups /> },
  { path: "resources", element: <Resources /> },
  { path: "content/:componentId", element: <ContentComponent /> },
  { path: "oid4vci", element: <Oid4Vci /> },
];
