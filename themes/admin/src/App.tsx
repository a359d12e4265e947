import { AppContexts, ErrorRenderer, ForbiddenSection, Header, PageBreadCrumbs, useAccess } from "@keycloak/keycloak-admin-ui";
import { ErrorBoundaryFallback, KeycloakSpinner, mainPageContentId } from "@keycloak/keycloak-ui-shared";
import { Page } from "@patternfly/react-core";
import { PropsWithChildren, Suspense } from "react";
import { Outlet, useMatches } from "react-router-dom";
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

/** The stock console layout with our navigation. */
export const App = () => (
  <AppContexts>
    <Page
      header={<Header />}
      isManagedSidebar
      sidebar={<PageNav />}
      breadcrumb={<PageBreadCrumbs />}
      mainContainerId={mainPageContentId}
    >
      <ErrorBoundaryFallback fallback={ErrorRenderer}>
        <Suspense fallback={<KeycloakSpinner />}>
          <RouteAccess>
            <Outlet />
          </RouteAccess>
        </Suspense>
      </ErrorBoundaryFallback>
    </Page>
  </AppContexts>
);
