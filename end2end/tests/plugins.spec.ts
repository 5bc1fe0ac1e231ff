import { expect, Page } from "@playwright/test";
import { test, demoAppid, hydrated, login, LOGINS } from "./helpers";

// 云途出行's enterprise mini program (i % 4 == 2, authorized), used by no other spec: it applies.
const APPLICANT = demoAppid(46);
// Owns the demo's 预约报名插件 (services::demo::PLUGIN_OWNER_DEMOS), not assigned to a merchant;
// the demo has three applications to it (one 21 hours old, one timed out).
const OWNER = demoAppid(59);
// 星辰咖啡's own mini program with a plugin (星辰点单插件); 云途出行's demo 2 applied to it.
const OWN = demoAppid(0);
// A personal subject (cannot own a plugin) and one that did not grant permission set 40.
const PERSONAL = demoAppid(58);
const NO_SCOPE = demoAppid(54);

async function simBase(page: Page): Promise<string> {
  const res = await page.request.post("/api/widgets/simulator", { data: {} });
  expect(res.status()).toBe(200);
  const base = (await res.json()) as string;
  expect(base).toMatch(/\/__sim$/);
  return base;
}

/** An application to OWNER's plugin made outside the console (the simulator's control API),
 * `ageSecs` ago; the applicant's AppID. */
async function outsideApplication(page: Page, sim: string, nickname: string, ageSecs: number): Promise<string> {
  const res = await page.request.post(`${sim}/plugins/applications`, {
    data: {
      plugin_appid: OWNER,
      nickname,
      reason: `${nickname}的申请`,
      age_secs: ageSecs,
      categories: [{ first: "IT科技", second: "硬件与设备" }],
    },
  });
  expect(res.status()).toBe(200);
  return (await res.json()).application.appid as string;
}

test("an operator applies for a plugin; the owner approves one application and refuses another with a reason", async ({ page }) => {
  await login(page, "operator");
  const sim = await simBase(page);
  // Retry-safe: the applicant starts without the owner's plugin (an earlier attempt's is removed).
  await page.request.post("/api/plugins/unbind", { data: { appid: APPLICANT, plugin_appid: OWNER } });
  const toRefuse = await outsideApplication(page, sim, "待拒绝的小程序", 60);
  const closing = await outsideApplication(page, sim, "快到期的小程序", 21 * 3600 + 600);

  await page.goto(`/apps/${APPLICANT}`);
  await hydrated(page);
  await page.getByTestId("home-plugins-link").click();
  await expect(page).toHaveURL(new RegExp(`/apps/${APPLICANT}/plugins$`));
  await hydrated(page);

  // The console's checks as one types: the AppID's form, the mini program's own plugin (89236).
  await page.getByTestId("plugin-f-appid").fill("wx123");
  await expect(page.getByTestId("plugin-error-plugin_appid")).toContainText("16 位十六进制");
  await page.getByTestId("plugin-f-appid").fill(APPLICANT);
  await expect(page.getByTestId("plugin-error-plugin_appid")).toContainText("89236");
  // A plugin nobody has: WeChat's 89239 with its meaning, at the field.
  await page.getByTestId("plugin-f-appid").fill("wx00000000000004a4");
  await page.getByTestId("plugin-f-reason").fill("需要预约报名");
  await expect(page.getByTestId("plugin-error-plugin_appid")).toHaveCount(0);
  await page.getByTestId("plugin-apply").click();
  await expect(page.getByTestId("plugin-error-plugin_appid")).toContainText("89239");
  await expect(page.getByTestId("plugin-error-plugin_appid")).toContainText("该插件不存在");

  // The owner's plugin: 申请中, with how long it has waited and the time left.
  await page.getByTestId("plugin-f-appid").fill(OWNER);
  await page.getByTestId("plugin-apply").click();
  await expect(page.getByTestId("plugin-notice")).toHaveText("已提交申请。");
  const mineHere = page.locator(`[data-testid="plugin"][data-plugin="${OWNER}"]`);
  await expect(mineHere.getByTestId("plugin-status")).toHaveText("申请中");
  await expect(mineHere.getByTestId("plugin-waiting")).toContainText("后超时");
  await expect(page.getByTestId("plugin-f-appid")).toHaveValue("");
  // Applied for already: the console knows (89237) before anything is sent.
  await page.getByTestId("plugin-f-appid").fill(OWNER);
  await expect(page.getByTestId("plugin-error-plugin_appid")).toContainText("89237");
  await page.getByTestId("plugin-f-appid").fill("");

  // The owner's page: the applications, the one close to WeChat's deadline highlighted.
  await page.goto(`/apps/${OWNER}/plugin-applications`);
  await hydrated(page);
  await expect(page.getByTestId("plugin-guide")).toBeVisible();
  const mine = page.locator(`[data-testid="application"][data-applicant="${APPLICANT}"]`);
  await expect(mine.getByTestId("application-status")).toHaveText("申请中");
  await expect(mine.getByTestId("application-reason")).toHaveText("需要预约报名");
  const near = page.locator(`[data-testid="application"][data-applicant="${closing}"]`);
  await expect(near).toHaveAttribute("data-deadline", "near");
  await expect(near).toHaveClass(/deadline-near/);
  await expect(near.getByTestId("application-deadline")).toContainText("即将超时");
  await expect(page.getByTestId("applications-near")).toBeVisible();

  // Approve the operator's application.
  await mine.getByTestId("application-approve").click();
  await expect(page.getByTestId("application-notice")).toHaveText("已通过。");
  await expect(mine.getByTestId("application-status")).toHaveText("申请通过");
  await expect(mine.getByTestId("application-approve")).toHaveCount(0);

  // Refuse another: the reason is required (said at once, nothing sent), then given.
  const other = page.locator(`[data-testid="application"][data-applicant="${toRefuse}"]`);
  await other.getByTestId("application-refuse").click();
  await other.getByTestId("application-confirm-refuse").click();
  await expect(other.getByTestId("application-error-reason")).toContainText("必填");
  await expect(other.getByTestId("application-status")).toHaveText("申请中");
  await other.getByTestId("application-f-reason").fill("暂不向该类目开放");
  await expect(other.getByTestId("application-error-reason")).toHaveCount(0);
  await other.getByTestId("application-confirm-refuse").click();
  await expect(page.getByTestId("application-notice")).toHaveText("已拒绝。");
  await expect(other.getByTestId("application-status")).toHaveText("被拒绝");
  // A refused application can be deleted (confirmed in the page); a pending one offers no delete.
  await expect(near.getByTestId("application-delete")).toHaveCount(0);
  await other.getByTestId("application-delete").click();
  await expect(other.getByTestId("application-confirm-delete")).toContainText("待拒绝的小程序");
  await other.getByTestId("application-confirm-delete-yes").click();
  await expect(page.getByTestId("application-notice")).toHaveText("已删除。");
  await expect(other).toHaveCount(0);

  // Back on the applicant: in use; a quick update to a version without it is WeChat's 89257.
  await expect(page.getByTestId("plugin-uses-link")).toHaveAttribute("href", `/apps/${OWNER}/plugins`);
  await page.goto(`/apps/${APPLICANT}/plugins`);
  await hydrated(page);
  await expect(mineHere.getByTestId("plugin-status")).toHaveText("申请通过");
  await mineHere.getByTestId("plugin-f-version").fill("9.9.9");
  await mineHere.getByTestId("plugin-update").click();
  await expect(mineHere.getByTestId("plugin-error-user_version")).toContainText("89257");
  await mineHere.getByTestId("plugin-f-version").fill("1.1.0");
  await mineHere.getByTestId("plugin-update").click();
  await expect(page.getByTestId("plugin-notice")).toHaveText("已快速更新。");
  await expect(mineHere.getByTestId("plugin-version")).toHaveText("1.1.0");

  // Remove it, confirmed in the page (cancel first: nothing happens).
  await mineHere.getByTestId("plugin-unbind").click();
  await expect(page.getByTestId("plugin-confirm-unbind")).toBeVisible();
  await page.getByTestId("plugin-confirm-cancel").click();
  await expect(page.getByTestId("plugin-confirm-unbind")).toHaveCount(0);
  await mineHere.getByTestId("plugin-unbind").click();
  await page.getByTestId("plugin-confirm-unbind-yes").click();
  await expect(page.getByTestId("plugin-notice")).toHaveText("已解除。");
  await expect(mineHere).toHaveCount(0);
});

