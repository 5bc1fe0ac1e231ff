import { expect } from "@playwright/test";
import { test, demoAppid, hydrated, login } from "./helpers";

// 星辰咖啡's (i % 4 == 0) whose latest audit was rejected (i % 5 == 2): a state that stays
// put (a version under review is approved by the simulator after a minute).
const APP = demoAppid(12);

// Issue 11, friction 3: the mini program's detail page is its home.
test("a merchant's mini program home shows versions, token, categories and recent activity", async ({ page, browser }) => {
  await login(page, "merchant");
  await page.goto(`/apps/${APP}`);
  await hydrated(page);
  await expect(page.getByTestId("detail-appid")).toHaveText(APP);
  await expect(page.getByTestId("home-online")).not.toHaveText("");
  await expect(page.getByTestId("home-audit-status")).toHaveText("审核被拒");
  await expect(page.getByTestId("home-audit")).not.toContainText("<br");
  await expect(page.getByTestId("home-token-health")).toBeVisible();
  expect(await page.getByTestId("home-category").count()).toBeGreaterThan(0);
  await expect(page.getByTestId("detail-widget")).toBeVisible();
  // Each part leads to its page.
  await expect(page.getByTestId("detail-release-link")).toHaveAttribute("href", `/apps/${APP}/release`);
  await expect(page.getByTestId("home-notifications-all")).toHaveAttribute("href", `/notifications?appid=${APP}`);
  await page.getByTestId("home-audit-all").click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?target=${APP}$`));
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  // The log's target filter takes the whole id in any case (an index lookup, issue 16); a
  // fragment finds nothing, and the field's hint says so.
  await hydrated(page);
  await expect(page.getByTestId("audit-target")).toHaveAttribute("title", /完整的对象/);
  await page.getByTestId("audit-target").fill(APP.toUpperCase());
  await page.getByTestId("audit-apply").click();
  await expect(page).toHaveURL(new RegExp(`target=${APP.toUpperCase()}`));
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  await page.getByTestId("audit-target").fill(APP.slice(0, 10));
  await page.getByTestId("audit-apply").click();
  await expect(page.getByTestId("audit-empty")).toBeVisible();

  // On a phone: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/apps/${APP}`);
  await hydrated(page);
  await expect(page.getByTestId("home-versions")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await page.screenshot({ path: "test-results/home-390-zh.png", fullPage: true });

  // In English, and without JavaScript (server-rendered).
  const { hostname } = new URL(page.url());
  await page.context().addCookies([{ name: "wxa_lang", value: "en", domain: hostname, path: "/" }]);
  const plain = await browser.newContext({
    javaScriptEnabled: false,
    storageState: await page.context().storageState(),
    viewport: { width: 1440, height: 900 },
  });
  const noJs = await plain.newPage();
  await noJs.goto(`/apps/${APP}`);
  await expect(noJs.getByTestId("home-versions").locator("h2")).toHaveText("Versions");
  await expect(noJs.getByTestId("home-audit-status")).toHaveText("Rejected");
  await noJs.screenshot({ path: "test-results/home-1440-en-nojs.png", fullPage: true });
  await plain.close();
});
