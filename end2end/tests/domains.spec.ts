import { expect, Page } from "@playwright/test";
import { test, demoAppid, hydrated, login, LOGINS } from "./helpers";

// 青禾生鲜's company (i % 4 == 1, i % 10 == 9: an enterprise, so it may have business
// domains), authorized, used by no other spec.
const APP = demoAppid(9);
// The default set's three targets: two companies (10: 云途出行, 53: 青禾生鲜) and a personal
// subject (58: i % 10 == 8, no business domains); all authorized, used by no other spec.
const TARGETS = [demoAppid(10), demoAppid(53), demoAppid(58)];
const PERSONAL = demoAppid(58);
// 星辰咖啡's own media mini program (the merchant only reads its domains here).
const OWN = demoAppid(4);

const KINDS = ["requestdomain", "wsrequestdomain", "uploaddomain", "downloaddomain", "udpdomain", "tcpdomain"];

/** Empties the mini programs' domains in the simulator (the owner clearing them on mp.weixin.qq.com), so that a retry starts where the first try did. */
async function clearDomains(page: Page, appids: string[]) {
  const res = await page.request.post("/api/widgets/simulator", { data: {} });
  const sim = (await res.json()) as string;
  for (const appid of appids) {
    const data: Record<string, unknown> = { appid, webviewdomain: [], changes_this_month: 0 };
    for (const kind of KINDS) data[kind] = [];
    expect((await page.request.post(`${sim}/domains`, { data })).status()).toBe(200);
  }
}

test("an operator adds domains, meets the console's and WeChat's refusals, and applies the default set to three mini programs twice", async ({ page }) => {
  await login(page, "operator");
  await clearDomains(page, [APP, ...TARGETS]);
  await page.goto(`/apps/${APP}`);
  await hydrated(page);
  await page.getByTestId("home-domains-link").click();
  await expect(page).toHaveURL(new RegExp(`/apps/${APP}/domains$`));
  await hydrated(page);
  await expect(page.getByTestId("domain-count-request")).toHaveText("0 / 200");
  await expect(page.getByTestId("domain-empty-request")).toBeVisible();

  // The console's own check as one types: no IP address.
  const input = page.getByTestId("domain-input-request");
  await input.fill("https://1.2.3.4");
  await expect(page.getByTestId("domain-error-request")).toContainText("IP 地址");
  await expect(page.getByTestId("domain-add-request")).toBeEnabled();
  await input.fill("https://api.demo-shop.com");
  await expect(page.getByTestId("domain-error-request")).toHaveCount(0);
  await expect(page.getByTestId("domain-preview-request")).toHaveText("将新增 1 个");
  await page.getByTestId("domain-add-request").click();
  await expect(page.getByTestId("domain-notice")).toContainText("已保存");
  await expect(page.getByTestId("domain-count-request")).toHaveText("1 / 200");
  await expect(page.locator('[data-testid="domain-entry"][data-domain="https://api.demo-shop.com"]')).toBeVisible();
  await expect(input).toHaveValue("");
  // Already there: the console says so before anything is sent (85017).
  await input.fill("https://API.demo-shop.com/");
  await expect(page.getByTestId("domain-error-request")).toContainText("85017");

  // Only WeChat knows the ICP filing: its 85302, with the meaning, at the field.
  await input.fill("https://api.demo-shop.test");
  await page.getByTestId("domain-add-request").click();
  await expect(page.getByTestId("domain-error-request")).toContainText("85302");
  await expect(page.getByTestId("domain-error-request")).toContainText("缺少ICP备案的域名");
  await expect(page.getByTestId("domain-count-request")).toHaveText("1 / 200");

  // A partial success: one added, the one not registered on the platform listed.
  await input.fill("https://img.demo-shop.com https://cdn.elsewhere.com");
  await expect(page.getByTestId("domain-preview-request")).toHaveText("将新增 2 个");
  await page.getByTestId("domain-add-request").click();
  await expect(page.getByTestId("domain-count-request")).toHaveText("2 / 200");
  await expect(page.getByTestId("domain-rejected")).toBeVisible();
  await expect(page.locator('[data-testid="domain-rejected-entry"][data-domain="https://cdn.elsewhere.com"]')).toBeVisible();

  // Delete one, confirmed in the page (cancel first: nothing happens).
  const img = page.locator('[data-testid="domain-entry"][data-domain="https://img.demo-shop.com"]');
  await img.getByTestId("domain-delete").click();
  await expect(page.getByTestId("domain-confirm-delete")).toContainText("img.demo-shop.com");
  await page.getByTestId("domain-confirm-cancel").click();
  await expect(page.getByTestId("domain-confirm-delete")).toHaveCount(0);
  await img.getByTestId("domain-delete").click();
  await page.getByTestId("domain-confirm-delete-yes").click();
  await expect(page.getByTestId("domain-count-request")).toHaveText("1 / 200");
  await expect(img).toHaveCount(0);

  // A business domain: no port (the console), under the platform's (WeChat's 89021).
  const web = page.getByTestId("domain-input-webview");
  await web.fill("https://h5.demo-shop.com:8443");
  await expect(page.getByTestId("domain-error-webview")).toContainText("端口");
  await web.fill("https://www.demo-shop.com");
  await page.getByTestId("domain-add-webview").click();
  await expect(page.getByTestId("domain-error-webview")).toContainText("89021");
  await web.fill("https://h5.demo-shop.com");
  await page.getByTestId("domain-add-webview").click();
  await expect(page.getByTestId("domain-count-webview")).toHaveText("1 / 300");
  await expect(page.locator('[data-testid="domain-entry"][data-kind="webview"][data-domain="https://h5.demo-shop.com"]')).toBeVisible();

  // The platform's default set: each box checked as one types.
  await page.getByTestId("nav-domain-defaults").click();
  await expect(page).toHaveURL(/\/domains\/defaults$/);
  await hydrated(page);
  await page.getByTestId("dd-f-upload").fill("https://localhost");
  await expect(page.getByTestId("dd-error-upload")).toContainText("localhost");
  await page.getByTestId("dd-f-upload").fill("");
  for (const kind of ["download", "udp", "tcp"]) await page.getByTestId(`dd-f-${kind}`).fill("");
  await page.getByTestId("dd-f-request").fill("https://api.demo-shop.com\nhttps://img.demo-shop.com");
  await page.getByTestId("dd-f-ws").fill("wss://wss.demo-shop.com");
  await page.getByTestId("dd-f-webview").fill("https://h5.demo-shop.com");
  await expect(page.getByTestId("dd-error-upload")).toHaveCount(0);
  await page.getByTestId("dd-save").click();
  await expect(page.getByTestId("dd-notice")).toBeVisible();
  await expect(page.getByTestId("dd-updated")).toContainText("operator");

  // Applied to three mini programs, one after another.
  await page.goto("/domains/defaults?per_page=100");
  await hydrated(page);
  const row = (appid: string) => page.locator(`[data-testid="dd-row"][data-appid="${appid}"]`);
  for (const appid of TARGETS) await row(appid).getByTestId("dd-row-check").check();
  await page.getByTestId("dd-apply").click();
  await expect(page.getByTestId("dd-progress")).toHaveText("3 / 3");
  const result = (appid: string) => row(appid).getByTestId("dd-result");
  for (const appid of TARGETS) {
    await expect(result(appid)).toHaveAttribute("data-added", appid === PERSONAL ? "3" : "4");
    await expect(result(appid)).toHaveAttribute("data-failed", "0");
  }
  // The results written into the rows and the table read again keep the ticks.
  for (const appid of TARGETS) await expect(row(appid).getByTestId("dd-row-check")).toBeChecked();
  await expect(row(APP).getByTestId("dd-row-check")).not.toBeChecked();
  // The personal mini program gets the server domains only.
  await expect(result(PERSONAL)).toContainText("89231");
  await expect(row(TARGETS[0])).toHaveAttribute("data-state", "complete");
  // Again: nothing is added.
  await page.getByTestId("dd-apply").click();
  await expect(page.getByTestId("dd-progress")).toHaveText("3 / 3");
  for (const appid of TARGETS) {
    await expect(result(appid)).toHaveAttribute("data-added", "0");
    await expect(result(appid)).toHaveAttribute("data-present", appid === PERSONAL ? "3" : "4");
  }
  // The state just produced, filtered on the server.
  await page.getByTestId("dd-filter").selectOption("complete");
  await page.getByTestId("dd-filter-apply").click();
  await expect(page).toHaveURL(/filter=complete/);
  for (const appid of TARGETS) await expect(row(appid)).toBeVisible();
  await expect(row(APP)).toHaveCount(0);
  // The page's box ticks every row shown; unticking a row unticks the page's box.
  await hydrated(page);
  await page.getByTestId("dd-select-page").uncheck();
  await page.getByTestId("dd-select-page").check();
  const checks = page.getByTestId("dd-row-check");
  for (let i = 0; i < (await checks.count()); i++) await expect(checks.nth(i)).toBeChecked();
  await row(TARGETS[1]).getByTestId("dd-row-check").uncheck();
  await expect(page.getByTestId("dd-select-page")).not.toBeChecked();
  await expect(row(TARGETS[0]).getByTestId("dd-row-check")).toBeChecked();
});

