import { useRealm } from "@keycloak/keycloak-admin-ui";
import { TokensAccessProvider as SharedProvider } from "@org-api-tokens/shared/access";
import { PropsWithChildren } from "react";
import { useTokensApi } from "./api";

/** The shared GET /access answer, asked on the admin path once per realm of the console. */
export const TokensAccessProvider = ({ children }: PropsWithChildren) => {
  const { realm } = useRealm();
  const api = useTokensApi(realm);
  return (
    <SharedProvider api={api} scope={realm}>
      {children}
    </SharedProvider>
  );
};
