import { expect } from "@playwright/test";
import { test, hydrated, login } from "./helpers";

// Issue 16: what a browser downloads. Every bundle file has a content hash in its name, comes
// brotli-compressed and may be cached for a year.
test("the bundle is hashed, brotli-compressed and cached for a year", async ({ page }) => {
  const bundle: { path: string; encoding?: string; cache?: string }[] = [];
  page.on("response", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/pkg/") && r.status() === 200) {
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
