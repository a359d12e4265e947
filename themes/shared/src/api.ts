/** The token resource of the extension's REST API (SPEC §3). */
export type ApiToken = {
  id: string;
  name: string;
  role: string;
  sites: string[];
  organizationId: string | null;
  keyHint: string;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
  expiresAt: number | null;
  allowedCidrs: string[];
  exposed: boolean;
  /** After a rotation with a grace period, while the old key works: its hint and when it stops. */
  previousKeyHint: string | null;
  previousKeyExpiresAt: number | null;
  previousKeyLastUsedAt: number | null;
  key?: string;
};

export type TokenInput = {
  name: string;
  role: string;
  sites: string[];
  expiresAt: number | null;
  allowedCidrs: string[];
  organizationId?: string | null;
};

/** A role a token can carry: `name` is sent and stored, `displayName` is shown. */
export type Role = { name: string; displayName: string };

/** GET /access: what the caller may do, and the roles a token can carry (the one list of them). */
export type Access = {
  view: boolean;
  manage: boolean;
  roles: Role[];
  /** The first notice period of the realm's expiry notices (days), null when they are off: the list marks tokens inside it. */
  expiryNoticeDays?: number | null;
};

/** The realm policy (GET/PUT /settings, admin path only); null means no limit. */
export type Policy = {
  maxLifetimeDays: number | null;
  loginRateLimitPerHour: number | null;
  maxTokens: number | null;
  /** Client ids whose access tokens may use the realm path. */
  managementClients: string[];
  /** Lifecycle notices (SPEC §9): days before expiry at which mails go out, largest first; [] = off. */
  expiryNoticeDays: number[];
  /** Unused tokens are deleted after this many days (null = never), after a notice this many days before. */
  deleteUnusedAfterDays: number | null;
  unusedNoticeDays: number;
  /** Extra recipients of every notice. */
  noticeEmails: string[];
  /** Days of usage kept (SPEC §10), today included. */
  usageRetentionDays: number;
  /** Whether key uses are counted for the usage views; off, nothing is recorded. */
  usageCounting: boolean;
};

/** The policy's lists; the rest are figures. */
type PolicyList = "managementClients" | "expiryNoticeDays" | "noticeEmails";

/** A PUT /settings body: figures and list items as typed (the server names the field of a bad one). */
export type PolicyUpdate = Record<Exclude<keyof Policy, PolicyList | "usageCounting">, number | string | null> & {
  usageCounting: boolean;
  managementClients: string[];
  expiryNoticeDays: (number | string)[];
  noticeEmails: string[];
};

/** The refusal reasons usage counts (SPEC §10), in the order the consoles stack them. */
export const REFUSAL_REASONS = ["rate_limited", "address_not_allowed", "expired", "previous_key_expired", "exposed"] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** One UTC day of a token's use (GET /{id}/usage): only days with any use are listed, oldest first. */
export type UsageDay = {
  day: string;
  admitted: number;
  refused: Record<RefusalReason, number>;
  byPath: { token: number; gateway: number };
};

/** GET /{id}/usage?days=: a token's days and its last client addresses, newest first. */
export type Usage = {
  tokenId: string;
  days: number;
  daily: UsageDay[];
  recentAddresses: { ip: string; lastSeenAt: number; uses: number }[];
};

export type Organization = { id: string; name: string; alias?: string };

export type ListParams = { first: number; max: number; search?: string; role?: string; organizationId?: string };

/** An error answer of the API: {"error", "error_description"}, and "field" when one field of the request is at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly field?: string,
  ) {
    super(description);
  }
}

/** The text to show for a failed call. */
export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The calls of one front door, `base` being `/admin/realms/{realm}/org-api-tokens` (the admin console's token)
 * or `/realms/{realm}/org-api-tokens` (the account console's token); `getToken` gives a fresh bearer token.
 */
export function createTokensApi(base: string, getToken: () => Promise<string | undefined>) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await getToken();
    const response = await fetch(base + path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined; // an HTML error page of a proxy, say: the status tells
    }
    if (!response.ok) {
      throw new ApiError(
        response.status,
        json?.error ?? String(response.status),
        json?.error_description ?? json?.errorMessage ?? response.statusText,
        json?.field,
      );
    }
    return json as T;
  }

  return {
    access: () => call<Access>("GET", "/access"),
    settings: () => call<Policy>("GET", "/settings"),
    // Fields the form could not read as numbers go as typed, so the server's error names the field.
    updateSettings: (policy: PolicyUpdate) => call<Policy>("PUT", "/settings", policy),
    list: (params: ListParams) => {
      const query = new URLSearchParams({ first: String(params.first), max: String(params.max) });
      if (params.search) query.set("search", params.search);
      if (params.role) query.set("role", params.role);
      if (params.organizationId) query.set("organizationId", params.organizationId);
      return call<ApiToken[]>("GET", `?${query}`);
    },
    create: (input: TokenInput) => call<ApiToken>("POST", "", input),
    update: (id: string, input: TokenInput) => call<ApiToken>("PUT", `/${id}`, input),
    /** previousKeyExpiresIn: seconds the old key keeps working; undefined: it stops at once. */
    rotate: (id: string, previousKeyExpiresIn?: number) =>
      call<ApiToken>("POST", `/${id}/rotate`, previousKeyExpiresIn === undefined ? {} : { previousKeyExpiresIn }),
    remove: (id: string) => call<void>("DELETE", `/${id}`),
    usage: (id: string, days: number) => call<Usage>("GET", `/${id}/usage?days=${days}`),
  };
}

export type TokensApi = ReturnType<typeof createTokensApi>;
