import {
  ActionGroup,
  Alert,
  Button,
  Form,
  FormGroup,
  PageSection,
  Spinner,
  Switch,
  TextInput,
} from "@patternfly/react-core";
import { FormEvent, useEffect, useState } from "react";
import { Policy, PolicyUpdate } from "@org-api-tokens/shared/api";
import { FieldHelper, FormError, formError } from "@org-api-tokens/shared/FormErrors";
import { commaList, figure } from "@org-api-tokens/shared/formValues";
import {
  NOTICE_FIELDS,
  NoticeField,
  NoticeSettings,
  NoticeValues,
  noticeUpdate,
  noticeValues,
} from "@org-api-tokens/shared/NoticeSettings";

type Field = keyof Policy;
type Figure = Exclude<Field, "managementClients" | "usageCounting" | NoticeField>;

const FIGURES: { field: Figure; label: string; help: string }[] = [
  {
    field: "maxLifetimeDays",
    label: "Maximum token lifetime (days)",
    help: "New and edited tokens must expire within this many days. Empty: tokens may never expire.",
  },
  {
    field: "loginRateLimitPerHour",
    label: "Logins per token per hour",
    help: "Key logins and gateway checks over this get 429 with Retry-After, counted across the cluster. Empty: no limit.",
  },
  {
    field: "maxTokens",
    label: "Maximum number of tokens",
    help: "Per organization, and for the realm's tokens outside organizations. Empty: no limit.",
  },
  {
    field: "usageRetentionDays",
    label: "Keep usage for (days)",
    help: "Each token's daily use counts and recent addresses older than this are deleted (1 to 3650). Usage views show at most 90 days.",
  },
];

const CLIENTS_HELP =
  "Client ids whose access tokens may manage tokens on the realm path (/realms/{realm}/org-api-tokens), comma-separated. " +
  "A super-user's token from any other client of the realm is refused, so a stolen app token cannot mint keys.";

const toText = (value: number | null) => (value === null ? "" : String(value));

type PolicyFormProps = {
  policy?: Policy;
  canManage: boolean;
  onSave: (values: PolicyUpdate) => Promise<void>;
};

/** The realm policy of SPEC §4 /settings: read by viewers, changed by managers. */
export const PolicyForm = ({ policy, canManage, onSave }: PolicyFormProps) => {
  const [values, setValues] = useState<Record<Figure | "managementClients", string>>();
  const [notices, setNotices] = useState<NoticeValues>();
  const [counting, setCounting] = useState(true);
  const [error, setError] = useState<FormError<Field>>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (policy) {
      setValues({
        maxLifetimeDays: toText(policy.maxLifetimeDays),
        loginRateLimitPerHour: toText(policy.loginRateLimitPerHour),
        maxTokens: toText(policy.maxTokens),
        usageRetentionDays: toText(policy.usageRetentionDays),
        managementClients: policy.managementClients.join(", "),
      });
      setNotices(noticeValues(policy));
      setCounting(policy.usageCounting);
    }
  }, [policy]);

  if (!values || !notices) return <Spinner />;

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    setError(undefined);
    setSaved(false);
    setBusy(true);
    try {
      await onSave({
        maxLifetimeDays: figure(values.maxLifetimeDays),
        loginRateLimitPerHour: figure(values.loginRateLimitPerHour),
        maxTokens: figure(values.maxTokens),
        usageRetentionDays: figure(values.usageRetentionDays),
        managementClients: commaList(values.managementClients),
        usageCounting: counting,
        ...noticeUpdate(notices),
      });
      setSaved(true);
    } catch (e) {
      setError(formError<Field>(e, [...FIGURES.map((f) => f.field), "managementClients", ...NOTICE_FIELDS]));
    } finally {
      setBusy(false);
    }
  };

  return (
    <PageSection variant="light">
      <Form onSubmit={submit} isHorizontal data-testid="policy-form">
        {saved && <Alert variant="success" isInline title="The policy was saved. It applies from now on." data-testid="policy-saved" />}
        {error && !error.field && <Alert variant="danger" isInline title={error.text} data-testid="policy-error" />}
        {FIGURES.map(({ field, label, help }) => (
          <FormGroup key={field} label={label} fieldId={`policy-${field}`}>
            <TextInput
              id={`policy-${field}`}
              data-testid={`policy-${field}`}
              inputMode="numeric"
              value={values[field]}
              isDisabled={!canManage}
              validated={error?.field === field ? "error" : "default"}
              onChange={(_e, v) => setValues({ ...values, [field]: v })}
            />
            <FieldHelper error={error?.field === field ? error.text : undefined} help={help} testId={`policy-error-${field}`} />
          </FormGroup>
        ))}
        <FormGroup label="Management clients" fieldId="policy-managementClients">
          <TextInput
            id="policy-managementClients"
            data-testid="policy-managementClients"
            value={values.managementClients}
            isDisabled={!canManage}
            validated={error?.field === "managementClients" ? "error" : "default"}
            onChange={(_e, v) => setValues({ ...values, managementClients: v })}
          />
          <FieldHelper
            error={error?.field === "managementClients" ? error.text : undefined}
            help={CLIENTS_HELP}
            testId="policy-error-managementClients"
          />
        </FormGroup>
        <FormGroup label="Usage" fieldId="policy-usageCounting">
          <Switch
            id="policy-usageCounting"
            data-testid="policy-usageCounting"
            label="Count each token's key uses (daily counts and the last addresses)"
            isChecked={counting}
            isDisabled={!canManage}
            onChange={(_e, on) => setCounting(on)}
          />
        </FormGroup>
        <NoticeSettings values={notices} canManage={canManage} error={error} onChange={setNotices} />
        {canManage && (
          <ActionGroup>
            <Button type="submit" data-testid="policy-save" isLoading={busy} isDisabled={busy}>
              Save
            </Button>
          </ActionGroup>
        )}
      </Form>
    </PageSection>
  );
};
