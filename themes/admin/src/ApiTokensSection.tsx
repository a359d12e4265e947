import { useRealm, ViewHeader } from "@keycloak/keycloak-admin-ui";
import { useTokensAccess } from "@org-api-tokens/shared/access";
import { Organization, Policy } from "@org-api-tokens/shared/api";
import { TokensTable } from "@org-api-tokens/shared/TokensTable";
import { PageSection, Tab, Tabs, TabTitleText } from "@patternfly/react-core";
import { useEffect, useState } from "react";
import { useRealmOrganizations } from "./api";
import { PolicyForm } from "./PolicyForm";

/** The admin console's "API tokens" page: every token of the realm (the shared table), and the realm policy. */
export const ApiTokensSection = () => {
  const { realm, realmRepresentation } = useRealm();
  const { api, access } = useTokensAccess();
  const realmOrganizations = useRealmOrganizations();
  const [organizations, setOrganizations] = useState<Organization[]>([]);
  const [policy, setPolicy] = useState<Policy>();
  const [tab, setTab] = useState<"tokens" | "policy">("tokens");

  const organizationsEnabled = !!realmRepresentation?.organizationsEnabled;
  useEffect(() => {
    if (organizationsEnabled) realmOrganizations(realm).then(setOrganizations);
    else setOrganizations([]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [realm, organizationsEnabled]);

  useEffect(() => {
    if (access) api.settings().then(setPolicy, () => setPolicy(undefined));
  }, [api, access]);

  return (
    <>
      <ViewHeader titleKey="apiTokens" subKey="apiTokensHelp" divider />
      {/* In a page section, as the stock console's tabbed pages are: bare in the page's column, the tab bar
          shrank to nothing under a tab taller than the window (the Policy tab with the notice settings). */}
      <PageSection variant="light" padding={{ default: "noPadding" }}>
        <Tabs activeKey={tab} onSelect={(_e, key) => setTab(key as "tokens" | "policy")} inset={{ default: "insetSm" }}>
          <Tab eventKey="tokens" title={<TabTitleText>Tokens</TabTitleText>} data-testid="tab-tokens">
            <TokensTable scope={realm} organizations={organizations} realmWideAllowed maxLifetimeDays={policy?.maxLifetimeDays} />
          </Tab>
          <Tab eventKey="policy" title={<TabTitleText>Policy</TabTitleText>} data-testid="tab-policy">
            <PolicyForm policy={policy} canManage={!!access?.manage} onSave={async (values) => setPolicy(await api.updateSettings(values))} />
          </Tab>
        </Tabs>
      </PageSection>
    </>
  );
};
