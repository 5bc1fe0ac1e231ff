import { expect } from "@playwright/test";
import { test, hydrated, login, LOGINS } from "./helpers";

// The demo submits audits through the simulator: some are rejected at once, some pass, some stay
// in review and finish later. Their results reach the console by push (or polling) and show up
// in the fleet view and as notifications.

test("the fleet view filters by state, shows the chart and exports CSV", async ({ page }) => {
  await login(page, "admin");
  await page.getByTestId("nav-releases").click();
  await expect(page).toHaveURL(/\/releases$/);
  await hydrated(page);
  const chart = page.getByTestId("fleet-chart");
  await expect(chart).toBeVisible();
  await expect(chart.getByTestId("fleet-chart-bar")).toHaveCount(6);
  const rejectedBar = chart.locator('[data-testid="fleet-chart-bar"][data-state="rejected"]');
  const rejected = Number(await rejectedBar.getAttribute("data-count"));
  expect(rejected).toBeGreaterThan(0);

  await page.getByTestId("fleet-state").selectOption("rejected");
  await page.getByTestId("fleet-apply").click();
  await expect(page).toHaveURL(/state=rejected/);
  const rows = page.getByTestId("fleet-row");
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBe(Math.min(rejected, 20));
  for (const state of await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-state")))) {
    expect(state).toBe("rejected");
  }
  await expect(rows.first().getByTestId("fleet-rejection")).not.toBeEmpty();

  // The export carries the same filter.
  await expect(page.getByTestId("fleet-export")).toHaveAttribute("href", /export\.csv\?state=rejected/);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("fleet-export").click(),
  ]);
  const path = await download.path();
  const fs = await import("node:fs");
  const bytes = fs.readFileSync(path!);
  expect(bytes.subarray(0, 3).toString("hex")).toBe("efbbbf");
  const lines = bytes.toString("utf8").slice(1).split("\r\n").filter((l) => l.length > 0);
  expect(lines[0]).toContain("AppID");
  expect(lines.length).toBe(rejected + 1);
  for (const line of lines.slice(1)) expect(line).toContain(",rejected,");
});

test("the bell counts a merchant's audit notifications and the list marks them read", async ({ page }) => {
  await login(page, "merchant");
  const bell = page.getByTestId("bell");
  await expect(bell).toBeVisible();
  // The demo's rejected audits of this merchant notified it.
  await expect(page.getByTestId("bell-count")).toBeVisible({ timeout: 30_000 });
  await bell.click();
  await expect(page).toHaveURL(/\/notifications$/);
  await hydrated(page);
  const items = page.getByTestId("notification");
  await expect(items.first()).toBeVisible();
  const rejected = page.locator('[data-testid="notification"][data-kind="audit_rejected"]').first();
  await expect(rejected.getByTestId("notification-link")).toHaveAttribute("href", /^\/apps\/wx[0-9a-f]{16}\/release$/);
  await expect(rejected.getByTestId("notification-text")).toContainText("驳回");

  await page.getByTestId("notifications-read-all").click();
  await expect(page.locator('[data-testid="notification"][data-read="false"]')).toHaveCount(0);
  await page.getByTestId("nav-releases").click();
  await expect(page.getByTestId("bell")).toHaveAttribute("data-unread", "0");
  await expect(page.getByTestId("bell-count")).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the fleet view and notifications render on the server", async ({ page }) => {
    await page.goto("/login");
    await page.request.post("/api/auth/login", { form: LOGINS.admin });
    await page.goto("/releases?state=rejected");
    await expect(page.getByTestId("fleet-chart")).toBeVisible();
    await expect(page.getByTestId("fleet-row").first()).toHaveAttribute("data-state", "rejected");
    await expect(page.getByTestId("bell")).toBeVisible();
    await page.goto("/notifications");
    await expect(page.getByTestId("notification").first()).toBeVisible();
  });
});
