// What the page lets through: escaped text, and only return URLs that are a path or http(s).
import { expect, test } from "bun:test"
import { escapeHtml, safeReturnUrl } from "../src/sandbox-page.ts"

test.each([
  [`<a href="x">'&'</a>`, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"],
  ["plain", "plain"]
])("escapeHtml(%s)", (text, expected) => {
  expect(escapeHtml(text)).toBe(expected)
})

test.each([
  ["/checkout/return/txn_1?x=1", "/checkout/return/txn_1?x=1"],
  ["https://shop.example/return", "https://shop.example/return"],
  ["HTTP://shop.example/return", "HTTP://shop.example/return"],
  ["javascript:alert(1)", "/"],
  ["//evil.example/", "/"],
  ["/\\evil.example/", "/"],
  ["data:text/html,hi", "/"],
  ["relative/path", "/"],
  ["https://shop.example/ space", "/"]
])("safeReturnUrl(%s)", (url, expected) => {
  expect(safeReturnUrl(url)).toBe(expected)
})
