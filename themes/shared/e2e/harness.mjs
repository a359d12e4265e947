// What both consoles' end-to-end tests need besides their pages: the environment, numbered steps,
// the key grant, screenshots, a headless Chromium, and a run that prints "N passed, 0 failed" or the
// failure with every key masked. Playwright is this folder's one dependency (package.json here).
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

/** A required environment variable. */
export const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
};

const steps = [];
/** Runs one named step; the summary counts them. */
export const step = async (name, fn) => {
  process.stdout.write(`- ${name} ... `);
  await fn();
  steps.push(name);
  console.log("ok");
};

/** The key grant of SPEC §5 at `base` for `realm`; the access token's claims when it succeeds. */
export async function keyLogin(base, realm, key) {
  const response = await fetch(`${base}/realms/${realm}/protocol/openid-connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "urn:org-api-tokens:grant-type:api-key", client_id: "org-api-tokens", api_key: key }),
  });
  const body = await response.json();
  const claims = response.ok ? JSON.parse(Buffer.from(body.access_token.split(".")[1], "base64url").toString()) : undefined;
  return { status: response.status, claims };
}

/** A screenshot function writing full-page PNGs into `dir`; `mask` hides locators (the key field). */
export const screenshots = (dir) => {
  mkdirSync(dir, { recursive: true });
  return (page, name, mask = []) => page.screenshot({ path: `${dir}/${name}.png`, fullPage: true, mask });
};

/**
 * Opens each of the console's stock pages by its navigation link (`links`: test ids, in order; a group
 * to expand first as `[group, link]`) and checks that it is drawn (`drawn(page, id)` resolves) with no
 * script error and no answer of 400 or more from the server while it loads; a screenshot of each.
 * The console is the stock one of the Keycloak line plus our page: this is what says the build works
 * with the server it runs on.
 */
export async function walkStockPages(page, base, links, drawn, shot) {
  const problems = [];
  const onError = (e) => problems.push(`script error: ${e.message}`);
  const onResponse = (r) => {
    if (r.url().startsWith(base) && r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url().slice(base.length)}`);
  };
  page.on("pageerror", onError);
  page.on("response", onResponse);
  try {
    for (const link of links) {
      const [group, id] = Array.isArray(link) ? link : [undefined, link];
      if (group && !(await page.getByTestId(id).isVisible())) await page.getByTestId(group).click();
      const name = `stock-${id.replace(/^nav-item-/, "").replace(/\//g, "-")}`;
      await page.getByTestId(id).click();
      await drawn(page, id).catch(async (e) => {
        await shot(page, `${name}-not-drawn`);
        throw new Error(`the stock page of ${id} is not drawn: ${e.message.split("\n")[0]}`);
      });
      await page.waitForLoadState("networkidle");
      await shot(page, name);
      assert.deepEqual(problems.splice(0), [], `the stock page of ${id} loads cleanly`);
    }
  } finally {
    page.off("pageerror", onError);
    page.off("response", onResponse);
  }
}

/** Debian's Chromium, headless, with the project's flags (DEVELOPERS.md). */
export const launch = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
  });

/** Runs the steps in `body(browser)`, prints the summary or the masked failure, and closes the browser. */
export async function run(browser, body) {
  try {
    await body(browser);
    console.log(`${steps.length} passed, 0 failed`);
  } catch (error) {
    // Only the message, with any key masked: an assertion error's actual/expected could hold one.
    const redact = (text) => String(text).replace(/oat_[0-9A-Za-z]+/g, "oat_<redacted>");
    console.log("FAILED");
    console.error(redact(error?.message ?? error));
    console.error(redact(error?.stack ?? "").split("\n").slice(1, 6).join("\n"));
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

/**
 * Opens a token's usage view (`open` clicks its Usage link) until the API's answer counts `admitted` admitted
 * uses (the server writes usage in batches), then checks that the chart and the table show exactly that answer:
 * a bar per day of the window, each day's figures in its bar and its table row, and the recent addresses.
 */
export async function checkUsage(page, open, admitted) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [response] = await Promise.all([page.waitForResponse((r) => /\/org-api-tokens\/[^/?]+\/usage/.test(r.url())), open()]);
    assert.equal(response.status(), 200, "GET /{id}/usage");
    const usage = await response.json();
    await page.getByTestId("usage-table").waitFor();
    const total = usage.daily.reduce((sum, d) => sum + d.admitted, 0);
    if (total < admitted && Date.now() < deadline) {
      await page.getByTestId("usage-close").click();
      await page.waitForTimeout(1000);
      continue;
    }
    assert.equal(total, admitted, "admitted uses over the window");
    const chart = page.getByTestId("usage-chart");
    assert.equal(await chart.locator("[data-testid^=usage-bar-]").count(), usage.days, "a bar slot per day of the window");
    const reasons = ["rate_limited", "address_not_allowed", "expired", "previous_key_expired", "exposed"];
    for (const d of usage.daily) {
      const refused = reasons.reduce((sum, r) => sum + d.refused[r], 0);
      const bar = chart.getByTestId(`usage-bar-${d.day}`);
      assert.equal(await bar.getAttribute("data-admitted"), String(d.admitted), `bar of ${d.day}: admitted`);
      assert.equal(await bar.getAttribute("data-refused"), String(refused), `bar of ${d.day}: refused`);
      assert.ok((await bar.locator("rect").count()) > 0, `bar of ${d.day} is drawn`);
      const row = page.getByTestId(`usage-row-${d.day}`);
      assert.equal(await row.getByTestId("usage-admitted").innerText(), String(d.admitted), `row of ${d.day}: admitted`);
      assert.equal(await row.getByTestId("usage-token").innerText(), String(d.byPath.token), `row of ${d.day}: token endpoint`);
      assert.equal(await row.getByTestId("usage-gateway").innerText(), String(d.byPath.gateway), `row of ${d.day}: gateway`);
      for (const r of reasons) assert.equal(await row.getByTestId(`usage-${r}`).innerText(), String(d.refused[r]), `row of ${d.day}: ${r}`);
    }
    assert.equal(await page.locator("[data-testid^=usage-row-]").count(), usage.daily.length, "a table row per day with use");
    for (const a of usage.recentAddresses) {
      assert.equal(await page.getByTestId(`usage-address-${a.ip}`).getByTestId("usage-address-uses").innerText(), String(a.uses));
    }
    return usage;
  }
}
