import { useAdminClient } from "@org-api-tokens/adapter";
import { createTokensApi, Organization } from "@org-api-tokens/shared/api";
import { useMemo } from "react";

/** Calls /admin/realms/{realm}/org-api-tokens with the console's own admin token. */
export function useTokensApi(realm: string) {
  const { adminClient } = useAdminClient();
  return useMemo(
    () =>
      createTokensApi(`${adminClient.baseUrl}/admin/realms/${encodeURIComponent(realm)}/org-api-tokens`, () =>
        adminClient.getAccessToken(),
      ),
    [adminClient, realm],
  );
}

/** The realm's organizations, through Keycloak's own admin API. */
export function useRealmOrganizations() {
  const { adminClient } = useAdminClient();
  return async (realm: string): Promise<Organization[]> => {
    const token = await adminClient.getAccessToken();
    const response = await fetch(
      `${adminClient.baseUrl}/admin/realms/${encodeURIComponent(realm)}/organizations?briefRepresentation=true&first=0&max=500`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    return response.ok ? ((await response.json()) as Organization[]) : [];
  };
}
