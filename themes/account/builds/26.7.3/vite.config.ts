import react from "@vitejs/plugin-react-swc";
import { defineConfig } from "vite";
import { consoleBuild } from "../../../shared/vite.console";

// The library's own stylesheet (the masthead's brand size, its pages): its package exports no path to it.
export default defineConfig(
  consoleBuild(import.meta.url, react, { "@account-ui-css": "node_modules/@keycloak/keycloak-account-ui/lib/keycloak-account-ui.css" }),
);
