// Builds every console build (themes/<console>/builds/<release>: npm ci, vite build) and copies each
// into the JAR's classes as theme/org-api-tokens/<console>/resources-<release>, where the extension's
// theme provider serves the one that fits the running Keycloak line (setup/ConsoleBuilds.java).
// Also installs the browser tests' Playwright (themes/shared/e2e). Run by Maven (exec-maven-plugin,
// generate-resources) as: node themes/build.mjs <classes directory>; skipped with -Dskip.ui=true.
// Prints how long each step took, so that CI time per build is known.
import { spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const themes = dirname(fileURLToPath(import.meta.url));
const classes = process.argv[2];
if (!classes) throw new Error("usage: node themes/build.mjs <classes directory>");

const npm = (dir, ...args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.platform === "win32" ? "npm.cmd" : "npm", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`npm ${args.join(" ")} in ${dir} failed (exit ${code}):\n${output}`)),
    );
  });

const timed = async (label, fn) => {
  const start = Date.now();
  await fn();
  console.log(`[console builds] ${label}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
};

const install = (dir) => npm(dir, "ci", "--no-audit", "--no-fund");

const builds = ["admin", "account"].flatMap((type) =>
  readdirSync(join(themes, type, "builds"))
    .sort()
    .map((release) => ({ type, release, dir: join(themes, type, "builds", release) })),
);

const started = Date.now();
// No build of an earlier run that is gone from themes/ stays in the classes.
for (const type of ["admin", "account"]) {
  const dir = join(classes, "theme", "org-api-tokens", type);
  if (existsSync(dir)) for (const old of readdirSync(dir).filter((f) => f.startsWith("resources"))) rmSync(join(dir, old), { recursive: true });
}
await timed("npm ci themes/shared/e2e (Playwright)", () => install(join(themes, "shared", "e2e")));
for (const { type, release, dir } of builds) {
  await timed(`npm ci themes/${type}/builds/${release}`, () => install(dir));
  await timed(`vite build themes/${type}/builds/${release}`, () => npm(dir, "run", "build"));
  const dist = join(dir, "dist");
  if (!existsSync(join(dist, ".vite", "manifest.json"))) throw new Error(`${dist} has no .vite/manifest.json`);
  cpSync(dist, join(classes, "theme", "org-api-tokens", type, `resources-${release}`), { recursive: true });
}
console.log(`[console builds] ${builds.length} builds in ${((Date.now() - started) / 1000).toFixed(1)} s`);
