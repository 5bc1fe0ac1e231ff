import { expect } from "@playwright/test";
import { test, hydrated, login, LOGINS } from "./helpers";

test("an operator narrows the audit log by dates, mends a range typed backwards, then adds a second filter", async ({ page }) => {
  await login(page, "operator");
  await page.goto("/audit");
  await hydrated(page);
  await expect(page.getByTestId("audit-row").first()).toBeVisible();

  // The range typed backwards: the end field says so and the log is not listed unfiltered.
  await page.getByTestId("audit-from").fill("2026-11-02");
  await page.getByTestId("audit-to").fill("2026-11-01");
  await page.getByTestId("audit-apply").click();
  await expect(page).toHaveURL(/from=2026-11-02&to=2026-11-01/);
  await expect(page.getByTestId("error-to")).toHaveText("结束日期不能早于开始日期");
  await expect(page.getByTestId("error-from")).toHaveCount(0);
  await expect(page.getByTestId("audit-filters-invalid")).toBeVisible();
  await expect(page.getByTestId("audit-row")).toHaveCount(0);

  // Mended: the message goes and the range lists (the operator's own sign-in is in it).
  await page.getByTestId("audit-from").fill("2020-01-01");
  await page.getByTestId("audit-to").fill("2099-12-31");
  await page.getByTestId("audit-apply").click();
  await expect(page).toHaveURL(/from=2020-01-01&to=2099-12-31/);
  await expect(page.getByTestId("error-to")).toHaveCount(0);
  await expect(page.getByTestId("audit-row").first()).toBeVisible();

  // The second thing: narrowed to one person within that range, the dates kept.
  await page.getByTestId("audit-actor").fill("operator");
  await page.getByTestId("audit-apply").click();
  await expect(page).toHaveURL(/actor=operator/);
  await expect(page.getByTestId("audit-from")).toHaveValue("2020-01-01");
  const actors = page.getByTestId("audit-row-actor");
  await expect(actors.first()).toHaveText("operator");
  for (const name of await actors.allTextContents()) expect(name).toBe("operator");

  // An address edited by hand: a month that does not exist and a control character.
  await page.goto("/audit?from=2026-13-40&actor=ad%00min&target=wx%09abc");
  await hydrated(page);
  await expect(page.getByTestId("error-from")).toHaveText("日期格式应为 YYYY-MM-DD");
  await expect(page.getByTestId("error-actor")).toHaveText("不能包含换行、制表符等控制字符");
  await expect(page.getByTestId("error-target")).toHaveText("不能包含换行、制表符等控制字符");
  await expect(page.getByTestId("audit-row")).toHaveCount(0);
  // Reset clears them.
  await page.getByRole("link", { name: "重置" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByTestId("error-from")).toHaveCount(0);
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("the audit log's filters say what is wrong next to the field", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.admin });
    await page.goto("/audit?from=1900-01-01&to=2026-11-01");
    await expect(page.getByTestId("error-from")).toHaveText("日期应在 1970-01-01 到 9999-12-31 之间");
    await expect(page.getByTestId("audit-row")).toHaveCount(0);
    await page.goto("/audit?from=2020-01-01&to=2099-12-31&actor=admin");
    await expect(page.getByTestId("error-from")).toHaveCount(0);
    await expect(page.getByTestId("audit-row-actor").first()).toHaveText("admin");
  });
});

// The audit log is written by the server with a template (app::app::TEMPLATE_PAGES): from a page
// of the console's bundle, whose router draws pages in the browser, its link loads it from the
// server, once, and the browser's history stays one entry per page.
test("from a console page the audit log's link loads it from the server, and back returns", async ({ page }) => {
  await login(page, "operator");
  await page.goto("/message-sets");
  await hydrated(page);
  const requested: string[] = [];
  page.on("request", (r) => {
    if (r.resourceType() === "document") requested.push(new URL(r.url()).pathname);
  });
  await page.getByTestId("nav-audit").click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  await hydrated(page);
  expect(requested).toEqual(["/audit"]);
  await expect(page.locator("leptos-island")).toHaveCount(1);
  await expect(page.getByTestId("nav-audit")).toHaveAttribute("aria-current", "page");

  // The second thing a person does: filter it, then go back twice to where they came from.
  await page.getByTestId("audit-action").selectOption("auth.login");
  await page.getByTestId("audit-apply").click();
  await expect(page).toHaveURL(/[?&]action=auth\.login/);
  await page.goBack();
  await expect(page).toHaveURL(/\/audit$/);
  await page.goBack();
  await expect(page).toHaveURL(/\/message-sets$/);
  await expect(page.getByTestId("nav-message-sets")).toHaveAttribute("aria-current", "page");
});
