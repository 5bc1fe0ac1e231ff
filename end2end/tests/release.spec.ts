import { expect, Page } from "@playwright/test";
import { test, demoAppid, hydrated, login, LOGINS } from "./helpers";

// Demo stages (services::demo::code_stage, i % 5): 2 rejected, 3 committed only.
// Merchant 星辰咖啡 owns i % 4 == 0.
const COMMITTED_APP = demoAppid(8);
const REJECTED_APP = demoAppid(12);
// Committed only, nobody else's test touches it.
const SECOND_APP = demoAppid(3);

async function commit(page: Page, version: string) {
  await page.getByTestId("commit-template").selectOption("1");
  await page.getByTestId("commit-version").fill(version);
  await page.getByTestId("commit-desc").fill(`e2e ${version}`);
  await page.getByTestId("commit-submit").click();
  await expect(page.getByTestId("dev-version")).toHaveText(version);
  await hydrated(page);
}

async function fillItem(page: Page, i: number) {
  await page.getByTestId(`item-page-${i}`).selectOption({ index: 1 });
  await page.getByTestId(`item-title-${i}`).fill(i === 0 ? "首页" : `页面${i}`);
  await page.getByTestId(`item-tags-${i}`).fill("咖啡 点单");
  await page.getByTestId(`item-category-${i}`).selectOption({ index: 1 });
}

async function submit(page: Page) {
  await fillItem(page, 0);
  await page.getByTestId("submit-audit").click();
  await expect(page.getByTestId("audit-status")).toHaveAttribute("data-status", "2");
  await hydrated(page);
}

async function simBase(page: Page): Promise<string> {
  const res = await page.request.post("/api/widgets/simulator", { data: {} });
  expect(res.status()).toBe(200);
  return (await res.json()) as string;
}

