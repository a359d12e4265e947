// End-to-end test of the "API tokens" admin console page in headless Chromium (playwright-core).
// Started by ConsoleIT against the real Keycloak with the extension; the environment says where.
// Every key read from the page stays in memory: nothing here prints one, and screenshots mask it.
import assert from "node:assert/strict";
import { checkUsage, env, keyLogin as keyGrant, launch, run, screenshots, step, walkStockPages } from "../../shared/e2e/harness.mjs";

const BASE = env("BASE_URL");
const REALM = env("REALM");
const SHOTS = env("SCREENSHOT_DIR");

const keyLogin = (key) => keyGrant(BASE, REALM, key);

async function logIn(page, consoleRealm, path, username, password) {
  await page.goto(`${BASE}/admin/${consoleRealm}/console/#/${path}`);
  await page.locator("#username").fill(username);
  // With Organizations on, Keycloak asks for the username first and the password on a second page.
  if (!(await page.locator("#password").isVisible())) await page.locator("#kc-login").click();
  await page.locator("#password").fill(password);
  await page.locator("#kc-login").click();
}

const shot = screenshots(SHOTS);

const browser = await launch();
await run(browser, async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(30_000);
  const row = (name) => page.getByTestId(`token-row-${name}`);
  const rowAction = async (name, action) => {
    await row(name).getByRole("button", { name: /kebab toggle/i }).click();
    await page.getByRole("menuitem", { name: action }).click();
  };
  /**
   * Submits a form the API refuses and checks where the page puts the refusal: the API's own text, in the form
   * group of the input the API's "field" names (the input `inputTestId`), and no error at the top of the form.
   */
  const expectFieldError = async ({ submit, field, inputTestId, errorTestId, formErrorTestId }) => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/org-api-tokens") && r.request().method() !== "GET"),
      submit.click(),
    ]);
    const body = await response.json();
    assert.ok(response.status() === 400 || response.status() === 409, `the API refuses (${response.status()})`);
    assert.equal(body.field, field, `the API names the field: ${body.error_description}`);
    const group = page.locator(".pf-v5-c-form__group").filter({ has: page.getByTestId(inputTestId) });
    const shown = group.getByTestId(errorTestId);
    await shown.waitFor();
    assert.equal(await shown.innerText(), body.error_description, "the message is the API's, as written");
    assert.equal(await page.getByTestId(formErrorTestId).count(), 0, "and it is not shown as a form-level error");
  };
  const expectTokenFieldError = (field, inputTestId) =>
    expectFieldError({
      submit: page.getByTestId("token-form-submit"),
      field,
      inputTestId,
      errorTestId: `error-${field}`,
      formErrorTestId: "token-form-error",
    });
  const expectPolicyFieldError = (field) =>
    expectFieldError({
      submit: page.getByTestId("policy-save"),
      field,
      inputTestId: `policy-${field}`,
      errorTestId: `policy-error-${field}`,
      formErrorTestId: "policy-error",
    });
  const readKey = async () => {
    const key = await page.getByTestId("new-key").locator("input").inputValue();
    assert.match(key, /^oat_[0-9A-Za-z]{49}$/, "the dialog shows a key in the documented format");
    return key;
  };

  await step("master admin opens the API tokens page from the navigation", async () => {
    await logIn(page, "master", `${REALM}/users`, env("ADMIN_USER"), env("ADMIN_PASSWORD"));
    await page.getByTestId("nav-item-org-api-tokens").click();
    await page.getByRole("heading", { name: "API tokens" }).first().waitFor();
    await page.getByTestId("token-row-seen-by-viewer").waitFor();
    const logo = page.locator("header img").first();
    const brand = await logo.evaluate((img) => ({ loaded: img.complete && img.naturalWidth > 0, height: img.getBoundingClientRect().height }));
    assert.ok(brand.loaded && brand.height > 0, "the masthead shows the brand logo, as the stock console does");
    await shot(page, "01-list");
  });

  let key;
  await step("creates a token and reads its key from the dialog, once", async () => {
    await page.getByTestId("create-token").first().click();
    await page.getByTestId("token-name").fill("e2e-pipeline");
    await page.getByTestId("token-role").selectOption("network-admin");
    await page.getByTestId("sites-some").check();
    await page.getByTestId("token-site").fill("site-1");
    await page.getByTestId("token-site").press("Enter");
    await shot(page, "02-create-dialog");
    await page.getByTestId("token-form-submit").click();
    await page.getByTestId("key-warning").waitFor();
    key = await readKey();
    await shot(page, "03-key-shown-once", [page.getByTestId("new-key")]);
    await page.getByTestId("key-dialog-close").click();
    await row("e2e-pipeline").waitFor();
    assert.equal(await page.getByTestId("new-key").count(), 0, "closing the dialog forgets the key");
    assert.equal(await row("e2e-pipeline").getByTestId("token-role-cell").innerText(), "Network Admin");
  });

  await step("the key logs in with the chosen role and sites", async () => {
    const login = await keyLogin(key);
    assert.equal(login.status, 200);
    assert.ok(login.claims.realm_access.roles.includes("network-admin"));
    assert.deepEqual(login.claims.sites, ["site-1"]);
  });

  await step("edits the role; the next key login carries the new role", async () => {
    await rowAction("e2e-pipeline", "Edit");
    await page.getByTestId("token-role").selectOption("observer");
    await page.getByTestId("token-form-submit").click();
    await page.getByTestId("token-form-submit").waitFor({ state: "detached" });
    await row("e2e-pipeline").getByTestId("token-role-cell").getByText("Observer").waitFor();
    const login = await keyLogin(key);
    assert.equal(login.status, 200);
    assert.ok(login.claims.realm_access.roles.includes("observer"));
    assert.ok(!login.claims.realm_access.roles.includes("network-admin"));
    await shot(page, "04-after-edit");
  });

  await step("validation errors appear next to the field the API names, and nothing is created", async () => {
    await page.getByTestId("create-token").first().click();
    await page.getByTestId("token-name").fill("e2e-invalid");
    await page.getByTestId("sites-some").check();
    await page.getByTestId("token-site").fill("bad site!");
    await page.getByTestId("token-site").press("Enter");
    await expectTokenFieldError("sites", "token-site");
    await shot(page, "05-validation-error");

    await page.getByTestId("sites-all").check();
    await page.getByTestId("token-expiry").fill("2020-01-01");
    await expectTokenFieldError("expiresAt", "token-expiry");
    assert.equal(await page.getByTestId("error-sites").count(), 0, "the earlier error is gone");
    await shot(page, "05-validation-error-expiry");

    await page.getByTestId("token-expiry").fill("");
    await page.getByTestId("token-name").fill("seen-by-viewer");
    await expectTokenFieldError("name", "token-name");
    await shot(page, "05-validation-error-name-taken");
    await page.getByRole("button", { name: "Cancel" }).click();
    assert.equal(await row("e2e-invalid").count(), 0);
  });

  let rotatedKey;
  await step("rotates: a new key is shown and the old one stops working", async () => {
    await rowAction("e2e-pipeline", "Rotate key");
    await page.getByText("the current key stops working at once").waitFor();
    await shot(page, "06-rotate-confirm");
    await page.getByTestId("confirm").click();
    await page.getByTestId("key-warning").waitFor();
    rotatedKey = await readKey();
    assert.ok(rotatedKey !== key, "rotation gives a different key");
    await page.getByTestId("key-dialog-close").click();
    assert.equal((await keyLogin(key)).status, 401, "the old key is refused");
    assert.equal((await keyLogin(rotatedKey)).status, 200, "the new key works");
  });

  let graceKey;
  await step("rotates with a grace period: the old key keeps working for the day chosen, and the list says until when", async () => {
    await rowAction("e2e-pipeline", "Rotate key");
    await page.getByTestId("rotate-grace-custom").check();
    await page.getByTestId("rotate-grace-hours").fill("200");
    await page.getByTestId("confirm").click();
    await page.getByTestId("rotate-grace-error").waitFor(); // over 7 days: the API's error, next to the hours
    await page.getByTestId("rotate-grace-day").check();
    await page.getByText("keeps working for the time you choose").waitFor();
    await shot(page, "06b-rotate-grace-choice");
    await page.getByTestId("confirm").click();
    await page.getByTestId("key-warning").waitFor();
    graceKey = await readKey();
    await page.getByTestId("key-dialog-close").click();
    assert.equal((await keyLogin(rotatedKey)).status, 200, "the old key still works during the grace period");
    assert.equal((await keyLogin(graceKey)).status, 200, "and so does the new one");
    const note = row("e2e-pipeline").getByTestId("previous-key");
    await note.waitFor();
    assert.match(await note.innerText(), /old key oat_.+ valid until/);
    await shot(page, "06c-previous-key-in-list");
  });

  await step("shows the token's usage: chart and table with the numbers the API gives", async () => {
    // five key logins so far (two before the plain rotation, one with its key, two across the grace rotation);
    // the old key refused after the plain rotation is a key no token has any more, and counts nowhere
    const usage = await checkUsage(page, () => row("e2e-pipeline").getByTestId("show-usage").click(), 5);
    assert.equal(usage.daily.at(-1).byPath.token, 5);
    assert.equal(usage.recentAddresses.length, 1);
    await shot(page, "06d-usage");
    await page.getByTestId("usage-window").selectOption("7");
    await page.getByTestId("usage-chart").locator("[data-testid^=usage-bar-]").nth(6).waitFor();
    assert.equal(await page.getByTestId("usage-chart").locator("[data-testid^=usage-bar-]").count(), 7, "the 7-day window");
    await page.getByTestId("usage-close").click();
  });

  await step("deletes: the row goes and the key is refused", async () => {
    await rowAction("e2e-pipeline", "Delete");
    await page.getByText("Its key stops working at once").waitFor();
    await page.getByTestId("confirm").click();
    await row("e2e-pipeline").waitFor({ state: "detached" });
    assert.equal((await keyLogin(rotatedKey)).status, 401);
    assert.equal((await keyLogin(graceKey)).status, 401, "delete ends both keys");
    await shot(page, "07-after-delete");
  });

  await step("creates a token in an organization, shows and filters the organization column", async () => {
    await page.getByTestId("create-token").first().click();
    await page.getByTestId("token-name").fill("e2e-org-token");
    await page.getByTestId("token-organization").selectOption({ label: env("ORGANIZATION_NAME") });
    await page.getByTestId("token-form-submit").click();
    await page.getByTestId("key-warning").waitFor();
    await page.getByTestId("key-dialog-close").click();
    const cell = row("e2e-org-token").getByTestId("token-organization-cell");
    assert.equal(await cell.innerText(), env("ORGANIZATION_NAME"));
    await page.getByTestId("organization-filter").selectOption({ label: env("ORGANIZATION_NAME") });
    await row("seen-by-viewer").waitFor({ state: "detached" });
    assert.equal(await row("e2e-org-token").count(), 1, "the organization's token stays in the filtered list");
    await shot(page, "08-organization-filter");
    await page.getByTestId("organization-filter").selectOption({ label: "All organizations" });
    await row("seen-by-viewer").waitFor();
  });

  await step("sets a realm policy on the Policy tab; a token without an expiry is then refused", async () => {
    await page.getByRole("tab", { name: "Policy" }).click();
    await page.getByTestId("policy-maxLifetimeDays").fill("a month");
    await expectPolicyFieldError("maxLifetimeDays");
    await page.getByTestId("policy-maxLifetimeDays").fill("30");
    await page.getByTestId("policy-save").click();
    await page.getByTestId("policy-saved").waitFor();
    await shot(page, "09-policy");
    await page.reload();
    await page.getByRole("tab", { name: "Policy" }).click();
    assert.equal(await page.getByTestId("policy-maxLifetimeDays").inputValue(), "30", "the policy was stored");

    // The Policy form is longer than the window: back to the top, where the tabs are, as a person scrolls.
    await page.evaluate(() => document.querySelectorAll(".pf-v5-c-page__main, main").forEach((el) => el.scrollTo(0, 0)));
    await page.getByRole("tab", { name: "Tokens" }).click();
    await page.getByTestId("create-token").first().click();
    await page.getByTestId("token-name").fill("e2e-no-expiry");
    await page.getByText("this realm's policy allows at most 30 days").waitFor();
    await expectTokenFieldError("expiresAt", "token-expiry");
    await page.getByRole("button", { name: "Cancel" }).click();
    assert.equal(await row("e2e-no-expiry").count(), 0, "nothing was created");

    await page.getByRole("tab", { name: "Policy" }).click();
    await page.getByTestId("policy-maxLifetimeDays").fill("");
    await page.getByTestId("policy-save").click();
    await page.getByTestId("policy-saved").waitFor();
    await page.reload();
    await page.getByRole("tab", { name: "Policy" }).click();
    assert.equal(await page.getByTestId("policy-maxLifetimeDays").inputValue(), "", "an empty field lifts the limit");

    // Usage retention: always a number; an empty field is refused by name, a number is kept.
    assert.equal(await page.getByTestId("policy-usageRetentionDays").inputValue(), "90", "usage is kept 90 days by default");
    await page.getByTestId("policy-usageRetentionDays").fill("");
    await expectPolicyFieldError("usageRetentionDays");
    await page.getByTestId("policy-usageRetentionDays").fill("30");
    await page.getByTestId("policy-save").click();
    await page.getByTestId("policy-saved").waitFor();
    await page.reload();
    await page.getByRole("tab", { name: "Policy" }).click();
    assert.equal(await page.getByTestId("policy-usageRetentionDays").inputValue(), "30", "the retention was stored");
    assert.ok(await page.getByTestId("policy-usageCounting").isChecked(), "usage counting is on by default");
    await page.getByTestId("policy-usageCounting").setChecked(false, { force: true });
    await page.getByTestId("policy-usageRetentionDays").fill("90");
    await page.getByTestId("policy-save").click();
    await page.getByTestId("policy-saved").waitFor();
    await page.reload();
    await page.getByRole("tab", { name: "Policy" }).click();
    assert.equal(await page.getByTestId("policy-usageCounting").isChecked(), false, "counting off was stored");
    await page.getByTestId("policy-usageCounting").setChecked(true, { force: true });
    await page.getByTestId("policy-save").click();
    await page.getByTestId("policy-saved").waitFor();
  });

  await step("every stock page of the navigation opens, with no script error and no failed call", async () => {
    const links = (await page.locator('nav [data-testid^="nav-item-"]').evaluateAll((as) => as.map((a) => a.dataset.testid))).filter(
      (id) => id !== "nav-item-org-api-tokens",
    );
    assert.ok(links.includes("nav-item-clients") && links.includes("nav-item-realm-settings"), `the stock navigation: ${links}`);
    assert.ok(links.includes("nav-item-organizations"), `the realm has Organizations on, so the stock navigation has its entry: ${links}`);
    await walkStockPages(page, BASE, links, async (p, id) => {
      await p.waitForURL((url) => url.hash.endsWith(`/${id.slice("nav-item-".length)}`));
      await p.locator("#kc-main-content-page-container h1").first().waitFor();
    }, shot);
  });

  await step("a view-only admin sees the table without write controls", async () => {
    const viewer = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    viewer.setDefaultTimeout(30_000);
    await logIn(viewer, REALM, `${REALM}/org-api-tokens`, env("VIEWER_USER"), env("VIEWER_PASSWORD"));
    await viewer.getByTestId("token-row-seen-by-viewer").waitFor();
    assert.equal(await viewer.getByTestId("create-token").count(), 0, "no create button");
    assert.equal(await viewer.getByRole("button", { name: /kebab toggle/i }).count(), 0, "no row actions");
    assert.equal(await viewer.getByTestId("nav-item-org-api-tokens").count(), 1, "the entry is in the navigation");
    await shot(viewer, "10-view-only");
    await viewer.getByRole("tab", { name: "Policy" }).click();
    assert.equal(await viewer.getByTestId("policy-loginRateLimitPerHour").inputValue(), "5000", "the policy is shown");
    assert.ok(await viewer.getByTestId("policy-loginRateLimitPerHour").isDisabled(), "but cannot be edited");
    assert.equal(await viewer.getByTestId("policy-save").count(), 0, "no save button");
    await viewer.close();
  });

  await step("an admin without rights to read tokens does not see the entry", async () => {
    const other = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    other.setDefaultTimeout(30_000);
    await logIn(other, REALM, `${REALM}/users`, env("OTHER_USER"), env("OTHER_PASSWORD"));
    await other.getByTestId("nav-item-users").waitFor();
    assert.equal(await other.getByTestId("nav-item-org-api-tokens").count(), 0);
    await shot(other, "11-no-entry-without-rights");
    await other.close();
  });
});
