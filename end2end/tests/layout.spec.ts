import { expect } from "@playwright/test";
import { test, demoAppid, hydrated, login, LOGINS } from "./helpers";

// 星辰咖啡's, released with a newer version under review; nobody's test changes it.
const APP = demoAppid(16);
const PAGES = [
  { name: "home", path: `/apps/${APP}`, ready: "home-versions" },
  { name: "release", path: `/apps/${APP}/release`, ready: "release-steps" },
  { name: "widget", path: `/apps/${APP}/widget`, ready: "wg-status" },
];

// Issue 11: the reworked pages at a desk (1440 px) and on a phone (390 px), in both languages,
// hydrated and without JavaScript: nothing wider than the screen, and a screenshot of each.
for (const js of [true, false]) {
  test.describe(js ? "hydrated" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: js });
    for (const width of [1440, 390]) {
      test(`the home, release page and widget editor fit ${width} px, in Chinese and English`, async ({ page }) => {
        await page.setViewportSize({ width, height: 900 });
        if (js) {
          await login(page, "merchant");
        } else {
          await page.goto("/login");
          await page.request.post("/api/auth/login", { form: LOGINS.merchant });
        }
        const { hostname } = new URL(page.url());
        for (const lang of ["zh", "en"]) {
          await page.context().addCookies([{ name: "wxa_lang", value: lang, domain: hostname, path: "/" }]);
          for (const p of PAGES) {
            await page.goto(p.path);
            if (js) await hydrated(page);
            await expect(page.getByTestId(p.ready)).toBeVisible();
            await expect(page.locator("html")).toHaveAttribute("lang", lang === "zh" ? "zh-CN" : "en");
            const overflow = await page.evaluate(
              () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
            );
            expect(overflow, `${p.name} at ${width} px (${lang}) scrolls sideways`).toBeLessThanOrEqual(1);
            await page.screenshot({
              path: `test-results/layout/${p.name}-${width}-${lang}-${js ? "js" : "nojs"}.png`,
              fullPage: true,
            });
          }
        }
      });
    }
  });
}
