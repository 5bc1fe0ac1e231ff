import { expect } from "@playwright/test";
import { test, hydrated, login } from "./helpers";

test("each role signs in and sees what its role allows", async ({ page }) => {
  await login(page, "admin");
  await expect(page).toHaveURL(/\/apps$/);
  await expect(page.getByTestId("current-role")).toHaveText("管理员");
  await expect(page.getByTestId("nav-users")).toBeVisible();
  await expect(page.getByTestId("pager-range")).toContainText(/共 (6\d|[7-9]\d) 条/);
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login/);

  await login(page, "operator");
  await expect(page.getByTestId("current-role")).toHaveText("运营");
  await expect(page.getByTestId("nav-users")).toHaveCount(0);
  await page.getByTestId("logout").click();
  await expect(page).toHaveURL(/\/login/);

  await login(page, "merchant");
  await expect(page.getByTestId("current-merchant")).toHaveText("星辰咖啡");
  await expect(page.getByTestId("pager-range")).toContainText("共 15 条");
  const merchants = await page.getByTestId("registry-merchant").allTextContents();
  expect(new Set(merchants)).toEqual(new Set(["星辰咖啡"]));
});

test("bad input at the login form gets a message at the field", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("error-username")).toHaveText("必填");
  await expect(page.getByTestId("error-password")).toHaveText("必填");

  await page.getByTestId("login-username").fill("admin");
  await page.getByTestId("login-password").fill("definitely-wrong");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toHaveText("用户名或密码错误。");
  await expect(page).toHaveURL(/\/login/);
});

test("signing in returns to the page asked for", async ({ page }) => {
  await page.goto("/audit");
  await expect(page).toHaveURL(/\/login\?next=%2Faudit/);
  await login(page, "operator", "/audit");
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByTestId("audit-table")).toBeVisible();
});

test("an expired session sends you to sign in again with a message", async ({ page, context }) => {
  await login(page, "operator");
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "wxa_session")!;
  await context.clearCookies();
  await context.addCookies([{ ...session, value: session.value.slice(0, -4) + "AAAA" }]);
  await page.goto("/apps");
  await expect(page).toHaveURL(/expired=1/);
  await expect(page.getByTestId("session-expired")).toBeVisible();
});

test("the language switch turns the console into English and back", async ({ page }) => {
  await login(page, "admin");
  await page.getByTestId("locale-switch").click();
  await expect(page.getByTestId("nav-apps")).toHaveText("Mini programs");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByTestId("pager-range")).toContainText(/of (6\d|[7-9]\d)$/);
  await page.getByTestId("locale-switch").click();
  await expect(page.getByTestId("nav-apps")).toHaveText("小程序");
});

// The header's language switch and sign-out are plain forms: they answer without JavaScript
// too, and the language switch keeps the page and its filter.
test("without JavaScript the language switch keeps the page and sign-out signs out", async ({ page, browser }) => {
  await login(page, "operator");
  const plain = await browser.newContext({
    javaScriptEnabled: false,
    storageState: await page.context().storageState(),
  });
  const noJs = await plain.newPage();
  await noJs.goto("/audit?action=auth.login");
  await expect(noJs.locator("html")).toHaveAttribute("lang", "zh-CN");
  await noJs.getByTestId("locale-switch").click();
  await expect(noJs).toHaveURL(/\/audit\?action=auth\.login$/);
  await expect(noJs.locator("html")).toHaveAttribute("lang", "en");
  await expect(noJs.getByTestId("nav-audit")).toHaveText("Audit log");
  await expect(noJs.getByTestId("audit-action")).toHaveValue("auth.login");
  await noJs.getByTestId("locale-switch").click();
  await expect(noJs.locator("html")).toHaveAttribute("lang", "zh-CN");
  await noJs.getByTestId("logout").click();
  await expect(noJs).toHaveURL(/\/login$/);
  await noJs.goto("/audit");
  await expect(noJs).toHaveURL(/\/login\?next=%2Faudit/);
  await plain.close();
});
