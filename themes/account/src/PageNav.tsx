import { AccountEnvironment, useEnvironment } from "@keycloak/keycloak-account-ui";
import { useTokensAccess } from "@org-api-tokens/shared/access";
import { Nav, NavExpandable, NavItem, NavList, PageSidebar, PageSidebarBody } from "@patternfly/react-core";
import { MouseEvent, PropsWithChildren, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { matchPath, useLinkClickHandler, useLocation } from "react-router-dom";
import { basePath } from "./environment";

/** An entry of the theme's content.json (the stock menu): a page, or a group of pages; `isVisible` names a feature flag. */
type MenuItem = { label: string; isVisible?: string } & ({ path: string } | { children: MenuItem[] });

/** The route of the API tokens page, below the console's base path. */
export const API_TOKENS_PATH = "org-api-tokens";

const isShown = (item: MenuItem, features: AccountEnvironment["features"]) =>
  !item.isVisible || !!(features as Record<string, boolean>)[item.isVisible];

const isCurrent = (item: MenuItem, pathname: string): boolean =>
  "path" in item ? !!matchPath(basePath + item.path, pathname) : item.children.some((child) => isCurrent(child, pathname));

const Link = ({ path, testId, current, children }: PropsWithChildren<{ path: string; testId: string; current: boolean }>) => {
  const to = basePath + path + location.search;
  const navigate = useLinkClickHandler(to);
  return (
    <NavItem to={to} data-testid={testId} isActive={current} onClick={(event) => navigate(event as unknown as MouseEvent<HTMLAnchorElement>)}>
      {children}
    </NavItem>
  );
};

const Entry = ({ item }: { item: MenuItem }) => {
  const { t } = useTranslation();
  const { environment } = useEnvironment<AccountEnvironment>();
  const { pathname } = useLocation();
  const current = isCurrent(item, pathname);
  if ("path" in item) {
    return (
      <Link path={item.path} testId={item.path} current={current}>
        {t(item.label)}
      </Link>
    );
  }
  return (
    <NavExpandable data-testid={item.label} title={t(item.label)} isActive={current} isExpanded={current}>
      {item.children.filter((child) => isShown(child, environment.features)).map((child) => (
        <Entry key={child.label} item={child} />
      ))}
    </NavExpandable>
  );
};

/** The stock navigation of the account console (its content.json, its feature flags), then "API tokens" for super-users. */
export const PageNav = () => {
  const { t } = useTranslation();
  const { environment } = useEnvironment<AccountEnvironment>();
  const { pathname } = useLocation();
  const { access } = useTokensAccess();
  const [menu, setMenu] = useState<MenuItem[]>([]);

  useEffect(() => {
    const controller = new AbortController();
    fetch(`${environment.resourceUrl}/content.json`, { signal: controller.signal })
      .then((response) => response.json())
      .then((items: MenuItem[]) => setMenu(items))
      .catch(() => undefined);
    return () => controller.abort();
  }, [environment.resourceUrl]);

  return (
    <PageSidebar>
      <PageSidebarBody>
        <Nav>
          <NavList>
            {menu.filter((item) => isShown(item, environment.features)).map((item) => (
              <Entry key={item.label} item={item} />
            ))}
            {access?.view && (
              <Link path={API_TOKENS_PATH} testId="nav-item-org-api-tokens" current={!!matchPath(basePath + API_TOKENS_PATH, pathname)}>
                {t("apiTokens")}
              </Link>
            )}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  );
};
