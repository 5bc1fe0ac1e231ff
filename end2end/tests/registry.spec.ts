import { expect } from "@playwright/test";
import { test, hydrated, login, LOGINS } from "./helpers";

test("the registry paginates, filters and sorts on the server", async ({ page }) => {
  await login(page, "operator");
  await expect(page.getByTestId("registry-row")).toHaveCount(20);
  await page.getByTestId("pager-next").click();
  // 60 demo mini programs, plus any that another scenario added (platform.spec.ts authorizes one).
  await expect(page.getByTestId("pager-range")).toHaveText(/^第 21–40 条，共 (6\d|[7-9]\d) 条$/);
  await expect(page).toHaveURL(/page=2/);

  await page.getByTestId("filter-subject").selectOption("enterprise");
  await page.getByTestId("filter-apply").click();
  await expect(page).toHaveURL(/subject=enterprise/);
  await expect(page.getByTestId("filter-subject")).toHaveValue("enterprise");
  await expect(page.getByTestId("filter-status")).toHaveValue("");
  // The URL changes before the new rows arrive: wait for the rows themselves.
  await expect
    .poll(async () => [...new Set(await page.getByTestId("registry-subject").allTextContents())])
    .toEqual(["企业"]);

  await page.getByTestId("filter-search").fill("青禾");
  await page.getByTestId("filter-apply").click();
  await expect
    .poll(async () => {
      const names = await page.getByTestId("registry-name").allTextContents();
      return names.length > 0 && names.every((n) => n.includes("青禾"));
    })
    .toBe(true);

  await page.getByTestId("filter-reset").click();
  await page.getByTestId("sort-appid").click();
  await expect(page).toHaveURL(/sort=appid&?.*dir=asc|dir=asc.*sort=appid/);
  await expect
    .poll(async () => {
      const shown = await page.getByTestId("registry-appid").allTextContents();
      return shown.length > 0 && shown.join() === [...shown].sort().join();
    })
    .toBe(true);
  const ids = await page.getByTestId("registry-appid").allTextContents();

  await page.getByTestId("registry-appid").first().click();
  await expect(page.getByTestId("detail-appid")).toHaveText(ids[0]);
  await expect(page.getByTestId("breadcrumb")).toContainText(ids[0]);
});

test("a merchant cannot reach another merchant's mini program", async ({ page, browser }) => {
  // Find a mini program of merchant 2 as merchant 2.
  const other = await browser.newPage();
  await other.goto("/login");
  await other.request.post("/api/auth/login", { form: LOGINS.merchant2 });
  await other.goto("/apps");
  const foreign = (await other.getByTestId("registry-appid").first().textContent())!.trim();
  await other.close();

  await login(page, "merchant");
  // Not in the list, even when searched for.
  await page.getByTestId("filter-search").fill(foreign);
  await page.getByTestId("filter-apply").click();
  await expect(page.getByTestId("registry-empty")).toBeVisible();
  // Not by URL.
  const res = await page.goto(`/apps/${foreign}`);
  expect(res!.status()).toBe(404);
  await expect(page.getByTestId("detail-error")).toBeVisible();
  await expect(page.getByTestId("detail-error")).not.toContainText("青禾");
  // Not by calling the server function from the signed-in browser.
  const direct = await page.evaluate(async (appid) => {
    const r = await fetch("/api/mini_programs/get", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ appid }),
    });
    return { status: r.status, body: await r.text() };
  }, foreign);
  expect(direct.status).toBe(404);
  expect(direct.body).not.toContain("青禾");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the registry and a detail page are rendered on the server", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.admin });
    await page.goto("/apps?per_page=50&sort=name&dir=asc");
    await expect(page.getByTestId("registry-row")).toHaveCount(50);
    await expect(page.getByTestId("pager-range")).toHaveText(/^第 1–50 条，共 (6\d|[7-9]\d) 条$/);
    const range = (await page.getByTestId("pager-range").textContent()) ?? "";
    const total = Number(/共 (\d+) 条/.exec(range)?.[1]);
    // Plain links still page.
    await page.getByTestId("pager-next").click();
    await expect(page.getByTestId("registry-row")).toHaveCount(total - 50);
    await page.getByTestId("registry-appid").first().click();
    await expect(page.getByTestId("detail")).toBeVisible();
  });
});

test("the same page hydrates and answers clicks in the browser", async ({ page }) => {
  await login(page, "admin");
  await page.goto("/admin/users");
  await hydrated(page);
  await page.getByTestId("create-user").locator("summary").click();
  await page.getByTestId("new-username").fill("Bad Name");
  await page.getByTestId("new-password").fill("short");
  await page.getByTestId("new-user-submit").click();
  // Checked in the browser by the shared domain rules: no page load happened.
  await expect(page.getByTestId("error-username")).toHaveText("只能使用小写字母、数字以及 . _ -");
  await expect(page.getByTestId("error-password")).toHaveText("至少 10 个字符");
  await expect(page.getByTestId("error-display_name")).toHaveText("必填");
});
