import { expect } from "@playwright/test";
import { test, hydrated, login } from "./helpers";

// Issue 11, friction 9: admins grant merchants their actions (view / submit / release); the
// server enforces it and the pages show what is off and why.
test("an admin narrows a merchant to view only, then lets it submit", async ({ page, browser }) => {
  const stamp = Date.now().toString().slice(-6);
  const merchantName = `权限商户${stamp}`;
  const username = `perm${stamp}`;

  await login(page, "admin");
  await page.goto("/apps?status=authorized&sort=merchant&dir=asc&per_page=100");
  await hydrated(page);
  const appid = (
    await page.getByTestId("registry-row").filter({ hasText: "未分配" }).getByTestId("registry-appid").first().textContent()
  )?.trim();
  expect(appid).toBeTruthy();

  await page.goto("/admin/merchants");
  await hydrated(page);
  await page.getByTestId("new-merchant-name").fill(merchantName);
  await page.getByTestId("new-merchant-submit").click();
  const row = () => page.locator(`[data-testid="merchant-row"][data-name="${merchantName}"]`);
  await expect(row()).toBeVisible();
  await row().getByTestId("merchant-appids").fill(appid!);
  await row().getByTestId("merchant-assign").click();
  await expect(row().getByTestId("merchant-count")).toHaveText("1");
  // A new merchant may release, as merchants always could; narrow it to view only.
  await expect(row().getByTestId("merchant-permission")).toHaveValue("release");
  await row().getByTestId("merchant-permission").selectOption("view");
  await expect(row().getByTestId("merchant-message")).toBeVisible();
  // The choice survives a reload (it was saved on the server, not just in the page).
  await page.reload();
  await hydrated(page);
  await expect(row().getByTestId("merchant-permission")).toHaveValue("view");

  await page.goto("/admin/users");
  await hydrated(page);
  await page.getByTestId("create-user").locator("summary").click();
  await page.getByTestId("new-username").fill(username);
  await page.getByTestId("new-display-name").fill("只读店员");
  await page.getByTestId("new-role").selectOption("merchant");
  await page.getByTestId("new-merchant").selectOption({ label: merchantName });
  await page.getByTestId("new-password").fill("perm-password-1");
  await page.getByTestId("new-user-submit").click();
  await expect(page.getByTestId("new-user-done")).toBeVisible();

  const merchant = await browser.newPage();
  await merchant.goto("/login");
  await hydrated(merchant);
  await merchant.getByTestId("login-username").fill(username);
  await merchant.getByTestId("login-password").fill("perm-password-1");
  await merchant.getByTestId("login-submit").click();
  await expect(merchant.getByTestId("current-merchant")).toHaveText(merchantName);

  // View only: the release page says so and every change is off, with the reason.
  await merchant.goto(`/apps/${appid}/release`);
  await hydrated(merchant);
  await expect(merchant.getByTestId("view-only")).toBeVisible();
  await expect(merchant.getByTestId("commit-submit")).toBeDisabled();
  await expect(merchant.getByTestId("submit-audit")).toBeDisabled();
  await expect(merchant.getByTestId("action-support")).toBeDisabled();
  // The server refuses a direct call too (the page is not the only way in).
  const direct = await merchant.request.post("/api/release/commit", {
    data: { appid, form: { template_id: 1, ext_json: "", user_version: "9.9.9", user_desc: "x" } },
  });
  expect(direct.status()).toBe(403);
  await merchant.goto(`/apps/${appid}/widget`);
  await hydrated(merchant);
  await expect(merchant.getByTestId("view-only")).toBeVisible();
  await expect(merchant.getByTestId("wg-save")).toBeDisabled();

  // Submit for review: the commit form opens, going live stays off.
  await page.goto("/admin/merchants");
  await hydrated(page);
  await row().getByTestId("merchant-permission").selectOption("submit");
  await expect(row().getByTestId("merchant-message")).toBeVisible();
  await merchant.goto(`/apps/${appid}/release`);
  await hydrated(merchant);
  await expect(merchant.getByTestId("view-only")).toHaveCount(0);
  await expect(merchant.getByTestId("commit-submit")).toBeEnabled();
  await expect(merchant.getByTestId("action-support")).toBeDisabled();

  // Without JavaScript the server-rendered page shows the same.
  const plain = await browser.newContext({ javaScriptEnabled: false, storageState: await merchant.context().storageState() });
  const noJs = await plain.newPage();
  await page.reload();
  await hydrated(page);
  await row().getByTestId("merchant-permission").selectOption("view");
  await expect(row().getByTestId("merchant-message")).toBeVisible();
  await noJs.goto(`/apps/${appid}/release`);
  await expect(noJs.getByTestId("view-only")).toBeVisible();
  await expect(noJs.getByTestId("commit-submit")).toBeDisabled();
  await plain.close();
  await merchant.close();

  // The audit log has each change.
  await page.goto("/audit?action=merchant.set_permission");
  await expect(page.getByTestId("audit-row").first()).toContainText("submit -> view");
});
