import { FormGroup, TextInput } from "@patternfly/react-core";
import { FieldHelper, FormError } from "./FormErrors";
import { Policy, PolicyUpdate } from "./api";
import { commaList, figure } from "./formValues";

/** The lifecycle-notice fields of the realm policy (SPEC §9), as the Policy tab edits them: text, sent as typed. */
export type NoticeField = "expiryNoticeDays" | "deleteUnusedAfterDays" | "unusedNoticeDays" | "noticeEmails";
export const NOTICE_FIELDS: readonly NoticeField[] = ["expiryNoticeDays", "deleteUnusedAfterDays", "unusedNoticeDays", "noticeEmails"];
export type NoticeValues = Record<NoticeField, string>;

const FIELDS: { field: NoticeField; label: string; help: string; numeric: boolean }[] = [
  {
    field: "expiryNoticeDays",
    label: "Expiry notices (days before)",
    help: "E-mails at these days before a token expires, comma-separated (at most 5, 1 to 365). Empty: no expiry notices.",
    numeric: false,
  },
  {
    field: "deleteUnusedAfterDays",
    label: "Delete unused tokens after (days)",
    help: "A token not used for this long is deleted after a notice. Empty: never.",
    numeric: true,
  },
  {
    field: "unusedNoticeDays",
    label: "Notice before deleting (days)",
    help: "How long before an unused token's deletion its notice goes out. A use in between cancels the deletion.",
    numeric: true,
  },
  {
    field: "noticeEmails",
    label: "Also notify",
    help: "E-mail addresses told of every notice, comma-separated, besides the token's creator and its organization's Super Users.",
    numeric: false,
  },
];


export const noticeValues = (policy: Policy): NoticeValues => ({
  expiryNoticeDays: policy.expiryNoticeDays.join(", "),
  deleteUnusedAfterDays: policy.deleteUnusedAfterDays === null ? "" : String(policy.deleteUnusedAfterDays),
  unusedNoticeDays: String(policy.unusedNoticeDays),
  noticeEmails: policy.noticeEmails.join(", "),
});

export const noticeUpdate = (values: NoticeValues): Pick<PolicyUpdate, NoticeField> => ({
  expiryNoticeDays: commaList(values.expiryNoticeDays).map((d) => (/^\d+$/.test(d) ? Number(d) : d)),
  deleteUnusedAfterDays: figure(values.deleteUnusedAfterDays),
  unusedNoticeDays: figure(values.unusedNoticeDays),
  noticeEmails: commaList(values.noticeEmails),
});

type NoticeSettingsProps = {
  values: NoticeValues;
  canManage: boolean;
  error?: FormError<string>;
  onChange: (values: NoticeValues) => void;
};

/** The notice fields for a policy form; errors shown by the field the server named. */
export const NoticeSettings = ({ values, canManage, error, onChange }: NoticeSettingsProps) => (
  <>
    {FIELDS.map(({ field, label, help, numeric }) => (
      <FormGroup key={field} label={label} fieldId={`policy-${field}`}>
        <TextInput
          id={`policy-${field}`}
          data-testid={`policy-${field}`}
          inputMode={numeric ? "numeric" : "text"}
          value={values[field]}
          isDisabled={!canManage}
          validated={error?.field === field ? "error" : "default"}
          onChange={(_e, v) => onChange({ ...values, [field]: v })}
        />
        <FieldHelper error={error?.field === field ? error.text : undefined} help={help} testId={`policy-error-${field}`} />
      </FormGroup>
    ))}
  </>
);

const DAY = 86_400_000;

/** Whether a token expires within the first notice period (the list marks it), given GET /access's expiryNoticeDays. */
export const expiresSoon = (expiresAt: number | null, noticeDays: number | null | undefined, now = Date.now()) =>
  expiresAt !== null && !!noticeDays && expiresAt > now && expiresAt - now <= noticeDays * DAY;
