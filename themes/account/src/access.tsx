import { AccountEnvironment, useEnvironment } from "@keycloak/keycloak-account-ui";
import { TokensAccessProvider } from "@org-api-tokens/shared/access";
import { createTokensApi } from "@org-api-tokens/shared/api";
import { PropsWithChildren, useMemo } from "react";

/** The realm role that may manage an organization's tokens on the realm path (SPEC §4). */
export const SUPER_USER = "super-user";

/** A fresh access token of the account console: the user's own, issued to the account-console client. */
export function useAccessToken() {
  const { keycloak } = useEnvironment<AccountEnvironment>();
  return useMemo(
    () => async () => {
      try {
        await keycloak.updateToken(5);
      } catch {
        await keycloak.login();
      }
      return keycloak.token;
    },
    [keycloak],
  );
}

/** Whether the console's own token carries super-user: without it the realm path refuses the token, so there is no page. */
export function useIsSuperUser() {
  const { keycloak } = useEnvironment<AccountEnvironment>();
  return !!keycloak.tokenParsed?.realm_access?.roles?.includes(SUPER_USER);
}

/**
 * For super-users, asks the realm path's GET /access once and shares the answer with the navigation and the page;
 * for everyone else nothing is asked and nothing is shown.
 */
export const AccountTokensAccess = ({ children }: PropsWithChildren) => {
  const { environment } = useEnvironment<AccountEnvironment>();
  const getToken = useAccessToken();
  const superUser = useIsSuperUser();
  const api = useMemo(
    () => createTokensApi(`${environment.serverBaseUrl}/realms/${encodeURIComponent(environment.realm)}/org-api-tokens`, getToken),
    [environment, getToken],
  );
  if (!superUser) return <>{children}</>;
  return (
    <TokensAccessProvider api={api} scope={environment.realm}>
      {children}
    </TokensAccessProvider>
  );
};
