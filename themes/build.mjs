// Builds every console build (themes/<console>/builds/<release>: npm ci, vite build) and copies each
// into the JAR's classes as theme/org-api-tokens/<console>/resources-<release>, where the extension's
// theme provider serves the one that fits the running Keycloak line (setup/ConsoleBuilds.java).
// Also installs the browser tests' Playwright (themes/shared/e2e). Run by Maven (exec-maven-plugin,
// generate-resources) as: node themes/build.mjs <classes directory>; skipped with -Dskip.ui=true.
// Prints how long each step took, so that CI time per build is known.
//
// A step whose inputs are unchanged since it last ran here is skipped: npm ci when node_modules was
// installed by npm ci from the same package-lock.json, vite build when its sources, adapter, config
// and installed lock are the same as for the dist/ it made (stamps in node_modules/). A fresh clone
// always runs every step.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
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

/** A digest of files (paths and contents), folders walked, node_modules and dist left out. */
const digest = (...paths) => {
  const hash = createHash("sha256");
  const add = (path) => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (entry !== "node_modules" && entry !== "dist") add(join(path, entry));
    } else {
      hash.update(relative(themes, path)).update("\0").update(readFileSync(path)).update("\0");
    }
  };
  paths.forEach(add);
  return hash.digest("hex");
};

/** Runs `step` unless the stamp file holds `inputs` (then says so); writes the stamp after it ran. */
const unlessUnchanged = async (label, stamp, inputs, step) => {
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === inputs) {
    console.log(`[console builds] ${label}: unchanged, skipped`);
    return;
  }
  await timed(label, step);
  writeFileSync(stamp, inputs);
};

const install = (dir) =>
  unlessUnchanged(`npm ci ${relative(themes, dir)}`, join(dir, "node_modules", ".org-api-tokens-ci"), digest(join(dir, "package-lock.json")), () =>
    npm(dir, "ci", "--no-audit", "--no-fund"),
  );

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
// One step at a time: at once, the installs thrash a small machine's disk (measured slower on 2 cores).
await install(join(themes, "shared", "e2e"));
for (const { type, release, dir } of builds) {
  await install(dir);
  const dist = join(dir, "dist");
  const inputs = digest(dir, join(themes, type, "src"), join(themes, "shared", "src"), join(themes, "shared", "vite.console.ts"));
  const stamp = join(dir, "node_modules", ".org-api-tokens-build");
  if (!existsSync(join(dist, ".vite", "manifest.json"))) rmSync(stamp, { force: true });
  await unlessUnchanged(`vite build ${relative(themes, dir)}`, stamp, inputs, () => npm(dir, "run", "build"));
  if (!existsSync(join(dist, ".vite", "manifest.json"))) throw new Error(`${dist} has no .vite/manifest.json`);
  cpSync(dist, join(classes, "theme", "org-api-tokens", type, `resources-${release}`), { recursive: true });
}
console.log(`[console builds] ${builds.length} builds in ${((Date.now() - started) / 1000).toFixed(1)} s`);
