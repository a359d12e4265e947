import { routes, useAccess, useEnvironment, useRealm, useServerInfo } from "@keycloak/keycloak-admin-ui";
import { Label, Nav, NavGroup, PageSidebar, PageSidebarBody } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router-dom";
import { useTokensAccess } from "@org-api-tokens/shared/access";

/**
 * The stock left navigation of Keycloak 26.7 (same groups, items, access rules and feature flags),
 * plus "API tokens" for admins who may at least read tokens.
 */
type ItemProps = { title: string; path: string; id?: string; always?: boolean };

const NavItem = ({ title, path, id, always }: ItemProps) => {
  const { t } = useTranslation();
  const { hasAccess } = useAccess();
  const { realm } = useRealm();
  const route = routes.find((r) => r.path.replace(/\/:.+?(\?|(?:(?!\/).)*|$)/g, "") === (id || path));
  const access = route?.handle.access;
  if (!always && !(route && (Array.isArray(access) ? hasAccess(...access) : hasAccess(access!)))) return null;
  const testId = "nav-item" + path.replace("/", "-");
  return (
    <li>
      <NavLink
        id={testId}
        data-testid={testId}
        to={`/${encodeURIComponent(realm)}${path}`}
        className={({ isActive }) => `pf-v5-c-nav__link${isActive ? " pf-m-current" : ""}`}
      >
        {t(title)}
      </NavLink>
    </li>
  );
};

export const PageNav = () => {
  const { t } = useTranslation();
  const { environment } = useEnvironment();
  const { hasSomeAccess } = useAccess();
  const { realm, realmRepresentation } = useRealm();
  const { features } = useServerInfo();
  const canViewTokens = !!useTokensAccess().access?.view;

  const enabled = (feature: string) => !!features?.some((f) => f.name === feature && f.enabled);
  const showManage = hasSomeAccess("view-realm", "query-groups", "query-users", "query-clients", "query-organizations", "view-events");
  const showConfigure = hasSomeAccess("view-realm", "query-clients", "view-identity-providers");
  const showWorkflows = hasSomeAccess("realm-admin", "admin") && enabled("WORKFLOWS");
  const isMasterRealm = environment.masterRealm === environment.realm;

  return (
    <PageSidebar className="keycloak__page_nav__nav">
      <PageSidebarBody>
        <Nav>
          <h2 className="pf-v5-c-nav__section-title" style={{ wordWrap: "break-word" }}>
            <span data-testid="currentRealm">{realmRepresentation?.displayName || realm}</span>{" "}
            <Label color="blue">{t("currentRealm")}</Label>
          </h2>
          {isMasterRealm && (
            <NavGroup>
              <NavItem title={t("manageRealms")} path="/realms" />
            </NavGroup>
          )}
          {(showManage || canViewTokens) && (
            <NavGroup aria-label={t("manage")} title={t("manage")}>
              {showManage && (
                <>
                  {enabled("ORGANIZATION") && realmRepresentation?.organizationsEnabled && (
                    <NavItem title="organizations" path="/organizations" />
                  )}
                  <NavItem title="clients" path="/clients" />
                  <NavItem title="clientScopes" path="/client-scopes" />
                  <NavItem title="realmRoles" path="/roles" />
                  <NavItem title="users" path="/users" />
                  <NavItem title="groups" path="/groups" />
                  <NavItem title="sessions" path="/sessions" />
                  <NavItem title="events" path="/events" />
                </>
              )}
              {canViewTokens && <NavItem title="apiTokens" path="/org-api-tokens" always />}
            </NavGroup>
          )}
          {showConfigure && (
            <NavGroup aria-label={t("configure")} title={t("configure")}>
              <NavItem title="realmSettings" path="/realm-settings" />
              <NavItem title="authentication" path="/authentication" />
              {enabled("ADMIN_FINE_GRAINED_AUTHZ_V2") && realmRepresentation?.adminPermissionsEnabled && (
                <NavItem title="permissions" path="/permissions" />
              )}
              <NavItem title="identityProviders" path="/identity-providers" />
              <NavItem title="userFederation" path="/user-federation" />
              {showWorkflows && <NavItem title="workflows" path="/workflows" />}
            </NavGroup>
          )}
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
};
