import { expect, Page } from "@playwright/test";
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

  // Its token is watched: searched for by name on the token screen.
  await page.getByTestId("nav-tokens").click();
  await expect(page).toHaveURL(/\/platform\/tokens$/);
  await hydrated(page);
  await page.getByTestId("tokens-search").fill(nickName);
  await page.getByTestId("tokens-apply").click();
  await expect(page).toHaveURL(/[?&]q=/);
  await expect(page.getByTestId("token-row")).toHaveCount(1);
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
  await expect(page.getByTestId("callbacks-kind")).toHaveValue("authorized");
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
  await page.goto(`/platform/tokens?q=${appid}`);
  await hydrated(page);
  const row = () => page.locator(`[data-testid="token-row"][data-key="authorizer:${appid}"]`);
  await expect(row().getByTestId("token-health")).toHaveText("正常");
  // The owner's authorization is gone: WeChat answers 61023 to the next refresh.
  expect((await page.request.post(`${sim}/revoke-refresh-token`, { data: { appid } })).status()).toBe(200);
  await row().getByTestId("token-refresh").click();
  await expect(row().getByTestId("token-refresh-error")).toContainText("61023");
  await expect(row().getByTestId("token-health")).toHaveText("需重新授权");
  await expect(row().getByTestId("token-last-error")).toContainText("61023");
  // The refresh reloaded the same search.
  await expect(page).toHaveURL(new RegExp(`q=${appid}`));
  // And after a reload (the server's rendering) too.
  await page.reload();
  await expect(row().getByTestId("token-health")).toHaveText("需重新授权");
  await expect(row().getByTestId("token-health")).toHaveClass(/health-needs_reauthorization/);
});

/** The count a health chip shows (`all`, `problems` or a state). */
async function chipCount(page: Page, health: string): Promise<number> {
  const text = await page
    .locator(`[data-testid="health-chip"][data-health="${health}"]`)
    .getByTestId("health-count")
    .textContent();
  return Number(text);
}

/** The total of the pager's "第 a–b 条，共 n 条". */
async function pagerTotal(page: Page): Promise<number> {
  const range = (await page.getByTestId("pager-range").textContent()) ?? "";
  return Number(/共 (\d+) 条/.exec(range)?.[1]);
}

