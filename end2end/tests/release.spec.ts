import { expect, Page } from "@playwright/test";
import { test, hydrated, login, LOGINS } from "./helpers";

/** services::demo::demo_appid: the demo's AppIDs are a fixed function of their index. */
function demoAppid(i: number): string {
  const mask = (1n << 64n) - 1n;
  const mixed = ((BigInt(i + 1) * 0x9e3779b97f4a7c15n) & mask) ^ 0x5bd1e9950d5ca4f3n;
  return "wx" + mixed.toString(16).padStart(16, "0");
}

// Demo stages (services::demo::code_stage, i % 5): 2 rejected, 3 committed only.
// Merchant 星辰咖啡 owns i % 4 == 0.
const COMMITTED_APP = demoAppid(8);
const REJECTED_APP = demoAppid(12);

async function commit(page: Page, version: string) {
  await page.getByTestId("commit-template").selectOption("1");
  await page.getByTestId("commit-version").fill(version);
  await page.getByTestId("commit-desc").fill(`e2e ${version}`);
  await page.getByTestId("commit-submit").click();
  await expect(page.getByTestId("dev-version")).toHaveText(version);
  await hydrated(page);
}

async function submitAndApprove(page: Page) {
  await page.getByTestId("item-page-0").selectOption({ index: 1 });
  await page.getByTestId("item-title-0").fill("首页");
  await page.getByTestId("item-tags-0").fill("咖啡 点单");
  await page.getByTestId("item-category-0").selectOption({ index: 1 });
  await page.getByTestId("submit-audit").click();
  await expect(page.getByTestId("audit-status")).toHaveAttribute("data-status", "2");
  await hydrated(page);
  // The simulated reviewers approve; the page records it.
  await page.getByTestId("sim-approve").click();
  await expect(page.getByTestId("audit-status")).toHaveAttribute("data-status", "0");
  await hydrated(page);
}

