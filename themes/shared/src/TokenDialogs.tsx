import {
  Alert,
  Button,
  Chip,
  ChipGroup,
  ClipboardCopy,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalVariant,
  Radio,
  TextArea,
  TextInput,
} from "@patternfly/react-core";
import { FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useTokensAccess } from "./access";
import { ApiToken, errorText, Organization, TokenInput } from "./api";
import { FieldHelper, FormError, formError } from "./FormErrors";

/** The fields of a token body (SPEC §4) that the form shows; the API names them in its errors. */
const FIELDS = ["name", "organizationId", "role", "sites", "expiresAt", "allowedCidrs"] as const;
type Field = (typeof FIELDS)[number];

/** New tokens start with the least-privileged role, when the server offers it. */
const DEFAULT_ROLE = "observer";

const toDateInput = (millis: number | null) => (millis ? new Date(millis).toISOString().slice(0, 10) : "");
/** A date picked in the form means "until the end of that day" (UTC). */
const fromDateInput = (value: string) => (value ? Date.parse(`${value}T23:59:59Z`) : null);

type TokenFormDialogProps = {
  title: string;
  submitLabel: string;
  token?: ApiToken;
  /** The organizations a new token may belong to (the realm's for admins, the user's own on the account console). */
  organizations?: Organization[];
  /** Whether a new token may belong to no organization (admins only); if not, the first organization is preselected. */
  realmWideAllowed?: boolean;
  /** The realm policy's maximum lifetime: when set, an expiry inside it is required. */
  maxLifetimeDays?: number | null;
  onSubmit: (input: TokenInput) => Promise<void>;
  onClose: () => void;
};