test("the token screen filters by health, searches, pages and sorts on the server", async ({ page }) => {
  await login(page, "operator");
  await page.getByTestId("nav-tokens").click();
  await expect(page).toHaveURL(/\/platform\/tokens$/);
  await hydrated(page);
  await expect(page.getByTestId("ticket")).toBeVisible();
  await expect(page.getByTestId("token-row")).toHaveCount(20);
  const everything = await chipCount(page, "all");
  // The platform's own token and the 56 demo mini programs still authorized (or to be
  // authorized again; the 4 whose authorization was cancelled have no token), more if another
  // scenario added one.
  expect(everything).toBeGreaterThanOrEqual(57);
  expect(await pagerTotal(page)).toBe(everything);
  await expect(page.locator('[data-testid="health-chip"][data-health="all"]')).toHaveAttribute("aria-current", "true");

  // The demo marks every 13th mini program as needing re-authorization (5 or more of them).
  const reauth = await chipCount(page, "needs_reauthorization");
  expect(reauth).toBeGreaterThanOrEqual(5);
  await page.getByTestId("tokens-health").selectOption("needs_reauthorization");
  await page.getByTestId("tokens-apply").click();
  await expect(page).toHaveURL(/health=needs_reauthorization/);
  await expect(page.getByTestId("token-row")).toHaveCount(Math.min(reauth, 20));
  expect(new Set(await page.getByTestId("token-health").allTextContents())).toEqual(new Set(["需重新授权"]));
  expect(await pagerTotal(page)).toBe(reauth);
  await expect(
    page.locator('[data-testid="health-chip"][data-health="needs_reauthorization"]'),
  ).toHaveAttribute("aria-current", "true");

  // Then a search on top of it: 青禾生鲜's (青禾生鲜会员1 and 青禾生鲜预约2 among them).
  await page.getByTestId("tokens-search").fill("青禾");
  await page.getByTestId("tokens-apply").click();
  await expect(page).toHaveURL(/q=%E9%9D%92%E7%A6%BE|q=青禾/);
  await expect(page).toHaveURL(/health=needs_reauthorization/);
  await expect(page.getByTestId("token-name").first()).toContainText("青禾");
  const names = await page.getByTestId("token-name").allTextContents();
  expect(names.length).toBeGreaterThanOrEqual(2);
  expect(names.length).toBeLessThan(reauth);
  for (const name of names) expect(name).toContain("青禾");
  expect(new Set(await page.getByTestId("token-health").allTextContents())).toEqual(new Set(["需重新授权"]));
  // The counts follow the search.
  const qinghe = await chipCount(page, "all");
  expect(qinghe).toBeLessThan(everything);
  expect(await chipCount(page, "needs_reauthorization")).toBe(names.length);
  await expect(page.getByTestId("tokens-search")).toHaveValue("青禾");

  // Every state of the same search: the "all" chip keeps the search.
  await page.locator('[data-testid="health-chip"][data-health="all"]').click();
  await expect(page).not.toHaveURL(/health=/);
  await expect(page.getByTestId("token-row")).toHaveCount(Math.min(qinghe, 20));
  for (const name of await page.getByTestId("token-name").allTextContents()) expect(name).toContain("青禾");

  // Cleared: everything again, page by page.
  await page.getByTestId("tokens-reset").click();
  await expect(page).toHaveURL(/\/platform\/tokens$/);
  await expect(page.getByTestId("token-row")).toHaveCount(20);
  await expect(page.getByTestId("tokens-search")).toHaveValue("");
  await page.getByTestId("pager-next").click();
  await expect(page).toHaveURL(/[?&]page=2(&|$)/);
  await expect(page.getByTestId("pager-range")).toHaveText(/^第 21–40 条，共 \d+ 条$/);
  const secondPage = await page.locator('[data-testid="token-row"]').first().getAttribute("data-key");
  expect(secondPage).not.toBe("component");

  // Sorted by expiry: back to page 1, the header says so; again: the other way round.
  await page.getByTestId("sort-expires").click();
  await expect(page).toHaveURL(/sort=expires/);
  await expect(page).not.toHaveURL(/[?&]page=2(&|$)/);
  const expiresHeader = page.locator("th").filter({ has: page.getByTestId("sort-expires") });
  await expect(expiresHeader).toHaveAttribute("aria-sort", "ascending");
  await page.getByTestId("sort-expires").click();
  await expect(page).toHaveURL(/dir=desc/);
  await expect(expiresHeader).toHaveAttribute("aria-sort", "descending");
  await expect(page.locator("th").filter({ has: page.getByTestId("sort-health") })).toHaveAttribute("aria-sort", "none");

  // A manual refresh keeps the page on its filter and search.
  await page.goto("/platform/tokens?health=fresh&q=%E6%98%9F%E8%BE%B0");
  await hydrated(page);
  const fresh = page.getByTestId("token-row").first();
  const key = await fresh.getAttribute("data-key");
  await fresh.getByTestId("token-refresh").click();
  await expect(page.locator(`[data-testid="token-row"][data-key="${key}"]`).getByTestId("token-refreshed")).toBeVisible();
  await expect(page).toHaveURL(/health=fresh/);
  for (const name of await page.getByTestId("token-name").allTextContents()) expect(name).toContain("星辰");
  expect(new Set(await page.getByTestId("token-health").allTextContents())).toEqual(new Set(["正常"]));
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
    await page.goto("/platform/tokens?sort=name&dir=asc");
    await expect(page.getByTestId("tokens-table")).toBeVisible();
    // The platform's own token has no mini program name: first by name.
    await expect(page.locator('[data-testid="token-row"][data-key="component"]')).toHaveCount(1);
    await expect(page.getByTestId("lifetime-chart")).toBeVisible();
    await expect(page.locator("th").filter({ has: page.getByTestId("sort-name") })).toHaveAttribute("aria-sort", "ascending");
    // The health filter is a plain GET form, the counts are plain links, and so is the pager.
    const reauth = await chipCount(page, "needs_reauthorization");
    expect(reauth).toBeGreaterThan(0);
    await page.getByTestId("tokens-health").selectOption("needs_reauthorization");
    await page.getByTestId("tokens-apply").click();
    await expect(page).toHaveURL(/health=needs_reauthorization/);
    await expect(page).toHaveURL(/sort=name/);
    await expect(page.getByTestId("token-row")).toHaveCount(Math.min(reauth, 20));
    expect(new Set(await page.getByTestId("token-health").allTextContents())).toEqual(new Set(["需重新授权"]));
    await page.locator('[data-testid="health-chip"][data-health="problems"]').click();
    await expect(page).toHaveURL(/health=problems/);
    expect(await pagerTotal(page)).toBe(await chipCount(page, "problems"));
    await page.locator('[data-testid="health-chip"][data-health="all"]').click();
    await expect(page.getByTestId("token-row")).toHaveCount(20);
    await page.getByTestId("pager-next").click();
    await expect(page).toHaveURL(/[?&]page=2(&|$)/);
    await expect(page.getByTestId("pager-range")).toHaveText(/^第 21–40 条/);

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
