import { expect, Page } from "@playwright/test";
import { test, hydrated, login, LOGINS } from "./helpers";

// Issue 16: what a browser downloads. Every bundle file has a content hash in its name, comes
// brotli-compressed and may be cached for a year.
test("the bundle is hashed, brotli-compressed and cached for a year", async ({ page }) => {
  const bundle: { path: string; encoding?: string; cache?: string }[] = [];
  page.on("response", (r) => {
    const path = new URL(r.url()).pathname;
    if (/^\/(islands\/)?pkg\//.test(path) && r.status() === 200) {
      bundle.push({ path, encoding: r.headers()["content-encoding"], cache: r.headers()["cache-control"] });
    }
  });
  await login(page, "operator");
  expect(bundle.filter((f) => f.path.endsWith(".wasm")).length, "the wasm").toBeGreaterThan(0);
  for (const f of bundle) {
    expect(f.path, "a content hash in the name").toMatch(/\.[A-Za-z0-9_-]{22}\.(wasm|js|css|json)$/);
    expect(f.cache, f.path).toBe("public, max-age=31536000, immutable");
    if (/\.(wasm|js)$/.test(f.path)) expect(f.encoding, f.path).toBe("br");
  }
  // The sidebar's plain links still navigate in the browser, and the current entry follows.
  await page.getByTestId("nav-audit").click();
  await hydrated(page);
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByTestId("nav-audit")).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("nav-apps")).not.toHaveAttribute("aria-current", "page");

  // A name from an older build is gone.
  const old = await page.request.get("/pkg/wxa-console.AAAAAAAAAAAAAAAAAAAAAA.wasm");
  expect(old.status()).toBe(404);
});

/** The wasm files requested since the last call, leaving out what the current page only
 * prefetches for the page after (its `<link rel="prefetch">`: Chromium sends `Sec-Purpose:
 * prefetch` with the first such request only, not when a later page prefetches it again). */
function wasmLoads(page: Page): () => Promise<string[]> {
  const seen: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith(".wasm")) seen.push(path);
  });
  return async () => {
    const prefetched = await page
      .locator('link[rel="prefetch"]')
      .evaluateAll((links) => links.map((l) => new URL((l as HTMLLinkElement).href).pathname));
    return seen.splice(0).filter((path) => !prefetched.includes(path));
  };
}

// The login page, where every visit starts, loads the islands bundle: only its sign-in card
// hydrates (app::app::ISLAND_PAGES). The console's bundle is only prefetched, for the page after.
test("the login page loads only the islands bundle, and its card still answers", async ({ page }) => {
  const loads = wasmLoads(page);
  await page.goto("/login?next=%2Faudit");
  await hydrated(page);
  const loaded = await loads();
  expect(loaded.length, "the wasm the login page loads").toBeGreaterThan(0);
  for (const path of loaded) expect(path).toMatch(/^\/islands\/pkg\/wxa-islands\.[A-Za-z0-9_-]{22}\.wasm$/);
  await expect(
    page.locator('link[rel="prefetch"][href^="/pkg/wxa-console."][href$=".wasm"]'),
  ).toHaveCount(1);

  // The card is live: the server's answer lands at the fields, the language switch reloads.
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("error-username")).toHaveText("必填");
  await page.getByTestId("locale-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await hydrated(page);
  await expect(page.getByTestId("login-submit")).toHaveText("Sign in");
  await page.getByTestId("login-username").fill("operator");
  await page.getByTestId("login-password").fill("wrong-password");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toBeVisible();

  // Signing in leaves for the page asked for.
  await page.getByTestId("login-password").fill(LOGINS.operator.password);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByTestId("audit-table")).toBeVisible();
});

// The list pages that react only through the header (app::app::ISLAND_PAGES) load the islands
// bundle too: the bell is their one island, the language switch and sign-out are plain forms;
// filters are GET forms.
test("a list page on the islands bundle: its header still works, its filters still filter", async ({ page }) => {
  await login(page, "operator");
  const loads = wasmLoads(page);
  await page.goto("/audit");
  await hydrated(page);
  const loaded = await loads();
  expect(loaded.length, "the wasm /audit loads").toBeGreaterThan(0);
  for (const path of loaded) expect(path).toMatch(/^\/islands\/pkg\/wxa-islands\./);
  await expect(page.locator("leptos-island")).toHaveCount(1);
  await expect(page.getByTestId("bell")).toHaveAttribute("data-unread", /^\d+$/);

  // The filter form submits as a plain GET form and the server answers with the filtered page.
  await page.getByTestId("audit-action").selectOption("auth.login");
  await page.getByTestId("audit-apply").click();
  await expect(page).toHaveURL(/[?&]action=auth\.login/);
  await hydrated(page);
  await expect(page.getByTestId("audit-action")).toHaveValue("auth.login");

  // The language switch and sign-out are live, and the page after a console page is the
  // console's bundle again.
  await page.getByTestId("locale-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByTestId("nav-audit")).toHaveText("Audit log");
  await hydrated(page);
  await page.getByTestId("locale-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await hydrated(page);
  await page.getByTestId("nav-message-sets").click();
  await expect(page).toHaveURL(/\/message-sets$/);
  await hydrated(page);
  expect(await loads()).toContainEqual(expect.stringMatching(/^\/pkg\/wxa-console\./));
  await page.goto("/releases");
  await hydrated(page);
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/releases");
  await expect(page).toHaveURL(/\/login\?next=%2Freleases/);
});

// The registry, the first page after signing in, loads the islands bundle too: its table, pager
// and fleet re-check are one island, which keeps the ticked rows between them.
test("the registry is an islands page whose ticks and re-check still answer", async ({ page }) => {
  const loads = wasmLoads(page);
  await login(page, "operator");
  await expect(page).toHaveURL(/\/apps$/);
  const loaded = await loads();
  expect(loaded.length, "the wasm the registry loads").toBeGreaterThan(0);
  for (const path of loaded) expect(path).toMatch(/^\/islands\/pkg\/wxa-islands\./);
  await expect(page.locator('leptos-island[data-component^="Registry_"]')).toHaveCount(1);

  // Ticking the page ticks every row; unticking one row unticks the page's box.
  const rows = page.getByTestId("registry-select");
  const count = await rows.count();
  expect(count).toBeGreaterThan(1);
  const selected = page.getByTestId("fleet-recheck-selected");
  await expect(selected).toBeDisabled();
  await page.getByTestId("registry-select-page").check();
  for (let i = 0; i < count; i++) await expect(rows.nth(i)).toBeChecked();
  await expect(selected).toBeEnabled();
  await rows.nth(1).uncheck();
  await expect(page.getByTestId("registry-select-page")).not.toBeChecked();
  await expect(rows.first()).toBeChecked();

  // Sorting and the pager are links the server answers, still on the islands bundle.
  await page.getByTestId("sort-name").click();
  await expect(page).toHaveURL(/[?&]sort=name/);
  await expect(page.locator('leptos-island[data-component^="Registry_"]')).toHaveCount(1);
  await expect(page.getByTestId("registry-row").first()).toBeVisible();
});
