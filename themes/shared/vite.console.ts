import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { PluginOption, UserConfig } from "vite";

/**
 * The Vite build of one console page against one release of Keycloak's console package: the build
 * folder (themes/<console>/builds/<release>) holds package.json, package-lock.json, a vite.config.ts
 * calling this, and adapter.ts(x): what the sources take from that release beyond the names every
 * release exports (alias "@org-api-tokens/adapter"). The sources are the console's own
 * (themes/<console>/src) and the shared ones (themes/shared/src, alias "@org-api-tokens/shared").
 *
 * The sources live outside the build folder, so every package they import is resolved from the build
 * folder's node_modules (dedupe of all its dependencies): one copy of each library, the release's own.
 * The output (dist/) goes into the JAR as theme/org-api-tokens/<console>/resources-<release>; Keycloak
 * finds the entry script through .vite/manifest.json. React comes from Keycloak's import map, as for
 * the stock console.
 */
export function consoleBuild(configUrl: string, react: () => PluginOption, aliases: Record<string, string> = {}): UserConfig {
  const build = dirname(fileURLToPath(configUrl));
  const console = resolve(build, "../..");
  const pkg = JSON.parse(readFileSync(resolve(build, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  return {
    root: build,
    plugins: [react()],
    base: "",
    resolve: {
      alias: {
        "@org-api-tokens/shared": resolve(console, "../shared/src"),
        "@org-api-tokens/adapter": resolve(build, "adapter"),
        ...Object.fromEntries(Object.entries(aliases).map(([name, path]) => [name, resolve(build, path)])),
      },
      dedupe: Object.keys(pkg.dependencies),
    },
    build: {
      outDir: "dist",
      emptyOutDir: true,
      manifest: true,
      sourcemap: false,
      chunkSizeWarningLimit: 8000,
      rollupOptions: {
        input: resolve(console, "src/main.tsx"),
        external: ["react", "react/jsx-runtime", "react-dom"],
      },
    },
  };
}
