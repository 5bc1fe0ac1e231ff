import { expect, Page } from "@playwright/test";
import { test, demoAppid, hydrated, login, Who } from "./helpers";

// Issue 16: the layout renders who is signed in and the bell's count from what the page guard
// found, with no resource or Suspense, and the browser reads them back from the page. Every
// console page, on both bundles, for staff and for a merchant: the header and the sidebar are
// there, the bell shows the server's count, and hydration throws nothing (the test fixture
// fails on any panic or hydration error).
const APP = demoAppid(16);
const STAFF_PAGES = [
  "/apps",
  "/apps/authorize",
  `/apps/${APP}`,
  `/apps/${APP}/release`,
  `/apps/${APP}/widget`,
  `/apps/${APP}/message-templates`,
  `/apps/${APP}/subscribe-messages`,
  `/apps/${APP}/qrcode-rules`,
  `/apps/${APP}/testers`,
  `/apps/${APP}/readiness`,
  `/apps/${APP}/domains`,
  `/apps/${APP}/plugins`,
  `/apps/${APP}/plugin-applications`,
  "/domains/defaults",
  "/widgets",
  "/qrcode-rules",
  "/message-sets",
  "/message-sets/1",
  "/audit",
  "/releases",
  "/rollouts",
  "/rollouts/new",
  "/rollouts/1",
  "/templates",
  "/notifications",
  "/platform/tokens",
  "/platform/callbacks",
  "/platform/callbacks/1",
  "/admin/users",
  "/admin/merchants",
];
const MERCHANT_PAGES = [
  "/apps",
  `/apps/${APP}`,
  `/apps/${APP}/release`,
  `/apps/${APP}/widget`,
  `/apps/${APP}/qrcode-rules`,
  "/widgets",
  "/message-sets",
  "/audit",
  "/releases",
  "/rollouts",
  "/notifications",
];

async function signedInName(page: Page) {
  const me = await (await page.request.post("/api/auth/me", { form: {} })).json();
  return me.display_name as string;
}

async function unreadCount(page: Page) {
  return Number(await (await page.request.post("/api/notifications/unread", { data: {} })).json());
}

// Tests running beside this one finish audits that notify the same users, and one of them marks
// everything read, so the bell is compared with the server's count before the page was asked for
// and after it was read: it must show one the server gave in between, never a made-up one.
async function expectBellCounted(page: Page, before: number) {
  await expect
    .poll(async () => {
      const shown = Number(await page.getByTestId("bell").getAttribute("data-unread"));
      const after = await unreadCount(page);
      const between = shown >= Math.min(before, after) && shown <= Math.max(before, after);
      return between ? "counted" : `${shown} outside ${before}..${after}`;
    })
    .toBe("counted");
}

async function expectShell(page: Page, name: string, unreadBefore: number, staff: boolean) {
  await expect(page.getByTestId("current-user")).toHaveText(name);
  await expect(page.getByTestId("current-role")).toBeVisible();
  await expectBellCounted(page, unreadBefore);
  await expect(page.getByTestId("nav-apps")).toBeVisible();
  await expect(page.getByTestId("nav-templates")).toHaveCount(staff ? 1 : 0);
}

for (const [who, pages, staff] of [
  ["admin", STAFF_PAGES, true],
  ["merchant", MERCHANT_PAGES, false],
] as [Who, string[], boolean][]) {
  test(`every console page shows ${who} and the bell's count, and hydrates cleanly`, async ({ page }) => {
    test.setTimeout(120_000);
    await login(page, who);
    const name = await signedInName(page);
    for (const path of pages) {
      const unread = await unreadCount(page);
      await page.goto(path);
      await hydrated(page);
      await expectShell(page, name, unread, staff);
    }
    // Hydrated and answering: the language switch (a plain form on every page) still works.
    await page.getByTestId("locale-switch").click();
    await expect(page.locator("html")).not.toHaveAttribute("lang", "zh-CN");
  });
}

test("a layout the browser builds itself asks who is signed in and counts the bell", async ({ page }) => {
  await login(page, "operator");
  const name = await signedInName(page);
  // The 404 page has no layout; a move in the browser from there to a console page builds the
  // layout with no server render to read from.
  await page.goto("/no-such-page");
  await hydrated(page);
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  const stayed = () => page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed);
  const unread = await unreadCount(page);
  await page.evaluate(() => {
    history.pushState(null, "", "/message-sets");
    dispatchEvent(new PopStateEvent("popstate"));
  });
  await expect(page).toHaveURL(/\/message-sets$/);
  await expectShell(page, name, unread, true);
  await expect(page.locator('[data-testid="ms-list"], [data-testid="ms-none"]').first()).toBeVisible();
  expect(await stayed()).toBe(true);

  // The sidebar and the breadcrumb follow a move made in the browser.
  await expect(page.getByTestId("nav-message-sets")).toHaveAttribute("aria-current", "page");
  await page.getByTestId("nav-qrcode-rules").click();
  await expect(page).toHaveURL(/\/qrcode-rules$/);
  await expect(page.getByTestId("nav-qrcode-rules")).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("nav-message-sets")).not.toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("breadcrumb")).toContainText("扫码跳转");
  expect(await stayed()).toBe(true);

  // A page the server writes whole (app::app::TEMPLATE_PAGES) is loaded from the server.
  await page.getByTestId("nav-notifications").click();
  await expect(page).toHaveURL(/\/notifications$/);
  await expect(page.getByTestId("nav-notifications")).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("breadcrumb")).toContainText("通知");
  await expect(page.locator('[data-testid="notification"], [data-testid="notifications-empty"]').first()).toBeVisible();
  await expectShell(page, name, await unreadCount(page), true);
  expect(await stayed()).toBeUndefined();
});
