/** What payment's module builds for its use cases and consumer (module.ts). */
import type { PaymentGateways, PaymentRecords, PaymentSettings } from "@kasa/payment"

export type PaymentServices = PaymentRecords | PaymentSettings | PaymentGateways
