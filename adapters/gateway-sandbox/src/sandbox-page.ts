/**
 * The sandbox's hosted checkout page: the amount to pay and three buttons, Pay, Fail and Cancel. The
 * buttons belong to one plain HTML form (it works without JavaScript: the POST answers with a redirect
 * to the shop), and a small inline script turns a press into a JSON POST and then follows the
 * `return_url` it answers. Every value written into the page is escaped, and the page's Content
 * Security Policy allows only its own script and style (by hash): a hostile order id or return URL
 * can neither inject markup nor run.
 */
import { createHash } from "node:crypto"
import { formatAmount } from "./sandbox-amount.ts"
import type { SandboxPayment } from "./sandbox-ledger.ts"

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }

/** Text safe inside an element or a quoted attribute. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

/** Where the shopper may be sent back: a path on this site or an http(s) URL; anything else (`javascript:`, `//evil`) is the home page. */
export const safeReturnUrl = (url: string): string => {
  if (url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\")) return url
  return /^https?:\/\/[^\s]+$/i.test(url) ? url : "/"
}

const SCRIPT = `
const form = document.getElementById("checkout");
const status = document.getElementById("status");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const outcome = event.submitter ? event.submitter.value : "";
  const buttons = form.querySelectorAll("button");
  for (const b of buttons) b.disabled = true;
  status.textContent = "Sending...";
  try {
    const response = await fetch(form.action, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ outcome })
    });
    const body = await response.json();
    if (typeof body.return_url === "string") { window.location.assign(body.return_url); return; }
    status.textContent = body.detail || body.title || "Something went wrong";
  } catch (error) {
    status.textContent = "The sandbox did not answer; try again.";
  }
  for (const b of buttons) b.disabled = false;
});
`

const STYLE = `
body { font-family: system-ui, sans-serif; background: #f4f4f6; margin: 0; }
main { max-width: 28rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 0.75rem; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
h1 { font-size: 1.1rem; color: #555; margin: 0 0 .5rem; }
.amount { font-size: 2.2rem; font-weight: 700; margin: 0 0 1rem; }
dl { display: grid; grid-template-columns: auto 1fr; gap: .25rem 1rem; color: #444; font-size: .9rem; }
dd { margin: 0; overflow-wrap: anywhere; }
.buttons { display: flex; gap: .75rem; margin-top: 1.5rem; }
button { flex: 1; padding: .75rem; font-size: 1rem; border: 0; border-radius: .5rem; cursor: pointer; color: #fff; }
button[value=succeed] { background: #1a7f37; } button[value=fail] { background: #b42318; } button[value=cancel] { background: #6b7280; }
#status { min-height: 1.5rem; color: #b42318; }
`

const sha256 = (text: string): string => `'sha256-${createHash("sha256").update(text).digest("base64")}'`

/** The page's Content-Security-Policy: nothing but its own inline script and style, fetches to itself. */
export const CHECKOUT_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'"
].join("; ")

const METHOD_NAMES: Readonly<Record<string, string>> = { card: "Card", blik: "BLIK", p24: "Przelewy24 transfer", payu: "PayU pay-by-link" }

const settledNote: Readonly<Record<string, string>> = { succeeded: "This payment is paid.", failed: "This payment failed.", cancelled: "This payment was cancelled." }

/** The whole page for `payment` posting to `action` (its own path). */
export const checkoutPage = (payment: SandboxPayment, action: string): string => {
  const amount = escapeHtml(formatAmount(payment.amount, payment.currency))
  const controls =
    payment.status === "open"
      ? `<form id="checkout" method="post" action="${escapeHtml(action)}">
  <div class="buttons">
    <button type="submit" name="outcome" value="succeed">Pay</button>
    <button type="submit" name="outcome" value="fail">Fail</button>
    <button type="submit" name="outcome" value="cancel">Cancel</button>
  </div>
  <p id="status" role="status"></p>
</form>
<script>${SCRIPT}</script>`
      : `<p>${escapeHtml(settledNote[payment.status] ?? payment.status)}</p>
<p><a href="${escapeHtml(safeReturnUrl(payment.return_url))}">Back to the shop</a></p>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Sandbox payment: ${amount}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Kasa sandbox payment</h1>
<p class="amount">${amount}</p>
<dl>
  <dt>Order</dt><dd>${escapeHtml(payment.order_id)}</dd>
  <dt>Transaction</dt><dd>${escapeHtml(payment.transaction_id)}</dd>
  <dt>Method</dt><dd>${escapeHtml(METHOD_NAMES[payment.method] ?? payment.method)}</dd>
</dl>
${controls}
</main>
</body>
</html>
`
}
