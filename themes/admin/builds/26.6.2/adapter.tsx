import { AdminClientContext, AdminEnvironment, initAdminClient, useEnvironment } from "@keycloak/keycloak-admin-ui";
import { Spinner } from "@patternfly/react-core";
import { PropsWithChildren, useContext, useEffect, useState } from "react";

/**
 * What the page takes from @keycloak/keycloak-admin-ui beyond the names every release exports
 * (src imports it as "@org-api-tokens/adapter"). Release 26.6.2 keeps the admin client's provider
 * inside its App; this is that provider, as 26.7 exports it, built on the context and the
 * initialisation 26.6.2 does export.
 */
type AdminClient = Awaited<ReturnType<typeof initAdminClient>>;

export const AdminClientProvider = ({ children }: PropsWithChildren) => {
  const { keycloak, environment } = useEnvironment<AdminEnvironment>();
  const [adminClient, setAdminClient] = useState<AdminClient>();

  useEffect(() => {
    initAdminClient(keycloak, environment).then(setAdminClient, console.error);
  }, [environment, keycloak]);

  if (!adminClient) return <Spinner />;
  return <AdminClientContext.Provider value={{ keycloak, adminClient }}>{children}</AdminClientContext.Provider>;
};

export const useAdminClient = () => useContext(AdminClientContext)!;
