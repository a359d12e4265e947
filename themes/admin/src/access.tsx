import { useRealm } from "@keycloak/keycloak-admin-ui";
import { createContext, PropsWithChildren, useContext, useEffect, useState } from "react";
import { Access, errorText, useTokensApi } from "./api";

type Answer = { realm?: string; access?: Access; error?: string };

const NONE: Answer = {};
const AccessContext = createContext<Answer>(NONE);

/** Asks GET /access once per realm and holds the answer for the navigation, the page and its dialogs. */
export const TokensAccessProvider = ({ children }: PropsWithChildren) => {
  const { realm } = useRealm();
  const api = useTokensApi(realm);
  const [answer, setAnswer] = useState<Answer>(NONE);

  useEffect(() => {
    let current = true;
    api.access()
      .then((access) => current && setAnswer({ realm, access }))
      .catch((e) => current && setAnswer({ realm, error: errorText(e) }));
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [realm]);

  return <AccessContext.Provider value={answer.realm === realm ? answer : NONE}>{children}</AccessContext.Provider>;
};

/**
 * What GET /access answered for the current realm: `access` once it is known, `error` if it failed (403 for
 * admins who may not read tokens); `roles` and `roleLabel` are the roles a token can carry, from that answer.
 */
export const useTokensAccess = () => {
  const { access, error } = useContext(AccessContext);
  const roles = access?.roles ?? [];
  const roleLabel = (name: string) => roles.find((r) => r.name === name)?.displayName ?? name;
  return { access, error, roles, roleLabel };
};
