import { useRealm, ViewHeader } from "@keycloak/keycloak-admin-ui";
import {
  Alert,
  AlertActionCloseButton,
  AlertGroup,
  Button,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  EmptyStateHeader,
  EmptyStateIcon,
  FormSelect,
  FormSelectOption,
  Label,
  LabelGroup,
  PageSection,
  Pagination,
  SearchInput,
  Spinner,
  Tab,
  Tabs,
  TabTitleText,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { KeyIcon } from "@patternfly/react-icons";
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useCallback, useEffect, useState } from "react";
import { useTokensAccess } from "./access";
import { ApiToken, errorText, Organization, Policy, useTokensApi } from "./api";
import { PolicyForm } from "./PolicyForm";
import { ConfirmDialog, KeyDialog, TokenFormDialog } from "./TokenDialogs";

const formatTime = (millis: number | null) => (millis ? new Date(millis).toLocaleString() : "—");

type FilterSelectProps = {
  label: string;
  testId: string;
  value: string;
  allLabel: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
};

/** A toolbar filter: "all" (empty value) or one option. */
const FilterSelect = ({ label, testId, value, allLabel, options, onChange }: FilterSelectProps) => (
  <FormSelect aria-label={label} data-testid={testId} value={value} onChange={(_e, v) => onChange(v)}>
    <FormSelectOption value="" label={allLabel} />
    {options.map((o) => (
      <FormSelectOption key={o.value} value={o.value} label={o.label} />
    ))}
  </FormSelect>
);

type Dialog =
  | { kind: "create" }
  | { kind: "edit"; token: ApiToken }
  | { kind: "rotate"; token: ApiToken }
  | { kind: "delete"; token: ApiToken }
  | { kind: "key"; token: ApiToken };

