import { expect, Page } from "@playwright/test";

export const LOGINS = {
  admin: { username: "admin", password: "admin-demo-2026" },
  operator: { username: "operator", password: "operator-demo-2026" },
  merchant: { username: "merchant", password: "merchant-demo-2026" },
  merchant2: { username: "merchant2", password: "merchant2-demo-2026" },
} as const;

export type Who = keyof typeof LOGINS;

/** Waits until the wasm has loaded and hydrated the page. */
export async function hydrated(page: Page) {
  await page.waitForLoadState("networkidle");
}

/** Signs in through the login form, as a person would. */
export async function login(page: Page, who: Who, next?: string) {
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : "/login");
  await hydrated(page);
  await page.getByTestId("login-username").fill(LOGINS[who].username);
  await page.getByTestId("login-password").fill(LOGINS[who].password);
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("current-user")).toBeVisible();
  await hydrated(page);
}
