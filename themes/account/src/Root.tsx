import { Header } from "@keycloak/keycloak-account-ui";
import { Page, Spinner } from "@patternfly/react-core";
import { Suspense } from "react";
import { Outlet } from "react-router-dom";
import { AccountTokensAccess } from "./access";
import { PageNav } from "./PageNav";

/** The stock account console layout (its masthead with the brand logo), with our navigation. */
export const Root = () => (
  <AccountTokensAccess>
    <Page header={<Header />} sidebar={<PageNav />} isManagedSidebar>
      <Suspense fallback={<Spinner />}>
        <Outlet />
      </Suspense>
    </Page>
  </AccountTokensAccess>
);
