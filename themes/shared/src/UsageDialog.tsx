import { Alert, Button, FormGroup, FormSelect, FormSelectOption, Modal, ModalVariant, Spinner, Title } from "@patternfly/react-core";
import { Caption, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useTokensAccess } from "./access";
import { ApiToken, errorText, REFUSAL_REASONS, RefusalReason, Usage, UsageDay } from "./api";

/** The windows the dialog offers, in days (the API takes 1 to 90). */
const WINDOWS = [7, 30, 90];
const DAY_MILLIS = 86_400_000;

/** Bar colours: PatternFly's chart palette, admitted first, then the refusals stacked on top in this order. */
const COLORS: Record<"admitted" | RefusalReason, string> = {
  admitted: "var(--pf-v5-chart-color-blue-300, #0066cc)",
  rate_limited: "var(--pf-v5-chart-color-gold-300, #f0ab00)",
  address_not_allowed: "var(--pf-v5-chart-color-purple-300, #8476d1)",
  expired: "var(--pf-v5-chart-color-black-400, #6a6e73)",
  previous_key_expired: "var(--pf-v5-chart-color-cyan-300, #009596)",
  exposed: "var(--pf-v5-chart-color-red-100, #c9190b)",
};
const SERIES = ["admitted", ...REFUSAL_REASONS] as const;

/** The UTC days of a window ending today, oldest first, as the API names them (YYYY-MM-DD). */
const windowDays = (days: number, now = Date.now()) =>
  Array.from({ length: days }, (_, i) => new Date(now - (days - 1 - i) * DAY_MILLIS).toISOString().slice(0, 10));

const refusedTotal = (d: UsageDay) => REFUSAL_REASONS.reduce((sum, r) => sum + d.refused[r], 0);

/** A round top for the y axis (1, 2 or 5 times a power of ten per step) and its step. */
const axis = (max: number) => {
  if (max <= 0) return { top: 4, step: 1 };
  const rough = max / 4;
  const power = Math.pow(10, Math.floor(Math.log10(rough)));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power);
  return { top: step * Math.ceil(max / step), step };
};

/**
 * The window's days as stacked bars (admitted, then each refusal reason), drawn as plain SVG: PatternFly 5's
 * chart package would bring Victory and a second PatternFly generation into both consoles for one chart.
 * The same figures follow as a table, which is what screen readers read.
 */
