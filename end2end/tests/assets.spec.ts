import { expect } from "@playwright/test";
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

// The login page, where every visit starts, loads the islands bundle: only its sign-in card
// hydrates (app::app::ISLAND_PAGES). The console's bundle is only prefetched, for the page after.
test("the login page loads only the islands bundle, and its card still answers", async ({ page }) => {
  const wasm: Promise<{ path: string; prefetch: boolean }>[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (!path.endsWith(".wasm")) return;
    wasm.push(
      r.allHeaders().then((h) => ({
        path,
        prefetch: /prefetch/.test(`${h["sec-purpose"] ?? ""} ${h["purpose"] ?? ""}`),
      })),
    );
  });
  await page.goto("/login?next=%2Faudit");
  await hydrated(page);
  const loaded = (await Promise.all(wasm)).filter((w) => !w.prefetch).map((w) => w.path);
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

  // Signing in leaves for the page asked for, which runs on the console's bundle.
  wasm.length = 0;
  await page.getByTestId("login-password").fill(LOGINS.operator.password);
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/audit$/);
  await hydrated(page);
  const next = (await Promise.all(wasm)).map((w) => w.path);
  expect(next.some((p) => p.startsWith("/pkg/wxa-console.")), next.join(", ")).toBe(true);
  await page.getByTestId("nav-apps").click();
  await expect(page.getByTestId("registry")).toBeVisible();
  await page.getByTestId("locale-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
});