test("a merchant reaches its own mini program's plugins and no one else's", async ({ page }) => {
  await login(page, "merchant");
  await page.goto(`/apps/${OWN}/plugin-applications`);
  await hydrated(page);
  await expect(page.locator(`[data-testid="application"][data-applicant="${demoAppid(2)}"]`)).toBeVisible();
  await page.getByTestId("plugin-uses-link").click();
  await expect(page).toHaveURL(new RegExp(`/apps/${OWN}/plugins$`));
  await hydrated(page);
  await expect(page.getByTestId("plugin-apply")).toBeEnabled();

  const res = await page.goto(`/apps/${OWNER}/plugin-applications`);
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("page-error")).toBeVisible();
  await expect(page.getByTestId("applications")).toHaveCount(0);
  const agree = await page.request.post("/api/plugins/agree", { data: { appid: OWNER, applicant: APPLICANT, page: 1 } });
  expect(agree.status()).toBe(404);
  const apply = await page.request.post("/api/plugins/apply", {
    data: { appid: APPLICANT, plugin_appid: OWN, reason: "不是我的小程序" },
  });
  expect(apply.status()).toBe(404);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the plugin pages and their links render on the server", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.operator });
    await page.goto(`/apps/${OWNER}/plugin-applications`);
    await expect(page.getByTestId("applications")).toBeVisible();
    await expect(page.getByTestId("plugin-guide")).toBeVisible();
    await expect(page.getByTestId("plugin-guide-scope")).toContainText("企业、媒体、政府及其他组织主体");
    await expect(page.locator('[data-testid="application"][data-deadline="near"]').first()).toBeVisible();
    await expect(page.locator('[data-testid="application"][data-deadline="expired"]').first()).toBeVisible();
    await page.goto(`/apps/${APPLICANT}/plugins`);
    await expect(page.getByTestId("plugin-apply-form")).toBeVisible();
    await expect(page.getByTestId("plugin-owner-link")).toHaveAttribute("href", `/apps/${APPLICANT}/plugin-applications`);
    await page.goto(`/apps/${PERSONAL}/plugin-applications`);
    await expect(page.getByTestId("plugin-owner-personal")).toBeVisible();
    await page.goto(`/apps/${NO_SCOPE}/plugins`);
    await expect(page.getByTestId("plugin-refusal")).toContainText("61007");
    await page.goto(`/apps/${APPLICANT}`);
    await expect(page.getByTestId("home-plugins-link")).toHaveAttribute("href", `/apps/${APPLICANT}/plugins`);
  });
});
