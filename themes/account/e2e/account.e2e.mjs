// End-to-end test of the account console's "API tokens" page in headless Chromium (playwright-core).
// Started by AccountConsoleIT against the real Keycloak with the extension; the environment says where and who.
// Every key read from the page stays in memory: nothing here prints one, and screenshots mask it.
import assert from "node:assert/strict";
import { checkUsage, env, keyLogin as keyGrant, launch, run, screenshots, step, walkStockPages } from "../../shared/e2e/harness.mjs";

const BASE = env("BASE_URL");
const REALM = env("REALM");
const SHOTS = env("SCREENSHOT_DIR");
const ORG_A = env("ORG_A_NAME");
const ORG_C = env("ORG_C_NAME");

const keyLogin = (key) => keyGrant(BASE, REALM, key);

/** Opens the account console at `path` (below /realms/{realm}/account/) and logs in there. */
async function logIn(page, path, username, password) {
  await page.goto(`${BASE}/realms/${REALM}/account/${path}`);
  await page.locator("#username").fill(username);
  // With Organizations on, Keycloak asks for the username first and the password on a second page.
  if (!(await page.locator("#password").isVisible())) await page.locator("#kc-login").click();
  await page.locator("#password").fill(password);
  await page.locator("#kc-login").click();
  await page.getByTestId("accountSecurity").waitFor(); // the stock navigation is drawn
}

const shot = screenshots(SHOTS);

/** The masthead shows the stock brand logo, loaded. */
async function expectBrandLogo(page) {
  const logo = page.locator("header img").first();
  await logo.waitFor();
  const { loaded, width } = await logo.evaluate((img) => ({ loaded: img.complete && img.naturalWidth > 0, width: img.getBoundingClientRect().width }));
  assert.ok(loaded && width > 0, "the brand logo is shown in the masthead");
}