test("a merchant reaches its own mini program's domains and no one else's", async ({ page }) => {
  await login(page, "merchant");
  await page.goto(`/apps/${OWN}/domains`);
  await hydrated(page);
  await expect(page.getByTestId("domain-count-request")).toHaveText(/^\d+ \/ 200$/);
  await expect(page.getByTestId("domain-add-request")).toBeEnabled();

  const res = await page.goto(`/apps/${APP}/domains`);
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("page-error")).toBeVisible();
  await expect(page.getByTestId("domain-section-request")).toHaveCount(0);
  const direct = await page.request.post("/api/domains/change", {
    data: { appid: APP, change: { kind: "Request", action: "Add", input: "https://img.demo-shop.com" } },
  });
  expect(direct.status()).toBe(404);
  // The platform's default set is staff's.
  const defaults = await page.goto("/domains/defaults");
  expect(defaults?.status()).toBe(403);
  await expect(page.getByTestId("dd-editor")).toHaveCount(0);
  await expect(page.getByTestId("nav-domain-defaults")).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the domains page, the default set and their links render on the server", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.operator });
    await page.goto(`/apps/${APP}/domains`);
    await expect(page.getByTestId("domain-section-request")).toBeVisible();
    await expect(page.getByTestId("domain-count-request")).toHaveText(/^\d+ \/ 200$/);
    await expect(page.locator('[data-testid="domain-entry"][data-domain="https://api.demo-shop.com"]')).toBeVisible();
    await expect(page.getByTestId("domain-section-webview")).toBeVisible();
    await page.goto(`/apps/${PERSONAL}/domains`);
    await expect(page.getByTestId("domain-webview-personal")).toBeVisible();
    await page.goto("/domains/defaults?filter=complete&per_page=100");
    await expect(page.getByTestId("dd-editor")).toBeVisible();
    for (const appid of TARGETS) await expect(page.locator(`[data-testid="dd-row"][data-appid="${appid}"]`)).toBeVisible();
    await page.goto(`/apps/${APP}`);
    await expect(page.getByTestId("home-domains-link")).toHaveAttribute("href", `/apps/${APP}/domains`);
  });
});
