import { expect, Page } from "@playwright/test";
import { test, demoAppid, hydrated, login, LOGINS } from "./helpers";

// 青禾生鲜's (i % 4 == 1), an enterprise, authorized, its code only committed and its avatar
// and introduction not set yet (services::demo::has_basic_info); used by no other spec.
const APP = demoAppid(13);
// 青禾生鲜's too, authorized; nobody checks its readiness (the never-checked state).
const NEVER = demoAppid(21);

const item = (page: Page, kind: string) => page.locator(`[data-testid="readiness-item"][data-item="${kind}"]`);

/** Retry-safe: no tester and no server domain left on APP from an earlier attempt. */
async function unbindAll(page: Page) {
  const view = await (await page.request.post("/api/testers/get", { data: { appid: APP } })).json();
  for (const t of view.testers ?? []) {
    await page.request.post("/api/testers/unbind", { data: { appid: APP, userstr: t.userstr } });
  }
  const sim = (await (await page.request.post("/api/widgets/simulator", { data: {} })).json()) as string;
  const empty = { appid: APP, requestdomain: [], wsrequestdomain: [], uploaddomain: [], downloaddomain: [], udpdomain: [], tcpdomain: [] };
  expect((await page.request.post(`${sim}/domains`, { data: empty })).status()).toBe(200);
}

test("an operator re-checks readiness, binds a tester from the checklist, and the registry follows", async ({ page }) => {
  await login(page, "operator");
  await unbindAll(page);

  // From the mini program's home to its checklist; a re-check reads WeChat.
  await page.goto(`/apps/${APP}`);
  await hydrated(page);
  await page.getByTestId("home-readiness-link").click();
  await expect(page).toHaveURL(new RegExp(`/apps/${APP}/readiness$`));
  await hydrated(page);
  await page.getByTestId("readiness-recheck").click();
  await expect(page.getByTestId("readiness-notice")).toHaveText("已重新检查。");
  await expect(page.getByTestId("readiness-item")).toHaveCount(9);
  await expect(item(page, "authorization")).toHaveAttribute("data-state", "ok");
  await expect(item(page, "code_committed")).toHaveAttribute("data-state", "ok");
  for (const missing of ["basic_info", "server_domains", "testers", "audit_passed", "released"]) {
    await expect(item(page, missing)).toHaveAttribute("data-state", "missing");
  }
  // Each missing item with the errcode it leads to and where it is fixed.
  await expect(item(page, "basic_info").getByTestId("readiness-item-errcode")).toHaveText("86002");
  await expect(item(page, "basic_info").getByTestId("readiness-item-prevents")).toContainText("头像");
  await expect(item(page, "released").getByTestId("readiness-item-fix")).toHaveAttribute(
    "href",
    `/apps/${APP}/release#step-release`,
  );
  await expect(page.getByTestId("readiness-count")).toHaveText("就绪 4 / 9");
  await expect(page.getByTestId("readiness-first-blocking")).toHaveAttribute("data-item", "basic_info");
  await expect(page.getByTestId("readiness-checked-at")).toContainText("operator");

  // The registry: its readiness column, and the filter "stuck at testers" finds it.
  await page.goto(`/apps?q=${APP}`);
  await hydrated(page);
  await expect(page.getByTestId("registry-readiness")).toContainText("就绪 4/9");
  await page.getByTestId("filter-readiness").selectOption("stuck:testers");
  await page.getByTestId("filter-apply").click();
  await expect(page).toHaveURL(/readiness=stuck(%3A|:)testers/);
  await expect(page.getByTestId("registry-row")).toHaveCount(1);
  await expect(page.getByTestId("registry-readiness")).toHaveAttribute("data-state", "stuck");
  // A fleet re-check of the ticked rows, with progress and its outcome.
  await page.getByTestId("registry-select").check();
  await page.getByTestId("fleet-recheck-selected").click();
  await expect(page.getByTestId("fleet-progress")).toHaveText("已检查 1 / 1");
  await expect(page.getByTestId("fleet-outcome")).toContainText("未就绪 1 个");
  // The run's end reads the table again; the ticked row stays ticked.
  await expect(page.getByTestId("registry-select")).toBeChecked();

  // From the registry to the checklist, and from its testers item to the testers page.
  await page.getByTestId("registry-readiness-link").click();
  await expect(page).toHaveURL(new RegExp(`/apps/${APP}/readiness$`));
  await hydrated(page);
  await item(page, "testers").getByTestId("readiness-item-fix").click();
  await expect(page).toHaveURL(new RegExp(`/apps/${APP}/testers$`));
  await hydrated(page);
  await page.getByTestId("tester-f-wechatid").fill("zhou_xin");
  await page.getByTestId("tester-bind").click();
  await expect(page.getByTestId("tester-notice")).toHaveText("已绑定。");

  // The checklist shows the last check until it is checked again; then testers are done.
  await page.goto(`/apps/${APP}/readiness`);
  await hydrated(page);
  await expect(item(page, "testers")).toHaveAttribute("data-state", "missing");
  await page.getByTestId("readiness-recheck").click();
  await expect(item(page, "testers")).toHaveAttribute("data-state", "ok");
  await expect(page.getByTestId("readiness-count")).toHaveText("就绪 5 / 9");
  await expect(item(page, "basic_info")).toHaveAttribute("data-state", "missing");

  // Server domains, from the checklist's link to the domain screen and back.
  await item(page, "server_domains").getByTestId("readiness-item-fix").click();
  await expect(page).toHaveURL(new RegExp(`/apps/${APP}/domains$`));
  await hydrated(page);
  await page.getByTestId("domain-input-request").fill("https://api.demo-shop.com");
  await page.getByTestId("domain-add-request").click();
  await expect(page.getByTestId("domain-notice")).toContainText("已保存");
  await page.goto(`/apps/${APP}/readiness`);
  await hydrated(page);
  await expect(item(page, "server_domains")).toHaveAttribute("data-state", "missing");
  await page.getByTestId("readiness-recheck").click();
  await expect(item(page, "server_domains")).toHaveAttribute("data-state", "ok");
  await expect(page.getByTestId("readiness-count")).toHaveText("就绪 6 / 9");

  // The registry's filter no longer finds it under testers, still under basic info.
  await page.goto(`/apps?q=${APP}&readiness=stuck%3Atesters`);
  await hydrated(page);
  await expect(page.getByTestId("registry-empty")).toBeVisible();
  await page.getByTestId("filter-readiness").selectOption("stuck:basic_info");
  await page.getByTestId("filter-apply").click();
  await expect(page.getByTestId("registry-row")).toHaveCount(1);
  await expect(page.getByTestId("registry-readiness")).toContainText("就绪 6/9");
  // Re-check everything the filter matches (here: one).
  await page.getByTestId("fleet-recheck-matching").click();
  await expect(page.getByTestId("fleet-progress")).toHaveText("已检查 1 / 1");
  await expect(page.getByTestId("fleet-outcome")).toContainText("失败 0 个");
});