const browser = await launch();
const newPage = async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } }); // a context of its own: its own login
  page.setDefaultTimeout(30_000);
  return page;
};
await run(browser, async () => {
  const page = await newPage();
  const row = (p, name) => p.getByTestId(`token-row-${name}`);
  const rowAction = async (name, action) => {
    await row(page, name).getByRole("button", { name: /kebab toggle/i }).click();
    await page.getByRole("menuitem", { name: action }).click();
  };
  const readKey = async () => {
    const key = await page.getByTestId("new-key").locator("input").inputValue();
    assert.match(key, /^oat_[0-9A-Za-z]{49}$/, "the dialog shows a key in the documented format");
    return key;
  };

  await step("a super-user opens API tokens from the account console's navigation and sees their organization's tokens", async () => {
    await logIn(page, "", env("SUPER_A_USER"), env("SUPER_A_PASSWORD"));
    await expectBrandLogo(page);
    await page.getByTestId("nav-item-org-api-tokens").click();
    await page.getByRole("heading", { name: "API tokens" }).first().waitFor();
    await row(page, "seen-by-org-a").waitFor();
    assert.equal(await row(page, "seen-in-org-b").count(), 0, "another organization's token is not listed");
    assert.equal(await row(page, "seen-by-org-a").getByTestId("token-organization-cell").innerText(), ORG_A);
    assert.equal(await page.getByTestId("organization-filter").count(), 0, "one organization: nothing to filter by");
    await shot(page, "account-01-list");
  });

  let key;
  await step("creates a token and reads its key from the dialog, once", async () => {
    await page.getByTestId("create-token").first().click();
    await page.getByTestId("token-name").fill("acct-pipeline");
    assert.equal(await page.getByTestId("token-organization").count(), 0, "one organization: no organization to pick");
    await page.getByTestId("token-role").selectOption("network-admin");
    await page.getByTestId("sites-some").check();
    await page.getByTestId("token-site").fill("site-1");
    await page.getByTestId("token-site").press("Enter");
    await shot(page, "account-02-create-dialog");
    await page.getByTestId("token-form-submit").click();
    await page.getByTestId("key-warning").waitFor();
    key = await readKey();
    await shot(page, "account-03-key-shown-once", [page.getByTestId("new-key")]);
    await page.getByTestId("key-dialog-close").click();
    await row(page, "acct-pipeline").waitFor();
    assert.equal(await page.getByTestId("new-key").count(), 0, "closing the dialog forgets the key");
    assert.equal(await row(page, "acct-pipeline").getByTestId("token-role-cell").innerText(), "Network Admin");
    assert.equal(await row(page, "acct-pipeline").getByTestId("token-organization-cell").innerText(), ORG_A);
  });

  await step("the key logs in with the chosen role, sites and the organization claim", async () => {
    const login = await keyLogin(key);
    assert.equal(login.status, 200);
    assert.deepEqual(login.claims.realm_access.roles, ["network-admin"]);
    assert.deepEqual(login.claims.sites, ["site-1"]);
    const organization = login.claims.organization;
    const aliases = Array.isArray(organization) ? organization : Object.keys(organization ?? {});
    assert.deepEqual(aliases, [env("ORG_A_ALIAS")], "the organization claim names the super-user's organization");
  });

  await step("a refused field is shown next to that field, and nothing is created", async () => {
    await page.getByTestId("create-token").first().click();
    await page.getByTestId("token-name").fill("acct-invalid");
    await page.getByTestId("sites-some").check();
    await page.getByTestId("token-site").fill("bad site!");
    await page.getByTestId("token-site").press("Enter");
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/org-api-tokens") && r.request().method() === "POST"),
      page.getByTestId("token-form-submit").click(),
    ]);
    const body = await response.json();
    assert.equal(response.status(), 400);
    assert.equal(body.field, "sites");
    const group = page.locator(".pf-v5-c-form__group").filter({ has: page.getByTestId("token-site") });
    assert.equal(await group.getByTestId("error-sites").innerText(), body.error_description, "the API's text, by its field");
    assert.equal(await page.getByTestId("token-form-error").count(), 0);
    await shot(page, "account-04-validation-error");
    await page.getByRole("button", { name: "Cancel" }).click();
    assert.equal(await row(page, "acct-invalid").count(), 0);
  });

  await step("edits the role; the next key login carries the new role", async () => {
    await rowAction("acct-pipeline", "Edit");
    await page.getByTestId("token-role").selectOption("observer");
    await page.getByTestId("token-form-submit").click();
    await page.getByTestId("token-form-submit").waitFor({ state: "detached" });
    await row(page, "acct-pipeline").getByTestId("token-role-cell").getByText("Observer").waitFor();
    const login = await keyLogin(key);
    assert.equal(login.status, 200);
    assert.deepEqual(login.claims.realm_access.roles, ["observer"]);
    await shot(page, "account-05-after-edit");
  });

  await step("searches by name and filters by role", async () => {
    await page.getByTestId("token-search").locator("input").fill("pipeline");
    await page.getByTestId("token-search").locator("input").press("Enter");
    await row(page, "seen-by-org-a").waitFor({ state: "detached" });
    assert.equal(await row(page, "acct-pipeline").count(), 1);
    await page.getByTestId("token-search").locator("input").fill("");
    await page.getByTestId("token-search").locator("input").press("Enter");
    await row(page, "seen-by-org-a").waitFor();
    await page.getByTestId("role-filter").selectOption("helpdesk");
    await page.getByText("No tokens match the search.").waitFor();
    await page.getByTestId("role-filter").selectOption("");
    await row(page, "acct-pipeline").waitFor();
  });

  await step("another organization's super-user sees none of it", async () => {
    const other = await newPage();
    await logIn(other, "org-api-tokens", env("SUPER_B_USER"), env("SUPER_B_PASSWORD"));
    await row(other, "seen-in-org-b").waitFor();
    assert.equal(await row(other, "acct-pipeline").count(), 0, "not the new token");
    assert.equal(await row(other, "seen-by-org-a").count(), 0, "not the other organization's token");
    await shot(other, "account-06-other-organization");
    await other.close();
  });

  let rotatedKey;
  await step("rotates after a confirmation about scripts: a new key is shown and the old one stops working", async () => {
    await rowAction("acct-pipeline", "Rotate key");
    await page.getByText("Scripts that use the current key fail until they are given the new one").waitFor();
    await shot(page, "account-07-rotate-confirm");
    await page.getByTestId("confirm").click();
    await page.getByTestId("key-warning").waitFor();
    rotatedKey = await readKey();
    assert.ok(rotatedKey !== key, "rotation gives a different key");
    await page.getByTestId("key-dialog-close").click();
    assert.equal((await keyLogin(key)).status, 401, "the old key is refused");
    assert.equal((await keyLogin(rotatedKey)).status, 200, "the new key works");
  });

  await step("shows the token's usage: chart and table with the numbers the API gives", async () => {
    // three key logins (two with the first key, one with the rotated one); the first key refused after the
    // rotation is a key no token has any more, and counts nowhere
    const usage = await checkUsage(page, () => row(page, "acct-pipeline").getByTestId("show-usage").click(), 3);
    assert.equal(usage.daily.at(-1).byPath.token, 3);
    await shot(page, "account-07b-usage");
    await page.getByTestId("usage-close").click();
  });

  await step("deletes after a confirmation about scripts: the row goes and the key is refused", async () => {
    await rowAction("acct-pipeline", "Delete");
    await page.getByText("scripts that use it can no longer log in").waitFor();
    await shot(page, "account-08-delete-confirm");
    await page.getByTestId("confirm").click();
    await row(page, "acct-pipeline").waitFor({ state: "detached" });
    assert.equal((await keyLogin(rotatedKey)).status, 401);
    await shot(page, "account-09-after-delete");
  });

  await step("every other stock page of the navigation opens, with no script error and no failed call", async () => {
    // Each link's test id is its path below the console (personal info, "", is where the walk logged in).
    const links = await page.locator(".pf-v5-c-page__sidebar nav").first().evaluate((nav) =>
      [...nav.querySelectorAll("a[data-testid]")]
        .filter((a) => a.dataset.testid && a.dataset.testid !== "nav-item-org-api-tokens")
        .map((a) => {
          const group = a.closest("li.pf-m-expandable");
          return group ? [group.dataset.testid, a.dataset.testid] : a.dataset.testid;
        }),
    );
    const paths = links.map((link) => (Array.isArray(link) ? link[1] : link));
    assert.ok(paths.includes("account-security/signing-in") && paths.includes("organizations"), `the stock navigation: ${paths}`);
    await walkStockPages(page, BASE, links, async (p, path) => {
      await p.waitForURL((url) => url.pathname.endsWith(`/account/${path}`));
      await p.locator('main [data-testid="page-heading"]').first().waitFor();
    }, (p, name) => shot(p, `account-${name}`));
  });

  await step("a super-user of several organizations picks the organization of a new token", async () => {
    const both = await newPage();
    await logIn(both, "org-api-tokens", env("SUPER_AC_USER"), env("SUPER_AC_PASSWORD"));
    await row(both, "seen-by-org-a").waitFor();
    await both.getByTestId("organization-filter").waitFor();
    await both.getByTestId("create-token").first().click();
    const choices = await both.getByTestId("token-organization").locator("option").allInnerTexts();
    assert.deepEqual([...choices].sort(), [ORG_A, ORG_C].sort(), "their organizations, and no realm-wide choice");
    await both.getByTestId("token-name").fill("acct-in-c");
    await both.getByTestId("token-organization").selectOption({ label: ORG_C });
    await shot(both, "account-10-organization-picker");
    await both.getByTestId("token-form-submit").click();
    await both.getByTestId("key-warning").waitFor();
    await both.getByTestId("key-dialog-close").click();
    assert.equal(await row(both, "acct-in-c").getByTestId("token-organization-cell").innerText(), ORG_C);
    await both.getByTestId("organization-filter").selectOption({ label: ORG_A });
    await row(both, "acct-in-c").waitFor({ state: "detached" });
    assert.equal(await row(both, "seen-by-org-a").count(), 1);
    await both.close();
  });

  await step("a user without super-user sees no API tokens page", async () => {
    const observer = await newPage();
    await logIn(observer, "", env("OBSERVER_USER"), env("OBSERVER_PASSWORD"));
    await expectBrandLogo(observer);
    assert.equal(await observer.getByTestId("nav-item-org-api-tokens").count(), 0, "no entry in the navigation");
    await shot(observer, "account-11-observer-navigation");
    await observer.goto(`${BASE}/realms/${REALM}/account/org-api-tokens`);
    await observer.getByTestId("not-allowed").waitFor();
    assert.equal(await observer.getByTestId("tokens-table").count(), 0, "and no tokens at the page's address");
    await shot(observer, "account-12-observer-no-page");
    await observer.close();
  });
});
