// The PaymentGateway contract over the sandbox gateway (in-memory StateStore), its hosted page driven
// through the real routes.
import { describe, test } from "bun:test"
import { gatewayContract } from "@kasa/payment/testing/gateway-contract"
import { runContract } from "@kasa/shared/testing/contract"
import { sandboxHarness } from "./sandbox-harness.ts"

runContract({ describe, test }, "PaymentGateway contract: sandbox", gatewayContract, sandboxHarness())
