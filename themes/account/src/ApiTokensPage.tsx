import { AccountEnvironment, Page, useEnvironment } from "@keycloak/keycloak-account-ui";
import { useTokensAccess } from "@org-api-tokens/shared/access";
import { Organization } from "@org-api-tokens/shared/api";
import { TokensTable } from "@org-api-tokens/shared/TokensTable";
import { EmptyState, EmptyStateBody, EmptyStateHeader, PageSection, Spinner } from "@patternfly/react-core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useAccessToken, useIsSuperUser } from "./access";

/** The user's organizations, from Keycloak's account API (empty when the realm has Organizations off). */
function useMyOrganizations() {
  const { environment } = useEnvironment<AccountEnvironment>();
  const getToken = useAccessToken();
  const [organizations, setOrganizations] = useState<Organization[]>();
  useEffect(() => {
    let current = true;
    (async () => {
      const response = await fetch(`${environment.serverBaseUrl}/realms/${encodeURIComponent(environment.realm)}/account/organizations`, {
        headers: { Authorization: `Bearer ${await getToken()}`, Accept: "application/json" },
      });
      const found = response.ok ? ((await response.json()) as Organization[]) : [];
      if (current) setOrganizations(found.map(({ id, name, alias }) => ({ id, name, alias })));
    })().catch(() => current && setOrganizations([]));
    return () => {
      current = false;
    };
  }, [environment, getToken]);
  return organizations;
}

/**
 * The account console's "API tokens" page: a super-user manages the tokens of their organizations on the realm
 * path, with their own account-console token; with several organizations they pick one for each new token.
 */
export const ApiTokensPage = () => {
  const { t } = useTranslation();
  const { environment } = useEnvironment<AccountEnvironment>();
  const superUser = useIsSuperUser();
  const { access, error } = useTokensAccess();
  const organizations = useMyOrganizations();

  if (!superUser) {
    return (
      <PageSection variant="light">
        <EmptyState data-testid="not-allowed">
          <EmptyStateHeader titleText={t("apiTokensNotAllowed")} headingLevel="h1" />
          <EmptyStateBody>{t("apiTokensNotAllowedBody")}</EmptyStateBody>
        </EmptyState>
      </PageSection>
    );
  }
  return (
    <Page title={t("apiTokens")} description={t("apiTokensAccountHelp")}>
      {!organizations || (!access && !error) ? (
        <Spinner />
      ) : (
        <TokensTable scope={environment.realm} organizations={organizations} realmWideAllowed={false} />
      )}
    </Page>
  );
};