/** Create and edit: name, role, site access, expiry and allowed CIDRs, with errors next to their field. */
export const TokenFormDialog = ({
  title, submitLabel, token, organizations = [], realmWideAllowed = true, maxLifetimeDays, onSubmit, onClose,
}: TokenFormDialogProps) => {
  const { t } = useTranslation();
  const { roles } = useTokensAccess();
  // Someone with one organization and no realm-wide choice has nothing to pick: the server puts the token there.
  const showOrganizations = organizations.length > (realmWideAllowed ? 0 : 1);
  const [organizationId, setOrganizationId] = useState(token?.organizationId ?? (realmWideAllowed ? "" : organizations[0]?.id ?? ""));
  const [name, setName] = useState(token?.name ?? "");
  const [role, setRole] = useState(token?.role ?? (roles.some((r) => r.name === DEFAULT_ROLE) ? DEFAULT_ROLE : roles[0]?.name ?? ""));
  const [allSites, setAllSites] = useState(token ? token.sites.includes("*") : true);
  const [sites, setSites] = useState<string[]>(token && !token.sites.includes("*") ? token.sites : []);
  const [siteDraft, setSiteDraft] = useState("");
  const [expiry, setExpiry] = useState(toDateInput(token?.expiresAt ?? null));
  const [cidrs, setCidrs] = useState((token?.allowedCidrs ?? []).join("\n"));
  const [error, setError] = useState<FormError<Field>>();
  const [busy, setBusy] = useState(false);

  const addSite = () => {
    const draft = siteDraft.trim();
    if (draft && !sites.includes(draft)) setSites([...sites, draft]);
    setSiteDraft("");
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const pendingSites = siteDraft.trim() && !sites.includes(siteDraft.trim()) ? [...sites, siteDraft.trim()] : sites;
    setError(undefined);
    setBusy(true);
    try {
      await onSubmit({
        name,
        role,
        sites: allSites ? ["*"] : pendingSites,
        expiresAt: fromDateInput(expiry),
        allowedCidrs: cidrs.split(/[\s,]+/).filter((c) => c.length > 0),
        ...(token || !showOrganizations ? {} : { organizationId: organizationId || null }),
      });
    } catch (e) {
      // An error about the organization goes to the top of the form when its select is not shown.
      setError(formError(e, showOrganizations ? FIELDS : FIELDS.filter((f) => f !== "organizationId")));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (field: Field) => (error?.field === field ? error.text : undefined);
  const validated = (field: Field) => (fieldError(field) ? "error" : "default");
  const helper = (field: Field, help?: string) => <FieldHelper error={fieldError(field)} help={help} testId={`error-${field}`} />;

  return (
    <Modal
      variant={ModalVariant.medium}
      title={title}
      isOpen
      onClose={onClose}
      actions={[
        <Button key="submit" data-testid="token-form-submit" onClick={() => submit()} isLoading={busy} isDisabled={busy}>
          {submitLabel}
        </Button>,
        <Button key="cancel" variant="link" onClick={onClose}>
          {t("apiTokensCancel")}
        </Button>,
      ]}
    >
      {error && !error.field && <Alert variant="danger" isInline title={error.text} data-testid="token-form-error" />}
      <Form id="token-form" onSubmit={submit}>
        <FormGroup label={t("apiTokensName")} isRequired fieldId="token-name">
          <TextInput id="token-name" data-testid="token-name" value={name} onChange={(_e, v) => setName(v)}
            validated={validated("name")} />
          {helper("name", t("apiTokensNameHelp"))}
        </FormGroup>
        {showOrganizations && (
          <FormGroup label={t("apiTokensOrganization")} fieldId="token-organization">
            <FormSelect
              id="token-organization"
              data-testid="token-organization"
              value={organizationId}
              isDisabled={!!token}
              validated={validated("organizationId")}
              onChange={(_e, v) => setOrganizationId(v)}
            >
              {realmWideAllowed && <FormSelectOption value="" label={t("apiTokensOrganizationNone")} />}
              {organizations.map((o) => (
                <FormSelectOption key={o.id} value={o.id} label={o.name} />
              ))}
            </FormSelect>
            {helper("organizationId", t(token ? "apiTokensOrganizationFixed" : "apiTokensOrganizationHelp"))}
          </FormGroup>
        )}
        <FormGroup label={t("apiTokensRole")} isRequired fieldId="token-role">
          <FormSelect id="token-role" data-testid="token-role" value={role} validated={validated("role")} onChange={(_e, v) => setRole(v)}>
            {roles.map((r) => (
              <FormSelectOption key={r.name} value={r.name} label={r.displayName} />
            ))}
          </FormSelect>
          {helper("role")}
        </FormGroup>
        <FormGroup label={t("apiTokensSiteAccess")} role="radiogroup" isRequired fieldId="token-sites">
          <Radio id="sites-all" data-testid="sites-all" name="sites" label={t("apiTokensAllSites")} isChecked={allSites} onChange={() => setAllSites(true)} />
          <Radio id="sites-some" data-testid="sites-some" name="sites" label={t("apiTokensSpecificSites")} isChecked={!allSites} onChange={() => setAllSites(false)} />
          {!allSites && (
            <>
              <TextInput
                id="token-site"
                data-testid="token-site"
                placeholder={t("apiTokensSitePlaceholder")}
                value={siteDraft}
                onChange={(_e, v) => setSiteDraft(v)}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    addSite();
                  }
                }}
                onBlur={addSite}
                validated={validated("sites")}
              />
              <ChipGroup numChips={20}>
                {sites.map((site) => (
                  <Chip key={site} onClick={() => setSites(sites.filter((s) => s !== site))}>
                    {site}
                  </Chip>
                ))}
              </ChipGroup>
            </>
          )}
          {helper("sites", allSites ? undefined : t("apiTokensSitesHelp"))}
        </FormGroup>
        <FormGroup label={t("apiTokensExpires")} fieldId="token-expiry">
          <TextInput id="token-expiry" data-testid="token-expiry" type="date" value={expiry} onChange={(_e, v) => setExpiry(v)}
            validated={validated("expiresAt")} />
          {helper("expiresAt", maxLifetimeDays ? t("apiTokensExpiresRequired", { days: maxLifetimeDays }) : t("apiTokensExpiresHelp"))}
        </FormGroup>
        <FormGroup label={t("apiTokensCidrs")} fieldId="token-cidrs">
          <TextArea id="token-cidrs" data-testid="token-cidrs" value={cidrs} onChange={(_e, v) => setCidrs(v)} rows={3}
            placeholder="203.0.113.0/24" validated={validated("allowedCidrs")} />
          {helper("allowedCidrs", t("apiTokensCidrsHelp"))}
        </FormGroup>
      </Form>
    </Modal>
  );
};

/** Shows a new key once, with a copy button; closing it forgets the key. */
export const KeyDialog = ({ token, onClose }: { token: ApiToken; onClose: () => void }) => {
  const { t } = useTranslation();
  return (
    <Modal
      variant={ModalVariant.medium}
      title={t("apiTokensKeyTitle", { name: token.name })}
      isOpen
      onClose={onClose}
      actions={[
        <Button key="done" data-testid="key-dialog-close" onClick={onClose}>
          {t("apiTokensKeyCopied")}
        </Button>,
      ]}
    >
      <Alert variant="warning" isInline title={t("apiTokensKeyWarning")} data-testid="key-warning">
        {t("apiTokensKeyWarningBody")}
      </Alert>
      <ClipboardCopy isReadOnly hoverTip={t("apiTokensCopy")} clickTip={t("apiTokensCopiedTip")} data-testid="new-key" className="pf-v5-u-mt-md">
        {token.key}
      </ClipboardCopy>
    </Modal>
  );
};

type ConfirmProps = { title: string; body: string; confirmLabel: string; danger?: boolean; onConfirm: () => Promise<void>; onClose: () => void };

