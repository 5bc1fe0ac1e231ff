import { expect } from "@playwright/test";
import { test, demoAppid, hydrated, login, LOGINS } from "./helpers";

test("an admin adds a mini program through the authorization link", async ({ page, context }) => {
  const stamp = Date.now().toString().slice(-6);
  const nickName = `授权测试${stamp}`;

  await login(page, "admin");
  await page.getByTestId("add-mini-program").click();
  await expect(page).toHaveURL(/\/apps\/authorize$/);
  await hydrated(page);

  // Pick the first real merchant.
  const merchantSelect = page.getByTestId("authorize-merchant");
  await merchantSelect.selectOption({ index: 1 });
  const merchantName = (await merchantSelect.locator("option:checked").textContent())!.trim();
  expect(merchantName.length).toBeGreaterThan(0);
  await page.getByTestId("authorize-generate").click();

  await expect(page).toHaveURL(/\/apps\/authorize\?request=\d+/);
  await expect(page.getByTestId("authorize-status")).toHaveAttribute("data-status", "pending");
  await expect(page.getByTestId("authorize-merchant-name")).toHaveText(merchantName);
  await expect(page.getByTestId("authorize-qr").locator("svg")).toBeVisible();
  const requestUrl = page.url();

  // The owner opens the link (the simulator's authorization page) and confirms.
  const [owner] = await Promise.all([
    context.waitForEvent("page"),
    page.getByTestId("authorize-link").click(),
  ]);
  await owner.waitForLoadState();
  await owner.getByTestId("sim-auth-nick-name").fill(nickName);
  await owner.getByTestId("sim-auth-confirm").click();
  // Back in the console through the meta-refresh landing.
  await expect(owner).toHaveURL(requestUrl, { timeout: 15_000 });
  await expect(owner.getByTestId("authorize-status")).toHaveAttribute("data-status", "completed");
  await owner.close();

  // The console tab polls and sees it too.
  await expect(page.getByTestId("authorize-status")).toHaveAttribute("data-status", "completed", {
    timeout: 15_000,
  });
  const appLink = page.getByTestId("authorize-app-link");
  const appid = ((await appLink.getAttribute("href")) ?? "").replace("/apps/", "");
  expect(appid).toMatch(/^wx[0-9a-f]{16}$/);

  // In the registry, under the chosen merchant.
  await page.goto(`/apps?q=${encodeURIComponent(nickName)}`);
  const row = page.getByTestId("registry-row");
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("registry-appid")).toHaveText(appid);
  await expect(row.getByTestId("registry-merchant")).toHaveText(merchantName);

  // Its token is watched.
  await page.getByTestId("nav-tokens").click();
  await expect(page).toHaveURL(/\/platform\/tokens$/);
  const tokenRow = page.locator(`[data-testid="token-row"][data-key$="${appid}"]`);
  await expect(tokenRow).toHaveCount(1);
  await expect(tokenRow.getByTestId("token-name")).toHaveText(nickName);
  await expect(tokenRow.getByTestId("token-health")).toHaveText("正常");
  await hydrated(page);
  await tokenRow.getByTestId("token-refresh").click();
  await expect(
    page.locator(`[data-testid="token-row"][data-key$="${appid}"]`).getByTestId("token-refreshed"),
  ).toBeVisible();

  // And the `authorized` push is in the inbox.
  await page.getByTestId("nav-callbacks").click();
  await expect(page).toHaveURL(/\/platform\/callbacks$/);
  await hydrated(page);
  await page.getByTestId("callbacks-kind").selectOption("authorized");
  await page.getByTestId("callbacks-appid").fill(appid);
  await page.getByTestId("callbacks-apply").click();
  await expect(page).toHaveURL(/kind=authorized/);
  const push = page.getByTestId("callback-row");
  await expect(push).toHaveCount(1);
  await expect(push.getByTestId("callback-appid")).toHaveText(appid);
  await push.getByTestId("callback-detail-link").click();
  await expect(page.getByTestId("callback-payload")).toContainText("<InfoType><![CDATA[authorized]]></InfoType>");
  await hydrated(page);
  await page.getByTestId("callback-replay").click();
  await expect(page.getByTestId("callback-replayed")).toBeVisible();
  await expect(page.getByTestId("callback-outcome")).toHaveText("已处理");
});

test("a refresh refused with 61023 shows the token as needing re-authorization, not fresh", async ({ page }) => {
  await login(page, "admin");
  const appid = demoAppid(6);
  const res = await page.request.post("/api/widgets/simulator", { data: {} });
  const sim = (await res.json()) as string;
  await page.goto("/platform/tokens");
  await hydrated(page);
  const row = () => page.locator(`[data-testid="token-row"][data-key="authorizer:${appid}"]`);
  await expect(row().getByTestId("token-health")).toHaveText("正常");
  // The owner's authorization is gone: WeChat answers 61023 to the next refresh.
  expect((await page.request.post(`${sim}/revoke-refresh-token`, { data: { appid } })).status()).toBe(200);
  await row().getByTestId("token-refresh").click();
  await expect(row().getByTestId("token-refresh-error")).toContainText("61023");
  await expect(row().getByTestId("token-health")).toHaveText("需重新授权");
  await expect(row().getByTestId("token-last-error")).toContainText("61023");
  // And after a reload (the server's rendering) too.
  await page.reload();
  await expect(row().getByTestId("token-health")).toHaveText("需重新授权");
  await expect(row().getByTestId("token-health")).toHaveClass(/health-needs_reauthorization/);
});

test("a merchant sees no platform entries and cannot open them", async ({ page }) => {
  await login(page, "merchant");
  await expect(page.getByTestId("nav-apps")).toBeVisible();
  await expect(page.getByTestId("nav-tokens")).toHaveCount(0);
  await expect(page.getByTestId("nav-callbacks")).toHaveCount(0);
  await expect(page.getByTestId("add-mini-program")).toHaveCount(0);
  for (const path of ["/platform/tokens", "/platform/callbacks", "/platform/callbacks/1", "/apps/authorize"]) {
    const res = await page.goto(path);
    expect(res!.status(), path).toBe(403);
    await expect(page.getByTestId("page-error")).toBeVisible();
    await expect(page.getByTestId("tokens-table")).toHaveCount(0);
    await expect(page.getByTestId("callbacks-table")).toHaveCount(0);
    await expect(page.getByTestId("authorize-form")).toHaveCount(0);
  }
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("token health and the callbacks inbox are rendered on the server", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.operator });
    await page.goto("/platform/tokens");
    await expect(page.getByTestId("tokens-table")).toBeVisible();
    await expect(page.locator('[data-testid="token-row"][data-key="component"]')).toHaveCount(1);
    await expect(page.getByTestId("lifetime-chart")).toBeVisible();

    await page.goto("/platform/callbacks?per_page=10");
    await expect(page.getByTestId("callbacks-table")).toBeVisible();
    await expect(page.getByTestId("callback-row")).toHaveCount(10);
    // Filters are a plain GET form.
    await page.getByTestId("callbacks-kind").selectOption("component_verify_ticket");
    await page.getByTestId("callbacks-apply").click();
    await expect(page).toHaveURL(/kind=component_verify_ticket/);
    const kinds = await page.getByTestId("callback-kind").allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set(["component_verify_ticket"]));
    await page.getByTestId("callback-detail-link").first().click();
    await expect(page.getByTestId("callback-payload")).toContainText("ComponentVerifyTicket");
  });
});
