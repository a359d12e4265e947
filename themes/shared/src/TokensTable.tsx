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
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { KeyIcon } from "@patternfly/react-icons";
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useTokensAccess } from "./access";
import { ApiToken, errorText, Organization } from "./api";
import { ConfirmDialog, KeyDialog, TokenFormDialog, RotateDialog } from "./TokenDialogs";
import { expiresSoon } from "./NoticeSettings";
import { UsageDialog } from "./UsageDialog";

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
  | { kind: "key"; token: ApiToken }
  | { kind: "usage"; token: ApiToken };

type TokensTableProps = {
  /** What the list belongs to (the realm): a change starts over. */
  scope: string;
  /** The organizations the caller reaches: names for the column, choices for the filter and for new tokens. */
  organizations: Organization[];
  /** Whether tokens outside organizations are managed here (the admin console) or not (the account console). */
  realmWideAllowed: boolean;
  /** The realm policy's maximum lifetime, when the console can read it. */
  maxLifetimeDays?: number | null;
};

/**
 * The tokens of one front door, as both consoles show them: list, search, filters and paging, create (the key
 * shown once), edit, rotate and delete, with confirmations; what the caller may do comes from GET /access.
 */
export const TokensTable = ({ scope, organizations, realmWideAllowed, maxLifetimeDays }: TokensTableProps) => {
  const { t } = useTranslation();
  const { api, access, error: accessError, roles, roleLabel } = useTokensAccess();
  const [notice, setNotice] = useState<string>();
  const [tokens, setTokens] = useState<ApiToken[]>();
  const [hasMore, setHasMore] = useState(false);
  const [first, setFirst] = useState(0);
  const [max, setMax] = useState(20);
  const [search, setSearch] = useState("");
  const [appliedSearch, setAppliedSearch] = useState("");
  const [role, setRole] = useState("");
  const [organizationFilter, setOrganizationFilter] = useState("");
  const [dialog, setDialog] = useState<Dialog>();
  const [loadError, setLoadError] = useState<string>();

  const load = useCallback(async () => {
    try {
      // one more than a page tells whether a next page exists
      const page = await api.list({ first, max: max + 1, search: appliedSearch, role, organizationId: organizationFilter });
      setHasMore(page.length > max);
      setTokens(page.slice(0, max));
      setLoadError(undefined);
    } catch (e) {
      setLoadError(errorText(e));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scope, first, max, appliedSearch, role, organizationFilter]);

  useEffect(() => {
    load();
  }, [load]);

  const organizationName = (id: string | null) => (id ? organizations.find((o) => o.id === id)?.name ?? id : "—");
  const canManage = !!access?.manage;
  const filtered = appliedSearch !== "" || role !== "" || organizationFilter !== "";
  const showOrganization = organizations.length > 0 || !!tokens?.some((token) => token.organizationId);
  const showOrganizationFilter = organizations.length > (realmWideAllowed ? 0 : 1);
  const close = () => setDialog(undefined);

  if (accessError || loadError) {
    return (
      <PageSection>
        <EmptyState>
          <EmptyStateHeader titleText={t("apiTokensCannotBeShown")} headingLevel="h2" />
          <EmptyStateBody data-testid="load-error">{accessError ?? loadError}</EmptyStateBody>
        </EmptyState>
      </PageSection>
    );
  }
  if (!tokens || !access) return <Spinner />;

  const createButton = (
    <Button data-testid="create-token" onClick={() => setDialog({ kind: "create" })}>
      {t("apiTokensCreate")}
    </Button>
  );

  return (
    <>
      {notice && (
        <AlertGroup isToast>
          <Alert variant="success" title={notice} timeout={8000} onTimeout={() => setNotice(undefined)}
            actionClose={<AlertActionCloseButton onClose={() => setNotice(undefined)} />} data-testid="notice" />
        </AlertGroup>
      )}
      <PageSection variant="light" className="pf-v5-u-p-0">
        {tokens.length === 0 && !filtered && first === 0 ? (
          <EmptyState data-testid="empty-state">
            <EmptyStateHeader titleText={t("apiTokensNone")} headingLevel="h2" icon={<EmptyStateIcon icon={KeyIcon} />} />
            <EmptyStateBody>{t("apiTokensNoneBody")}</EmptyStateBody>
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
                    placeholder={t("apiTokensSearch")}
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
                    label={t("apiTokensRoleFilter")}
                    testId="role-filter"
                    value={role}
                    allLabel={t("apiTokensAllRoles")}
                    options={roles.map((r) => ({ value: r.name, label: r.displayName }))}
                    onChange={(v) => {
                      setFirst(0);
                      setRole(v);
                    }}
                  />
                </ToolbarItem>
                {showOrganizationFilter && (
                  <ToolbarItem>
                    <FilterSelect
                      label={t("apiTokensOrganizationFilter")}
                      testId="organization-filter"
                      value={organizationFilter}
                      allLabel={t("apiTokensAllOrganizations")}
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
            <Table aria-label={t("apiTokens")} variant="compact" data-testid="tokens-table">
              <Thead>
                <Tr>
                  <Th>{t("apiTokensName")}</Th>
                  <Th>{t("apiTokensRole")}</Th>
                  <Th>{t("apiTokensSiteAccess")}</Th>
                  {showOrganization && <Th>{t("apiTokensOrganization")}</Th>}
                  <Th>{t("apiTokensKey")}</Th>
                  <Th>{t("apiTokensCreatedBy")}</Th>
                  <Th>{t("apiTokensCreated")}</Th>
                  <Th>{t("apiTokensLastUsed")}</Th>
                  <Th>{t("apiTokensExpires")}</Th>
                  <Th>{t("apiTokensUsage")}</Th>
                  {canManage && <Th screenReaderText={t("apiTokensActions")} />}
                </Tr>
              </Thead>
              <Tbody>
                {tokens.length === 0 && (
                  <Tr>
                    <Td colSpan={11}>{t("apiTokensNoMatch")}</Td>
                  </Tr>
                )}
                {tokens.map((token) => (
                  <Tr key={token.id} data-testid={`token-row-${token.name}`}>
                    <Td dataLabel={t("apiTokensName")}>
                      {token.name}{" "}
                      {token.exposed && (
                        <Label color="red" isCompact data-testid="exposed-badge">
                          {t("apiTokensExposed")}
                        </Label>
                      )}
                    </Td>
                    <Td dataLabel={t("apiTokensRole")} data-testid="token-role-cell">{roleLabel(token.role)}</Td>
                    <Td dataLabel={t("apiTokensSiteAccess")}>
                      {token.sites.includes("*") ? (
                        t("apiTokensAllSites")
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
                      <Td dataLabel={t("apiTokensOrganization")} data-testid="token-organization-cell">
                        {organizationName(token.organizationId)}
                      </Td>
                    )}
                    <Td dataLabel={t("apiTokensKey")}>
                      <code>{token.keyHint}</code>
                      {token.previousKeyExpiresAt && (
                        <div data-testid="previous-key">
                          <small>
                            {t("apiTokensPreviousKeyUntil", { hint: token.previousKeyHint, time: formatTime(token.previousKeyExpiresAt) })}
                            {token.previousKeyLastUsedAt
                              ? " · " + t("apiTokensPreviousKeyLastUsed", { time: formatTime(token.previousKeyLastUsedAt) })
                              : ""}
                          </small>
                        </div>
                      )}
                    </Td>
                    <Td dataLabel={t("apiTokensCreatedBy")}>{token.createdBy ?? "—"}</Td>
                    <Td dataLabel={t("apiTokensCreated")}>{formatTime(token.createdAt)}</Td>
                    <Td dataLabel={t("apiTokensLastUsed")}>{formatTime(token.lastUsedAt)}</Td>
                    <Td dataLabel={t("apiTokensExpires")}>
                      {token.expiresAt ? formatTime(token.expiresAt) : t("apiTokensNever")}{" "}
                      {expiresSoon(token.expiresAt, access?.expiryNoticeDays) && (
                        <Label color="orange" isCompact data-testid="expiring-badge">
                          {t("apiTokensExpiringSoon")}
                        </Label>
                      )}
                    </Td>
                    <Td dataLabel={t("apiTokensUsage")}>
                      <Button variant="link" isInline data-testid="show-usage" onClick={() => setDialog({ kind: "usage", token })}>
                        {t("apiTokensUsageShow")}
                      </Button>
                    </Td>
                    {canManage && (
                      <Td isActionCell>
                        <ActionsColumn
                          items={[
                            { title: t("apiTokensEdit"), onClick: () => setDialog({ kind: "edit", token }) },
                            { title: t("apiTokensRotate"), onClick: () => setDialog({ kind: "rotate", token }) },
                            { isSeparator: true },
                            { title: t("apiTokensDelete"), onClick: () => setDialog({ kind: "delete", token }) },
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

      {dialog?.kind === "create" && (
        <TokenFormDialog
          title={t("apiTokensCreateTitle")}
          submitLabel={t("apiTokensCreateSubmit")}
          organizations={organizations}
          realmWideAllowed={realmWideAllowed}
          maxLifetimeDays={maxLifetimeDays}
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
          title={t("apiTokensEditTitle", { name: dialog.token.name })}
          submitLabel={t("apiTokensSave")}
          token={dialog.token}
          organizations={organizations}
          realmWideAllowed={realmWideAllowed}
          maxLifetimeDays={maxLifetimeDays}
          onClose={close}
          onSubmit={async (input) => {
            await api.update(dialog.token.id, input);
            setNotice(t("apiTokensSaved"));
            close();
            load();
          }}
        />
      )}
      {dialog?.kind === "rotate" && (
        <RotateDialog
          token={dialog.token}
          onClose={close}
          onRotate={async (previousKeyExpiresIn) => {
            const rotated = await api.rotate(dialog.token.id, previousKeyExpiresIn);
            setDialog({ kind: "key", token: rotated });
            load();
          }}
        />
      )}
      {dialog?.kind === "delete" && (
        <ConfirmDialog
          title={t("apiTokensDeleteTitle", { name: dialog.token.name })}
          body={t("apiTokensDeleteBody")}
          confirmLabel={t("apiTokensDelete")}
          danger
          onClose={close}
          onConfirm={async () => {
            await api.remove(dialog.token.id);
            setNotice(t("apiTokensDeleted"));
            close();
            load();
          }}
        />
      )}
      {dialog?.kind === "key" && <KeyDialog token={dialog.token} onClose={close} />}
      {dialog?.kind === "usage" && <UsageDialog token={dialog.token} onClose={close} />}
    </>
  );
};