test("commit with ext_json, preview, QR, review, release, gray steps and reverts", async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, "operator");
  await page.goto(`/apps/${COMMITTED_APP}`);
  await page.getByTestId("detail-release-link").click();
  await expect(page).toHaveURL(new RegExp(`/apps/${COMMITTED_APP}/release$`));
  await hydrated(page);
  await expect(page.getByTestId("audit-none")).toBeVisible();
  await expect(page.getByTestId("reason-release")).toContainText("85019");

  // ext_json through the structured fields; the raw JSON and the merge preview follow.
  // The form starts from the development version's ext_json: start afresh.
  await expect(page.getByTestId("ext-raw")).toHaveValue(/"extAppid"/);
  await page.getByTestId("ext-raw").fill("");
  await page.getByTestId("ext-appid").fill(COMMITTED_APP);
  await page.getByTestId("ext-add").click();
  await page.getByTestId("ext-value-0").fill("星辰");
  await page.getByTestId("ext-value-0").blur();
  await page.getByTestId("ext-pages").fill("pages/index/index\npages/menu/menu");
  await page.getByTestId("ext-pages").blur();
  await page.getByTestId("ext-window-title").fill("星辰咖啡");
  await expect(page.getByTestId("ext-raw")).toHaveValue(/"extAppid"/);
  await expect(page.getByTestId("ext-raw")).toHaveValue(/"key1": "星辰"/);
  const preview = page.getByTestId("merge-preview");
  await expect(preview).toContainText("pages/menu/menu");
  await expect(preview).toContainText("星辰咖啡");
  await expect(preview).not.toContainText("extAppid");
  // A tab to a page that is not in pages is 85045, said at the tab, as you type.
  await page.getByTestId("tab-add").click();
  await page.getByTestId("tab-path-0").fill("pages/nowhere");
  await page.getByTestId("tab-path-0").blur();
  await expect(page.getByTestId("error-tab-0")).toContainText("85045");
  await page.getByTestId("tab-path-0").fill("pages/menu/menu");
  await page.getByTestId("tab-path-0").blur();
  await expect(page.getByTestId("error-tab-0")).toHaveCount(0);
  await expect(preview).toContainText('"tabBar"');
  // Broken raw JSON is 85048 at the ext_json field.
  const raw = await page.getByTestId("ext-raw").inputValue();
  await page.getByTestId("ext-raw").fill("{");
  await expect(page.getByTestId("error-ext_json")).toContainText("85048");
  await page.getByTestId("ext-raw").fill(raw);
  await expect(page.getByTestId("error-ext_json")).toHaveCount(0);
  await commit(page, "3.0.0");

  // The experience QR code: shown, and downloadable through the console.
  await page.getByTestId("qrcode-path").fill("pages/menu/menu?from=e2e");
  await page.getByTestId("qrcode-show").click();
  const img = page.getByTestId("qrcode-img");
  await expect(img).toHaveAttribute("src", /path=pages\/menu\/menu%3Ffrom%3De2e/);
  await expect
    .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth))
    .toBeGreaterThan(0);
  const href = (await page.getByTestId("qrcode-download").getAttribute("href"))!;
  const download = await page.request.get(href);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-type"]).toBe("image/jpeg");

  await submitAndApprove(page);
  await page.getByTestId("action-release").click();
  await expect(page.getByTestId("online-version")).toHaveText("3.0.0");
  await hydrated(page);

  // A second version goes out in steps: 10% then 50%, then the step is taken back.
  await commit(page, "3.1.0");
  await submitAndApprove(page);
  await page.getByTestId("gray-input").fill("10");
  await page.getByTestId("action-gray").click();
  await expect(page.getByTestId("gray-percentage")).toHaveText("10%");
  await hydrated(page);
  await page.getByTestId("gray-input").fill("5");
  await expect(page.getByTestId("error-gray_percentage")).toContainText("85082");
  await expect(page.getByTestId("reason-revert")).toContainText("87011");
  await page.getByTestId("gray-input").fill("50");
  await page.getByTestId("action-gray").click();
  await expect(page.getByTestId("gray-percentage")).toHaveText("50%");
  await hydrated(page);
  await page.getByTestId("action-revert-gray").click();
  await expect(page.getByTestId("gray-status")).toHaveText("已取消");
  await hydrated(page);

  // Full release, then back to the previous version (once).
  await page.getByTestId("action-release").click();
  await expect(page.getByTestId("online-version")).toHaveText("3.1.0");
  await expect(page.getByTestId("online-previous")).toHaveText("3.0.0");
  await hydrated(page);
  await page.getByTestId("action-revert").click();
  await expect(page.getByTestId("online-version")).toContainText("3.0.0");
  await expect(page.getByTestId("reason-revert")).toContainText("87012");
  await expect(page.getByTestId("release-history").getByTestId("history-row")).toHaveCount(2);
});

test("a rejected audit shows its reason; a merchant cannot open another merchant's page", async ({ page }) => {
  await login(page, "merchant");
  await page.goto(`/apps/${REJECTED_APP}/release`);
  await hydrated(page);
  await expect(page.getByTestId("audit-status")).toHaveAttribute("data-status", "1");
  await expect(page.getByTestId("audit-reason")).toContainText("类目不符");
  // Merchants get no simulator controls.
  await expect(page.getByTestId("sim-approve")).toHaveCount(0);
  // 青禾生鲜's mini program (index 1) is not this merchant's.
  const other = demoAppid(1);
  await page.goto(`/apps/${other}/release`);
  await expect(page.getByTestId("page-error")).toBeVisible();
  const qr = await page.request.get(`/apps/${other}/release/qrcode.jpg`);
  expect(qr.status()).toBe(404);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the release page renders on the server", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.operator });
    await page.goto(`/apps/${REJECTED_APP}/release`);
    await expect(page.getByTestId("release-timeline")).toBeVisible();
    await expect(page.getByTestId("audit-reason")).toContainText("类目不符");
    await expect(page.getByTestId("support-chart")).toBeVisible();
    await expect(page.getByTestId("reason-release")).toBeVisible();
  });
});
