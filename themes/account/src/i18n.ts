import { createInstance } from "i18next";
import FetchBackend from "i18next-fetch-backend";
import { initReactI18next } from "react-i18next";
import { environment } from "./environment";

type Message = { key: string; value: string };

/** The console's messages (stock keys plus ours from the theme), served by Keycloak per realm and language. */
export const i18n = createInstance({
  lng: environment.locale,
  fallbackLng: "en",
  nsSeparator: false,
  interpolation: { escapeValue: false },
  backend: {
    loadPath: `${environment.serverBaseUrl}/resources/${environment.realm}/account/{{lng}}`,
    parse: (data: string) => {
      const result: Record<string, string> = {};
      (JSON.parse(data) as Message[]).forEach(({ key, value }) => (result[key] = value));
      return result;
    },
  },
});

i18n.use(FetchBackend);
i18n.use(initReactI18next);
