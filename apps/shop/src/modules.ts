/**
 * The contexts mounted in the one-process shop. Each context's app exports its module; the shop
 * lists them here. (No context has landed yet: the shop serves the platform routes only.)
 */
import type { AnyAppModule } from "@kasa/app-platform"

export const shopModules: ReadonlyArray<AnyAppModule> = []
