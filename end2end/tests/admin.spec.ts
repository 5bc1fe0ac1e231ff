import { expect } from "@playwright/test";
import { test, hydrated, login } from "./helpers";

test("an admin onboards a merchant with a login and its mini programs", async ({ page, browser }) => {
  const stamp = Date.now().toString().slice(-6);
  const merchantName = `山海书店${stamp}`;
  const username = `shanhai${stamp}`;

  await login(page, "admin");
  // Take two unassigned mini programs from the registry.
  await page.goto("/apps?sort=merchant&dir=asc&per_page=100");
  await hydrated(page);
  const rows = page.getByTestId("registry-row").filter({ hasText: "未分配" });
  const appids = (await rows.getByTestId("registry-appid").allTextContents()).slice(0, 2);
  expect(appids.length).toBe(2);

  await page.goto("/admin/merchants");
  await hydrated(page);
  await page.getByTestId("new-merchant-name").fill(merchantName);
  await page.getByTestId("new-merchant-submit").click();
  const row = page.locator(`[data-testid="merchant-row"][data-name="${merchantName}"]`);
  await expect(row).toBeVisible();
  await row.getByTestId("merchant-appids").fill(appids.join("\n"));
  await row.getByTestId("merchant-assign").click();
  await expect(page.locator(`[data-testid="merchant-row"][data-name="${merchantName}"]`).getByTestId("merchant-count")).toHaveText("2");

  await page.goto("/admin/users");
  await hydrated(page);
  await page.getByTestId("create-user").locator("summary").click();
  await page.getByTestId("new-username").fill(username);
  await page.getByTestId("new-display-name").fill("山海店长");
  await page.getByTestId("new-role").selectOption("merchant");
  await page.getByTestId("new-merchant").selectOption({ label: merchantName });
  await page.getByTestId("new-password").fill("shanhai-password-1");
  await page.getByTestId("new-user-submit").click();
  await expect(page.getByTestId("new-user-done")).toBeVisible();
  await expect(page.locator(`[data-testid="user-row"][data-username="${username}"]`)).toBeVisible();

  // The new merchant user sees exactly those two.
  const other = await browser.newPage();
  await other.goto("/login");
  await hydrated(other);
  await other.getByTestId("login-username").fill(username);
  await other.getByTestId("login-password").fill("shanhai-password-1");
  await other.getByTestId("login-submit").click();
  await expect(other.getByTestId("current-merchant")).toHaveText(merchantName);
  await expect(other.getByTestId("registry-row")).toHaveCount(2);
  await other.close();

  // And the audit log has all of it.
  await page.goto(`/audit?target=${username}`);
  await expect(page.getByTestId("audit-row-action").first()).toHaveText("auth.login");
  await page.goto("/audit?action=merchant.assign_mini_programs");
  await expect(page.getByTestId("audit-row").first()).toContainText(appids[0]);
});

test("an admin disables a user, who can then no longer sign in", async ({ page, browser }) => {
  const stamp = Date.now().toString().slice(-6);
  const username = `temp${stamp}`;
  await login(page, "admin");
  await page.goto("/admin/users");
  await hydrated(page);
  await page.getByTestId("create-user").locator("summary").click();
  await page.getByTestId("new-username").fill(username);
  await page.getByTestId("new-display-name").fill("临时运营");
  await page.getByTestId("new-password").fill("temp-password-123");
  await page.getByTestId("new-user-submit").click();
  const row = page.locator(`[data-testid="user-row"][data-username="${username}"]`);
  await expect(row).toBeVisible();
  await row.getByTestId("row-toggle").click();
  await expect(page.locator(`[data-testid="user-row"][data-username="${username}"]`).getByTestId("row-status")).toHaveText("已停用");

  const other = await browser.newPage();
  await other.goto("/login");
  await hydrated(other);
  await other.getByTestId("login-username").fill(username);
  await other.getByTestId("login-password").fill("temp-password-123");
  await other.getByTestId("login-submit").click();
  await expect(other.getByTestId("login-error")).toHaveText("该账号已被停用，请联系管理员。");
  await other.close();
});

test("operators and merchants cannot open the admin screens", async ({ page }) => {
  await login(page, "operator");
  await page.goto("/admin/users");
  await expect(page.getByTestId("users-error")).toHaveText("没有权限执行此操作。");
  await page.goto("/admin/merchants");
  await expect(page.getByTestId("merchants-error")).toHaveText("没有权限执行此操作。");
});
