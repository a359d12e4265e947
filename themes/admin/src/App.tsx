import { AppContexts, ForbiddenSection, Header, PageBreadCrumbs, useAccess } from "@keycloak/keycloak-admin-ui";
import { AdminClientProvider } from "@org-api-tokens/adapter";
import { Page, Spinner } from "@patternfly/react-core";
import { PropsWithChildren, Suspense } from "react";
import { Outlet, useMatches } from "react-router-dom";
import { TokensAccessProvider } from "./access";
import { PageNav } from "./PageNav";

type Handle = { access?: string | string[] };

/** Like the stock console: a page whose route needs an admin role the user lacks shows "forbidden". */
const RouteAccess = ({ children }: PropsWithChildren) => {
  const matches = useMatches();
  const { hasAccess } = useAccess();
  const needed = matches.flatMap(({ handle }) => {
    const access = (handle as Handle | undefined)?.access;
    return access === undefined ? [] : Array.isArray(access) ? access : [access];
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return hasAccess(...(needed as any[])) ? children : <ForbiddenSection permissionNeeded={needed as any} />;
};

/** The stock console layout with our navigation; the navigation and the API tokens page share one /access answer. */
export const App = () => (
  <AdminClientProvider>
  <AppContexts>
  <TokensAccessProvider>
    <Page
      header={<Header />}
      isManagedSidebar
      sidebar={<PageNav />}
      breadcrumb={<PageBreadCrumbs />}
      mainContainerId="kc-main-content-page-container"
    >
      <Suspense fallback={<Spinner />}>
        <RouteAccess>
          <Outlet />
        </RouteAccess>
      </Suspense>
    </Page>
  </TokensAccessProvider>
  </AppContexts>
  </AdminClientProvider>
);
