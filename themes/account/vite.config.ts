import react from "@vitejs/plugin-react-swc";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// Built into the extension JAR as theme/org-api-tokens/account/resources; Keycloak finds the entry
// script through .vite/manifest.json. React comes from Keycloak's import map, as for the stock console.
// The token table and dialogs come from ../shared/src, one implementation for this theme and the admin
// theme; its imports resolve to this theme's node_modules (dedupe), so there is one copy of each library.
export default defineConfig({
  plugins: [react()],
  base: "",
  resolve: {
    alias: { "@org-api-tokens/shared": fileURLToPath(new URL("../shared/src", import.meta.url)) },
    dedupe: ["react", "react-dom", "react-i18next", "i18next", "@patternfly/react-core", "@patternfly/react-icons", "@patternfly/react-table"],
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      input: "src/main.tsx",
      external: ["react", "react/jsx-runtime", "react-dom"],
    },
  },
});