test("a merchant reaches its own checklists only", async ({ page, browser }) => {
  // 青禾生鲜 (merchant2) opens its own mini program's checklist.
  const own = await browser.newPage();
  await own.goto("/login");
  await own.request.post("/api/auth/login", { form: LOGINS.merchant2 });
  const res = await own.goto(`/apps/${NEVER}/readiness`);
  expect(res?.status()).toBe(200);
  await expect(own.getByTestId("readiness-never")).toBeVisible();
  await expect(own.getByTestId("readiness-recheck")).toBeVisible();
  await own.close();

  // 星辰咖啡 (merchant) reaches neither the page nor the re-check of 青禾生鲜's.
  await login(page, "merchant");
  const foreign = await page.goto(`/apps/${APP}/readiness`);
  expect(foreign?.status()).toBe(404);
  await expect(page.getByTestId("page-error")).toBeVisible();
  await expect(page.getByTestId("readiness-items")).toHaveCount(0);
  const direct = await page.request.post("/api/readiness/check", { data: { appid: APP } });
  expect(direct.status()).toBe(404);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the checklist, the never-checked state and the registry column render on the server", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.operator });

    await page.goto(`/apps/${NEVER}/readiness`);
    await expect(page.getByTestId("readiness-never")).toBeVisible();
    await expect(page.getByTestId("readiness-recheck")).toBeVisible();
    await expect(page.getByTestId("readiness-item")).toHaveCount(0);

    // A checked one (re-checked through the API: no script on this page).
    const checked = await page.request.post("/api/readiness/check", { data: { appid: APP } });
    expect(checked.status()).toBe(200);
    await page.goto(`/apps/${APP}/readiness`);
    await expect(page.getByTestId("readiness-item")).toHaveCount(9);
    await expect(page.getByTestId("readiness-count")).toHaveText(/^就绪 \d \/ 9$/);
    await expect(item(page, "basic_info")).toHaveAttribute("data-state", "missing");
    await expect(item(page, "basic_info").getByTestId("readiness-item-errcode")).toHaveText("86002");

    // The registry's column and filter, as plain links and a GET form.
    await page.goto(`/apps?q=${APP}&readiness=stuck%3Abasic_info`);
    await expect(page.getByTestId("registry-row")).toHaveCount(1);
    await expect(page.getByTestId("registry-readiness")).toHaveAttribute("data-state", "stuck");
    await expect(page.getByTestId("filter-readiness")).toHaveValue("stuck:basic_info");
    await page.goto(`/apps?q=${NEVER}&readiness=unchecked`);
    await expect(page.getByTestId("registry-row")).toHaveCount(1);
    await expect(page.getByTestId("registry-readiness")).toHaveAttribute("data-state", "unchecked");

    // The mini program's home links it.
    await page.goto(`/apps/${APP}`);
    await expect(page.getByTestId("home-readiness-link")).toHaveAttribute("href", `/apps/${APP}/readiness`);
    await expect(page.getByTestId("detail-readiness-link")).toHaveAttribute("href", `/apps/${APP}/readiness`);
  });
});
