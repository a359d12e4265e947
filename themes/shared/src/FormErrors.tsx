import { FormHelperText, HelperText, HelperTextItem } from "@patternfly/react-core";
import { ApiError, errorText } from "./api";

/** An error shown by a form: next to `field` when set, else at the top of the form. */
export type FormError<F extends string> = { field?: F; text: string };

/** Places a failed call's error by the field the API named ("field"), when the form shows it; the text is the API's own. */
export const formError = <F extends string>(e: unknown, fields: readonly F[]): FormError<F> => ({
  field: e instanceof ApiError ? fields.find((f) => f === e.field) : undefined,
  text: errorText(e),
});

type FieldHelperProps = { error?: string; help?: string; testId: string };

/** Below a field: its error if it has one, else its help text, if any. */
export const FieldHelper = ({ error, help, testId }: FieldHelperProps) =>
  error || help ? (
    <FormHelperText>
      <HelperText>
        {error ? (
          <HelperTextItem variant="error" data-testid={testId}>
            {error}
          </HelperTextItem>
        ) : (
          <HelperTextItem>{help}</HelperTextItem>
        )}
      </HelperText>
    </FormHelperText>
  ) : null;