async function submitAndApprove(page: Page) {
  await submit(page);
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
  // navigateToMiniProgramAppIdList and plugins have fields of their own (then cleared again).
  await page.getByTestId("ext-navigate-appids").fill("wx0123456789abcdef\nwx1123456789abcdef");
  await page.getByTestId("ext-navigate-appids").blur();
  await expect(page.getByTestId("ext-raw")).toHaveValue(/"navigateToMiniProgramAppIdList": \[\s*"wx0123456789abcdef",\s*"wx1123456789abcdef"/);
  await page.getByTestId("ext-plugins").fill("{ broken");
  await page.getByTestId("ext-plugins").blur();
  await expect(page.getByTestId("error-ext-plugins")).toBeVisible();
  await page.getByTestId("ext-plugins").fill('{"myPlugin": {"version": "1.0.0", "provider": "wx0123456789abcdef"}}');
  await page.getByTestId("ext-plugins").blur();
  await expect(page.getByTestId("error-ext-plugins")).toHaveCount(0);
  await expect(page.getByTestId("ext-raw")).toHaveValue(/"plugins": \{\s*"myPlugin"/);
  await page.getByTestId("ext-navigate-appids").fill("");
  await page.getByTestId("ext-navigate-appids").blur();
  await page.getByTestId("ext-plugins").fill("");
  await page.getByTestId("ext-plugins").blur();
  await expect(page.getByTestId("ext-raw")).not.toHaveValue(/navigateToMiniProgramAppIdList|plugins/);
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
  // Dangerous actions say what will happen first; cancel does nothing.
  await page.getByTestId("action-release").click();
  await expect(page.getByTestId("confirm-release")).toContainText("3.0.0");
  await page.getByTestId("confirm-release-no").click();
  await expect(page.getByTestId("confirm-release")).toHaveCount(0);
  await expect(page.getByTestId("online-none")).toBeVisible();
  await page.getByTestId("action-release").click();
  await page.getByTestId("confirm-release-yes").click();
  await expect(page.getByTestId("online-version")).toHaveText("3.0.0");
  await hydrated(page);

  // A second version goes out in steps: 10% then 50%, then the step is taken back.
  await commit(page, "3.1.0");
  await submitAndApprove(page);
  await page.getByTestId("gray-input").fill("20");
  await page.getByTestId("action-gray").click();
  await expect(page.getByTestId("gray-percentage")).toHaveText("20%");
  // The fleet view calls it gray (not "approved, not released") and names the version.
  await page.goto(`/releases?state=gray&version=3.1.0`);
  const grayRow = page.locator(`[data-testid="fleet-row"][data-appid="${COMMITTED_APP}"]`);
  await expect(grayRow).toHaveAttribute("data-state", "gray");
  await expect(grayRow.getByTestId("fleet-audit-version")).toHaveText("3.1.0");
  await expect(grayRow).toContainText("20%");
  await expect(page.locator('[data-testid="fleet-chart-bar"][data-state="gray"]')).not.toHaveAttribute("data-count", "0");
  await page.goto(`/apps/${COMMITTED_APP}/release`);
  await hydrated(page);
  await page.getByTestId("gray-input").fill("5");
  await expect(page.getByTestId("error-gray_percentage")).toContainText("85082");
  await expect(page.getByTestId("reason-revert")).toContainText("87011");
  await page.getByTestId("gray-input").fill("50");
  await page.getByTestId("action-gray").click();
  await expect(page.getByTestId("gray-percentage")).toHaveText("50%");
  await hydrated(page);
  await page.getByTestId("action-revert-gray").click();
  await page.getByTestId("confirm-revert-gray-yes").click();
  await expect(page.getByTestId("gray-status")).toHaveText("已取消");
  await hydrated(page);

  // Full release, then back to the previous version (once).
  await page.getByTestId("action-release").click();
  await page.getByTestId("confirm-release-yes").click();
  await expect(page.getByTestId("online-version")).toHaveText("3.1.0");
  await expect(page.getByTestId("online-previous")).toHaveText("3.0.0");
  await hydrated(page);
  await page.getByTestId("action-revert").click();
  await expect(page.getByTestId("confirm-revert")).toContainText("3.0.0");
  await page.getByTestId("confirm-revert-yes").click();
  await expect(page.getByTestId("online-version")).toContainText("3.0.0");
  await expect(page.getByTestId("reason-revert")).toContainText("87012");
  await expect(page.getByTestId("release-history").getByTestId("history-row")).toHaveCount(2);

  // The minimum base library: the confirmation names the share of users cut off.
  await page.getByTestId("support-select").selectOption({ index: 0 });
  await page.getByTestId("action-support").click();
  await expect(page.getByTestId("confirm-support")).toContainText("%");
  await page.getByTestId("confirm-support-no").click();
  await expect(page.getByTestId("confirm-support")).toHaveCount(0);
});

test("two audit items go to review; WeChat's <br> in the rejection reason shows as line breaks", async ({ page }) => {
  test.setTimeout(90_000);
  await login(page, "operator");
  await page.goto(`/apps/${SECOND_APP}/release`);
  await hydrated(page);
  await commit(page, "4.2.0");
  // "Add item" is a button labelled as such, enabled below the limit of 5.
  const add = page.getByTestId("item-add");
  await expect(add).toBeEnabled();
  expect((await add.textContent())!.trim()).toBe("添加审核项");
  await fillItem(page, 0);
  await add.click();
  await expect(page.getByTestId("item-1")).toBeVisible();
  await fillItem(page, 1);
  await page.getByTestId("submit-audit").click();
  await expect(page.getByTestId("audit-status")).toHaveAttribute("data-status", "2");
  const sim = await simBase(page);
  const state = await (await page.request.get(`${sim}/code/state?appid=${SECOND_APP}`)).json();
  const last = state.audits[state.audits.length - 1];
  expect(last.item_list.length).toBe(2);
  await hydrated(page);

  // The simulated reviewers reject with WeChat's default reason, which carries <br>.
  await page.getByTestId("sim-reject").click();
  await expect(page.getByTestId("audit-status")).toHaveAttribute("data-status", "1");
  const reason = page.getByTestId("audit-reason");
  await expect(reason).toContainText("页面内容为空");
  expect(await reason.textContent()).not.toContain("<br");
  expect(await reason.locator("br").count()).toBeGreaterThan(0);

  await page.goto(`/releases?state=rejected&version=4.2.0`);
  const cell = page.locator(`[data-testid="fleet-row"][data-appid="${SECOND_APP}"]`).getByTestId("fleet-rejection");
  await expect(cell).toContainText("页面内容为空");
  expect(await cell.textContent()).not.toContain("<br");
  expect(await cell.locator("br").count()).toBeGreaterThan(0);

  await page.goto("/notifications");
  const text = page.getByTestId("notification-text").filter({ hasText: "页面内容为空" }).first();
  await expect(text).toBeVisible({ timeout: 30_000 });
  expect(await text.textContent()).not.toContain("<br");
  expect(await text.locator("br").count()).toBeGreaterThan(0);
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

test("in English: no full-width brackets or colons, WeChat's texts and filter labels in English", async ({ page, context }) => {
  await login(page, "operator");
  const { hostname } = new URL(page.url());
  await context.addCookies([{ name: "wxa_lang", value: "en", domain: hostname, path: "/" }]);
  await page.goto(`/apps/${REJECTED_APP}/release`);
  await hydrated(page);
  await expect(page.getByTestId("reason-release")).toBeVisible();
  const reasons = (await page.locator('[data-testid^="reason-"]').allTextContents()).join(" ");
  expect(reasons).toContain("(errcode ");
  // The console's own texts (data such as template names and nick names aside).
  const uiText = await page.locator("main").evaluate((main) => {
    const copy = main.cloneNode(true) as HTMLElement;
    copy.querySelectorAll("option, textarea, pre, code, .facts dd").forEach((e) => e.remove());
    return copy.textContent ?? "";
  });
  expect(uiText).not.toMatch(/[（）：]/);
  await page.goto("/audit");
  await expect(page.getByTestId("audit-action").locator('option[value="auth.login"]')).toHaveText("Sign-in");
  await expect(page.getByTestId("audit-action").locator('option[value="release.release"]')).toHaveText("Released");
  await page.goto("/platform/callbacks");
  await expect(page.getByTestId("callbacks-outcome").locator('option[value="processing"]')).toHaveText("Processing");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the release page renders on the server", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.operator });
    await page.goto(`/apps/${REJECTED_APP}/release`);
    await expect(page.getByTestId("release-timeline")).toBeVisible();
    // The mini program's name in the title, a full breadcrumb, the steps in the order of the work.
    await expect(page).toHaveTitle(/^发布管理 · \S+/);
    await expect(page.getByTestId("release-name")).not.toBeEmpty();
    await expect(page.getByTestId("breadcrumb").locator("li")).toHaveCount(4);
    await expect(page.getByTestId("breadcrumb").locator(`a[href="/apps/${REJECTED_APP}"]`)).toHaveCount(1);
    const steps = page.getByTestId("release-steps").locator("a");
    await expect(steps).toHaveCount(5);
    const ids = await steps.evaluateAll((els) => els.map((e) => e.getAttribute("href")));
    const tops: number[] = [];
    for (const id of ids) tops.push(await page.locator(id!).evaluate((e) => e.getBoundingClientRect().top));
    expect([...tops].sort((a, b) => a - b)).toEqual(tops);
    await expect(page.getByTestId("audit-reason")).toContainText("类目不符");
    await expect(page.getByTestId("support-chart")).toBeVisible();
    await expect(page.getByTestId("reason-release")).toBeVisible();
  });
});

// Demo 33 (青禾生鲜, committed only) has a three-level category: 教育 > 学历教育 > 高等 / 中等.
// Not 星辰咖啡's: the bell test counts that merchant's notifications.
const THIRD_LEVEL_APP = demoAppid(33);

test("an audit item names a third-level category, and WeChat receives all three levels", async ({ page }) => {
  test.setTimeout(90_000);
  await login(page, "operator");
  await page.goto(`/apps/${THIRD_LEVEL_APP}/release`);
  await hydrated(page);
  const category = page.getByTestId("item-category-0");
  // Both third levels are offered, each with its whole path.
  await expect(category.locator("option", { hasText: "教育 > 学历教育 > 高等" })).toHaveCount(1);
  await expect(category.locator("option", { hasText: "教育 > 学历教育 > 中等" })).toHaveCount(1);
  await page.getByTestId("item-page-0").selectOption({ index: 1 });
  await page.getByTestId("item-title-0").fill("课程");
  await page.getByTestId("item-tags-0").fill("高等 教育");
  await category.selectOption({ label: "教育 > 学历教育 > 高等" });
  await page.getByTestId("submit-audit").click();
  await expect(page.getByTestId("audit-status")).toHaveAttribute("data-status", "2");
  const sim = await simBase(page);
  const state = await (await page.request.get(`${sim}/code/state?appid=${THIRD_LEVEL_APP}`)).json();
  const item = state.audits[state.audits.length - 1].item_list[0];
  expect([item.first_class, item.second_class, item.third_class]).toEqual(["教育", "学历教育", "高等"]);
  expect(item.third_id).toBe(5);
});