export const UsageChart = ({ usage }: { usage: Usage }) => {
  const { t } = useTranslation();
  const byDay = new Map(usage.daily.map((d) => [d.day, d]));
  const days = windowDays(usage.days);
  const totals = usage.daily.map((d) => d.admitted + refusedTotal(d));
  const { top, step } = axis(Math.max(0, ...totals));
  const width = 760;
  const height = 240;
  const left = 56;
  const bottom = 28;
  const plotWidth = width - left - 8;
  const plotHeight = height - bottom - 8;
  const slot = plotWidth / days.length;
  const barWidth = Math.max(1, slot * 0.7);
  const y = (value: number) => 8 + plotHeight - (value / top) * plotHeight;
  const labelEvery = Math.ceil(days.length / 8);
  const admitted = usage.daily.reduce((sum, d) => sum + d.admitted, 0);
  const refused = usage.daily.reduce((sum, d) => sum + refusedTotal(d), 0);
  return (
    <figure className="pf-v5-u-m-0" data-testid="usage-chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={t("apiTokensUsageChartSummary", { days: usage.days, admitted, refused })}>
        {Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step).map((v) => (
          <g key={v}>
            <line x1={left} x2={width - 8} y1={y(v)} y2={y(v)} stroke="#d2d2d2" strokeWidth={v === 0 ? 1.5 : 0.5} />
            <text x={left - 6} y={y(v) + 4} textAnchor="end" fontSize="11" fill="#6a6e73">
              {v.toLocaleString()}
            </text>
          </g>
        ))}
        {days.map((day, i) => {
          const d = byDay.get(day);
          const x = left + i * slot + (slot - barWidth) / 2;
          let base = 0;
          return (
            <g key={day} data-testid={`usage-bar-${day}`} data-admitted={d?.admitted ?? 0} data-refused={d ? refusedTotal(d) : 0}>
              <title>
                {d
                  ? `${day}: ${t("apiTokensUsageAdmittedCount", { n: d.admitted })}, ${t("apiTokensUsageRefusedCount", { n: refusedTotal(d) })}`
                  : `${day}: ${t("apiTokensUsageNoUse")}`}
              </title>
              {d &&
                SERIES.map((series) => {
                  const value = series === "admitted" ? d.admitted : d.refused[series];
                  if (value === 0) return null;
                  const rect = (
                    <rect key={series} data-series={series} x={x} width={barWidth} y={y(base + value)}
                      height={Math.max(1, y(base) - y(base + value))} fill={COLORS[series]} />
                  );
                  base += value;
                  return rect;
                })}
              {i % labelEvery === 0 && (
                <text x={left + i * slot + slot / 2} y={height - 10} textAnchor="middle" fontSize="11" fill="#6a6e73">
                  {day.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="pf-v5-u-font-size-sm" aria-hidden="true">
        {SERIES.map((series) => (
          <span key={series} style={{ whiteSpace: "nowrap", marginRight: 16 }}>
            <span style={{ display: "inline-block", width: 10, height: 10, background: COLORS[series], marginRight: 4 }} />
            {t(`apiTokensUsage_${series}`)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
};

/** The chart's figures, a row per day with any use, as the API gives them. */
export const UsageTable = ({ usage }: { usage: Usage }) => {
  const { t } = useTranslation();
  return (
    <Table variant="compact" data-testid="usage-table" aria-label={t("apiTokensUsageTableCaption")}>
      <Caption>{t("apiTokensUsageTableCaption")}</Caption>
      <Thead>
        <Tr>
          <Th modifier="wrap">{t("apiTokensUsageDay")}</Th>
          <Th modifier="wrap">{t("apiTokensUsage_admitted")}</Th>
          <Th modifier="wrap">{t("apiTokensUsageTokenPath")}</Th>
          <Th modifier="wrap">{t("apiTokensUsageGatewayPath")}</Th>
          {REFUSAL_REASONS.map((r) => (
            <Th key={r} modifier="wrap">{t(`apiTokensUsage_${r}`)}</Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {usage.daily.length === 0 && (
          <Tr>
            <Td colSpan={4 + REFUSAL_REASONS.length} data-testid="usage-none">{t("apiTokensUsageNone")}</Td>
          </Tr>
        )}
        {usage.daily.map((d) => (
          <Tr key={d.day} data-testid={`usage-row-${d.day}`}>
            <Td dataLabel={t("apiTokensUsageDay")}>{d.day}</Td>
            <Td dataLabel={t("apiTokensUsage_admitted")} data-testid="usage-admitted">{d.admitted}</Td>
            <Td dataLabel={t("apiTokensUsageTokenPath")} data-testid="usage-token">{d.byPath.token}</Td>
            <Td dataLabel={t("apiTokensUsageGatewayPath")} data-testid="usage-gateway">{d.byPath.gateway}</Td>
            {REFUSAL_REASONS.map((r) => (
              <Td key={r} dataLabel={t(`apiTokensUsage_${r}`)} data-testid={`usage-${r}`}>{d.refused[r]}</Td>
            ))}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};

/** A token's usage: window, chart, the same figures as a table, and the last addresses that used its keys. */
export const UsageDialog = ({ token, onClose }: { token: ApiToken; onClose: () => void }) => {
  const { t } = useTranslation();
  const { api } = useTokensAccess();
  const [days, setDays] = useState(30);
  const [usage, setUsage] = useState<Usage>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    setUsage(undefined);
    setError(undefined);
    api.usage(token.id, days)
      .then((u) => current && setUsage(u))
      .catch((e) => current && setError(errorText(e)));
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token.id, days]);

  return (
    <Modal
      variant={ModalVariant.large}
      title={t("apiTokensUsageTitle", { name: token.name })}
      isOpen
      onClose={onClose}
      data-testid="usage-dialog"
      actions={[
        <Button key="close" variant="secondary" data-testid="usage-close" onClick={onClose}>
          {t("apiTokensUsageClose")}
        </Button>,
      ]}
    >
      <FormGroup label={t("apiTokensUsageWindow")} fieldId="usage-window" className="pf-v5-u-mb-md" style={{ maxWidth: 240 }}>
        <FormSelect id="usage-window" data-testid="usage-window" value={String(days)} onChange={(_e, v) => setDays(Number(v))}>
          {WINDOWS.map((w) => (
            <FormSelectOption key={w} value={String(w)} label={t("apiTokensUsageLastDays", { n: w })} />
          ))}
        </FormSelect>
      </FormGroup>
      {error && <Alert variant="danger" isInline title={error} data-testid="usage-error" />}
      {!usage && !error && <Spinner size="lg" />}
      {usage && (
        <>
          <UsageChart usage={usage} />
          <UsageTable usage={usage} />
          <Title headingLevel="h3" size="md" className="pf-v5-u-mt-lg">
            {t("apiTokensUsageAddresses")}
          </Title>
          <Table variant="compact" data-testid="usage-addresses" aria-label={t("apiTokensUsageAddresses")}>
            <Thead>
              <Tr>
                <Th>{t("apiTokensUsageAddress")}</Th>
                <Th>{t("apiTokensUsageLastSeen")}</Th>
                <Th>{t("apiTokensUsageUses")}</Th>
              </Tr>
            </Thead>
            <Tbody>
              {usage.recentAddresses.length === 0 && (
                <Tr>
                  <Td colSpan={3}>{t("apiTokensUsageNoAddresses")}</Td>
                </Tr>
              )}
              {usage.recentAddresses.map((a) => (
                <Tr key={a.ip} data-testid={`usage-address-${a.ip}`}>
                  <Td dataLabel={t("apiTokensUsageAddress")}><code>{a.ip}</code></Td>
                  <Td dataLabel={t("apiTokensUsageLastSeen")}>{new Date(a.lastSeenAt).toLocaleString()}</Td>
                  <Td dataLabel={t("apiTokensUsageUses")} data-testid="usage-address-uses">{a.uses}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </>
      )}
    </Modal>
  );
};