export const ConfirmDialog = ({ title, body, confirmLabel, danger, onConfirm, onClose }: ConfirmProps) => {
  const { t } = useTranslation();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      variant={ModalVariant.small}
      title={title}
      titleIconVariant={danger ? "danger" : "warning"}
      isOpen
      onClose={onClose}
      actions={[
        <Button
          key="confirm"
          data-testid="confirm"
          variant={danger ? "danger" : "primary"}
          isLoading={busy}
          isDisabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await onConfirm();
            } catch (e) {
              setError(errorText(e));
            } finally {
              setBusy(false);
            }
          }}
        >
          {confirmLabel}
        </Button>,
        <Button key="cancel" variant="link" onClick={onClose}>
          {t("apiTokensCancel")}
        </Button>,
      ]}
    >
      {error && <Alert variant="danger" isInline title={error} />}
      {body}
    </Modal>
  );
};

/** How long the old key keeps working after a rotation (SPEC §4 previousKeyExpiresIn); "now" sends none. */
const GRACE_CHOICES = [
  { id: "now", seconds: undefined },
  { id: "hour", seconds: 3600 },
  { id: "day", seconds: 86400 },
  { id: "week", seconds: 604800 },
  { id: "custom", seconds: undefined },
] as const;
type GraceChoice = (typeof GRACE_CHOICES)[number]["id"];

type RotateProps = {
  token: ApiToken;
  onRotate: (previousKeyExpiresIn?: number) => Promise<void>;
  onClose: () => void;
};

/**
 * Rotate with a choice of grace period: the old key stops now, or keeps working for an hour, a
 * day, a week or a custom number of hours, so deployments can switch without downtime. A leaked
 * (exposed) token gets no choice: its key must stop now.
 */
export const RotateDialog = ({ token, onRotate, onClose }: RotateProps) => {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<GraceChoice>("now");
  const [customHours, setCustomHours] = useState("");
  const [error, setError] = useState<FormError<"previousKeyExpiresIn">>();
  const [busy, setBusy] = useState(false);

  const seconds = (): number | undefined => {
    if (choice === "custom") {
      const hours = Number(customHours.trim());
      // what cannot be read as hours goes to the server as it is, so its error names the field
      return customHours.trim() === "" || Number.isNaN(hours) ? (customHours as unknown as number) : Math.round(hours * 3600);
    }
    return GRACE_CHOICES.find((c) => c.id === choice)?.seconds;
  };

  const rotate = async () => {
    setError(undefined);
    setBusy(true);
    try {
      await onRotate(seconds());
    } catch (e) {
      setError(formError(e, ["previousKeyExpiresIn"]));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      variant={ModalVariant.small}
      title={t("apiTokensRotateTitle", { name: token.name })}
      titleIconVariant="warning"
      isOpen
      onClose={onClose}
      data-testid="rotate-dialog"
      actions={[
        <Button key="confirm" data-testid="confirm" isLoading={busy} isDisabled={busy} onClick={rotate}>
          {t("apiTokensRotate")}
        </Button>,
        <Button key="cancel" variant="link" onClick={onClose}>
          {t("apiTokensCancel")}
        </Button>,
      ]}
    >
      {error && !error.field && <Alert variant="danger" isInline title={error.text} />}
      <Form onSubmit={(e: FormEvent) => e.preventDefault()}>
        <p>{choice === "now" || token.exposed ? t("apiTokensRotateBody") : t("apiTokensRotateGraceBody")}</p>
        {!token.exposed && (
          <FormGroup role="radiogroup" label={t("apiTokensRotateOldKey")} fieldId="rotate-grace" isStack>
            {GRACE_CHOICES.map((c) => (
              <Radio
                key={c.id}
                id={`rotate-grace-${c.id}`}
                data-testid={`rotate-grace-${c.id}`}
                name="rotate-grace"
                label={t(`apiTokensRotateGrace_${c.id}`)}
                isChecked={choice === c.id}
                onChange={() => setChoice(c.id)}
              />
            ))}
            {choice === "custom" && (
              <>
                <TextInput
                  id="rotate-grace-hours"
                  data-testid="rotate-grace-hours"
                  aria-label={t("apiTokensRotateGraceHours")}
                  placeholder={t("apiTokensRotateGraceHours")}
                  inputMode="decimal"
                  value={customHours}
                  validated={error?.field === "previousKeyExpiresIn" ? "error" : "default"}
                  onChange={(_e, v) => setCustomHours(v)}
                />
                <FieldHelper
                  error={error?.field === "previousKeyExpiresIn" ? error.text : undefined}
                  help={t("apiTokensRotateGraceHoursHelp")}
                  testId="rotate-grace-error"
                />
              </>
            )}
          </FormGroup>
        )}
      </Form>
    </Modal>
  );
};
