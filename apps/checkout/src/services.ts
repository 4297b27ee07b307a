/** What checkout's module builds for its use cases, consumer and sweep (module.ts). */
import type { AppliedCodeCheck, OrderStock, PaymentRetryDeadlines, SummaryNotifier } from "@kasa/checkout"

export type CheckoutServices = OrderStock | AppliedCodeCheck | PaymentRetryDeadlines | SummaryNotifier
