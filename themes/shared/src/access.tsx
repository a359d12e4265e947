import { createContext, PropsWithChildren, useContext, useEffect, useState } from "react";
import { Access, errorText, TokensApi } from "./api";

type Answer = { scope?: string; access?: Access; error?: string };
type Value = { api?: TokensApi; access?: Access; error?: string };

const AccessContext = createContext<Value>({});

type ProviderProps = PropsWithChildren<{
  /** The calls of the console's front door. */
  api: TokensApi;
  /** What the answer belongs to (the realm): a new scope asks again. */
  scope: string;
}>;

/** Asks GET /access once per scope and holds the answer, with the API, for the navigation, the page and its dialogs. */
export const TokensAccessProvider = ({ api, scope, children }: ProviderProps) => {
  const [answer, setAnswer] = useState<Answer>({});

  useEffect(() => {
    let current = true;
    api.access()
      .then((access) => current && setAnswer({ scope, access }))
      .catch((e) => current && setAnswer({ scope, error: errorText(e) }));
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scope]);

  const known = answer.scope === scope ? answer : {};
  return <AccessContext.Provider value={{ api, access: known.access, error: known.error }}>{children}</AccessContext.Provider>;
};

/**
 * What GET /access answered: `access` once it is known, `error` if it failed (403 for whoever may not read
 * tokens); `roles` and `roleLabel` are the roles a token can carry, from that answer; `api` makes the calls.
 */
export const useTokensAccess = () => {
  const { api, access, error } = useContext(AccessContext);
  const roles = access?.roles ?? [];
  const roleLabel = (name: string) => roles.find((r) => r.name === name)?.displayName ?? name;
  return { api: api!, access, error, roles, roleLabel };
};
