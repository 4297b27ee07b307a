// The PaymentGateway contract over the sandbox gateway, its hosted page driven through the real
// routes: its ledger in the in-memory StateStore (embedded) and in a real Redis (distributed: each
// instance of the shop with its own connections over one key prefix).
import { describe, test } from "bun:test"
import { layerRedis } from "@kasa/adapter-redis"
import { gatewayContract } from "@kasa/payment/testing/gateway-contract"
import { runContract } from "@kasa/shared/testing/contract"
import { runId, runPrefix, testRedis } from "@kasa/test-support/infra"
import { memoryStores, sandboxHarness } from "./sandbox-harness.ts"

runContract({ describe, test }, "PaymentGateway contract: sandbox over memory", gatewayContract, sandboxHarness(memoryStores()))

const { url } = await testRedis()
runContract(
  { describe, test },
  "PaymentGateway contract: sandbox over Redis",
  gatewayContract,
  sandboxHarness((space) => layerRedis({ url, keyPrefix: `${runPrefix}${space}:`, outboxName: `sandbox-${space}`, clientName: `kasa-test-${runId}-sandbox` }))
)