/** The "API tokens" page: list, search, filter, create (key shown once), edit, rotate, delete; and the realm policy. */
export const ApiTokensSection = () => {
  const { realm, realmRepresentation } = useRealm();
  const api = useTokensApi(realm);
  const { access, error: accessError, roles, roleLabel } = useTokensAccess();
  const [notice, setNotice] = useState<string>();
  const addAlert = (text: string) => setNotice(text);
  const [tokens, setTokens] = useState<ApiToken[]>();
  const [hasMore, setHasMore] = useState(false);
  const [first, setFirst] = useState(0);
  const [max, setMax] = useState(20);
  const [search, setSearch] = useState("");
  const [appliedSearch, setAppliedSearch] = useState("");
  const [role, setRole] = useState("");
  const [organizationFilter, setOrganizationFilter] = useState("");
  const [organizations, setOrganizations] = useState<Organization[]>([]);
  const [dialog, setDialog] = useState<Dialog>();
  const [loadError, setLoadError] = useState<string>();
  const [policy, setPolicy] = useState<Policy>();
  const [tab, setTab] = useState<"tokens" | "policy">("tokens");

  const load = useCallback(async () => {
    try {
      const [settings, page] = await Promise.all([
        api.settings(),
        api.list({ first, max: max + 1, search: appliedSearch, role, organizationId: organizationFilter }), // one more tells whether a next page exists
      ]);
      setPolicy(settings);
      setHasMore(page.length > max);
      setTokens(page.slice(0, max));
      setLoadError(undefined);
    } catch (e) {
      setLoadError(errorText(e));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [realm, first, max, appliedSearch, role, organizationFilter]);

  useEffect(() => {
    load();
  }, [load]);

  const organizationsEnabled = !!realmRepresentation?.organizationsEnabled;
  useEffect(() => {
    if (organizationsEnabled) api.organizations().then(setOrganizations);
    else setOrganizations([]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [realm, organizationsEnabled]);
  const organizationName = (id: string | null) => (id ? organizations.find((o) => o.id === id)?.name ?? id : "—");

  const canManage = !!access?.manage;
  const filtered = appliedSearch !== "" || role !== "" || organizationFilter !== "";
  const showOrganization = organizations.length > 0 || !!tokens?.some((t) => t.organizationId);
  const close = () => setDialog(undefined);

  if (accessError || loadError) {
    return (
      <PageSection>
        <EmptyState>
          <EmptyStateHeader titleText="API tokens cannot be shown" headingLevel="h2" />
          <EmptyStateBody data-testid="load-error">{accessError ?? loadError}</EmptyStateBody>
        </EmptyState>
      </PageSection>
    );
  }
  if (!tokens || !access) return <Spinner />;

  const createButton = (
    <Button data-testid="create-token" onClick={() => setDialog({ kind: "create" })}>
      Create token
    </Button>
  );

  return (
    <>
      <ViewHeader titleKey="apiTokens" subKey="apiTokensHelp" divider />
      {notice && (
        <AlertGroup isToast>
          <Alert variant="success" title={notice} timeout={8000} onTimeout={() => setNotice(undefined)}
            actionClose={<AlertActionCloseButton onClose={() => setNotice(undefined)} />} data-testid="notice" />
        </AlertGroup>
      )}
      <Tabs activeKey={tab} onSelect={(_e, key) => setTab(key as "tokens" | "policy")} inset={{ default: "insetSm" }}>
        <Tab eventKey="tokens" title={<TabTitleText>Tokens</TabTitleText>} data-testid="tab-tokens">
          <PageSection variant="light" className="pf-v5-u-p-0">
            {tokens.length === 0 && !filtered && first === 0 ? (
              <EmptyState data-testid="empty-state">
                <EmptyStateHeader titleText="No API tokens" headingLevel="h2" icon={<EmptyStateIcon icon={KeyIcon} />} />
                <EmptyStateBody>
                  API tokens let scripts and services log in with a key, with the role and site access you choose.
                </EmptyStateBody>
                {canManage && (
                  <EmptyStateFooter>
                    <EmptyStateActions>{createButton}</EmptyStateActions>
                  </EmptyStateFooter>
                )}
              </EmptyState>
            ) : (
              <>
                <Toolbar>
                  <ToolbarContent>
                    <ToolbarItem>
                      <SearchInput
                        data-testid="token-search"
                        placeholder="Search by name"
                        value={search}
                        onChange={(_e, v) => setSearch(v)}
                        onSearch={(_e, v) => {
                          setFirst(0);
                          setAppliedSearch(v);
                        }}
                        onClear={() => {
                          setSearch("");
                          setFirst(0);
                          setAppliedSearch("");
                        }}
                      />
                    </ToolbarItem>
                    <ToolbarItem>
                      <FilterSelect
                        label="Filter by role"
                        testId="role-filter"
                        value={role}
                        allLabel="All roles"
                        options={roles.map((r) => ({ value: r.name, label: r.displayName }))}
                        onChange={(v) => {
                          setFirst(0);
                          setRole(v);
                        }}
                      />
                    </ToolbarItem>
                    {organizations.length > 0 && (
                      <ToolbarItem>
                        <FilterSelect
                          label="Filter by organization"
                          testId="organization-filter"
                          value={organizationFilter}
                          allLabel="All organizations"
                          options={organizations.map((o) => ({ value: o.id, label: o.name }))}
                          onChange={(v) => {
                            setFirst(0);
                            setOrganizationFilter(v);
                          }}
                        />
                      </ToolbarItem>
                    )}
                    {canManage && <ToolbarItem>{createButton}</ToolbarItem>}
                    <ToolbarItem variant="pagination" align={{ default: "alignRight" }}>
                      <Pagination
                        itemCount={first + tokens.length + (hasMore ? 1 : 0)}
                        perPage={max}
                        page={Math.floor(first / max) + 1}
                        onSetPage={(_e, page) => setFirst((page - 1) * max)}
                        onPerPageSelect={(_e, perPage) => {
                          setFirst(0);
                          setMax(perPage);
                        }}
                        toggleTemplate={({ firstIndex, lastIndex }) => (
                          <b>
                            {tokens.length === 0 ? 0 : firstIndex} - {tokens.length === 0 ? 0 : lastIndex}
                          </b>
                        )}
                        isCompact
                      />
                    </ToolbarItem>
                  </ToolbarContent>
                </Toolbar>
                <Table aria-label="API tokens" variant="compact" data-testid="tokens-table">
                  <Thead>
                    <Tr>
                      <Th>Name</Th>
                      <Th>Role</Th>
                      <Th>Site access</Th>
                      {showOrganization && <Th>Organization</Th>}
                      <Th>Key</Th>
                      <Th>Created by</Th>
                      <Th>Created</Th>
                      <Th>Last used</Th>
                      <Th>Expires</Th>
                      {canManage && <Th screenReaderText="Actions" />}
                    </Tr>
                  </Thead>
                  <Tbody>
                    {tokens.length === 0 && (
                      <Tr>
                        <Td colSpan={10}>No tokens match the search.</Td>
                      </Tr>
                    )}
                    {tokens.map((token) => (
                      <Tr key={token.id} data-testid={`token-row-${token.name}`}>
                        <Td dataLabel="Name">
                          {token.name}{" "}
                          {token.exposed && (
                            <Label color="red" isCompact data-testid="exposed-badge">
                              Exposed
                            </Label>
                          )}
                        </Td>
                        <Td dataLabel="Role" data-testid="token-role-cell">{roleLabel(token.role)}</Td>
                        <Td dataLabel="Site access">
                          {token.sites.includes("*") ? (
                            "All sites"
                          ) : (
                            <LabelGroup numLabels={3}>
                              {token.sites.map((s) => (
                                <Label key={s} isCompact>
                                  {s}
                                </Label>
                              ))}
                            </LabelGroup>
                          )}
                        </Td>
                        {showOrganization && (
                          <Td dataLabel="Organization" data-testid="token-organization-cell">
                            {organizationName(token.organizationId)}
                          </Td>
                        )}
                        <Td dataLabel="Key">
                          <code>{token.keyHint}</code>
                        </Td>
                        <Td dataLabel="Created by">{token.createdBy ?? "—"}</Td>
                        <Td dataLabel="Created">{formatTime(token.createdAt)}</Td>
                        <Td dataLabel="Last used">{formatTime(token.lastUsedAt)}</Td>
                        <Td dataLabel="Expires">{token.expiresAt ? formatTime(token.expiresAt) : "Never"}</Td>
                        {canManage && (
                          <Td isActionCell>
                            <ActionsColumn
                              items={[
                                { title: "Edit", onClick: () => setDialog({ kind: "edit", token }) },
                                { title: "Rotate key", onClick: () => setDialog({ kind: "rotate", token }) },
                                { isSeparator: true },
                                { title: "Delete", onClick: () => setDialog({ kind: "delete", token }) },
                              ]}
                            />
                          </Td>
                        )}
                      </Tr>
                    ))}
                  </Tbody>
                </Table>
              </>
            )}
          </PageSection>
        </Tab>
        <Tab eventKey="policy" title={<TabTitleText>Policy</TabTitleText>} data-testid="tab-policy">
          <PolicyForm policy={policy} canManage={canManage} onSave={async (values) => setPolicy(await api.updateSettings(values))} />
        </Tab>
      </Tabs>

      {dialog?.kind === "create" && (
        <TokenFormDialog
          title="Create API token"
          submitLabel="Create"
          organizations={organizations}
          maxLifetimeDays={policy?.maxLifetimeDays}
          onClose={close}
          onSubmit={async (input) => {
            const created = await api.create(input);
            setDialog({ kind: "key", token: created });
            load();
          }}
        />
      )}
      {dialog?.kind === "edit" && (
        <TokenFormDialog
          title={`Edit "${dialog.token.name}"`}
          submitLabel="Save"
          token={dialog.token}
          organizations={organizations}
          maxLifetimeDays={policy?.maxLifetimeDays}
          onClose={close}
          onSubmit={async (input) => {
            await api.update(dialog.token.id, input);
            addAlert("The token was saved. Changes apply at the next login with its key.");
            close();
            load();
          }}
        />
      )}
      {dialog?.kind === "rotate" && (
        <ConfirmDialog
          title={`Rotate the key of "${dialog.token.name}"?`}
          body="A new key is created and the current key stops working at once. Scripts that use the current key fail until they are given the new one."
          confirmLabel="Rotate key"
          onClose={close}
          onConfirm={async () => {
            const rotated = await api.rotate(dialog.token.id);
            setDialog({ kind: "key", token: rotated });
            load();
          }}
        />
      )}
      {dialog?.kind === "delete" && (
        <ConfirmDialog
          title={`Delete "${dialog.token.name}"?`}
          body="Its key stops working at once: scripts that use it can no longer log in. This cannot be undone."
          confirmLabel="Delete"
          danger
          onClose={close}
          onConfirm={async () => {
            await api.remove(dialog.token.id);
            addAlert("The token was deleted.");
            close();
            load();
          }}
        />
      )}
      {dialog?.kind === "key" && <KeyDialog token={dialog.token} onClose={close} />}
    </>
  );
};
