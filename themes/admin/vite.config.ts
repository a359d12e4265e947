import react from "@vitejs/plugin-react-swc";
import { defineConfig } from "vite";

// Built into the extension JAR as theme/org-api-tokens/admin/resources; Keycloak finds the entry
// script through .vite/manifest.json. React comes from Keycloak's import map, as for the stock console.
export default defineConfig({
  plugins: [react()],
  base: "",
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
