/**
 * The contexts mounted in the one-process shop. Each context's app exports its module; the shop lists
 * them here, so embedded mode runs exactly the code each stand-alone app runs; the index page at `/`
 * reads the rules those modules loaded.
 */
import type { AnyAppModule } from "@kasa/app-platform"
import { cartModule } from "@kasa/app-cart"
import { catalogModule } from "@kasa/app-catalog"
import { checkoutModule } from "@kasa/app-checkout"
import { orderModule } from "@kasa/app-order"
import { paymentModule } from "@kasa/app-payment"
import { promotionModule } from "@kasa/app-promotion"
import { servicesModule } from "@kasa/app-services"
import { shippingModule } from "@kasa/app-shipping"
import { indexPageModule } from "./index-page.ts"

/** The shop's modules, reading their settings from `env` (a test serving the shop on a port of its own gives `PUBLIC_URL`). */
export const makeShopModules = (env: Readonly<Record<string, string | undefined>> = process.env): ReadonlyArray<AnyAppModule> => [
  catalogModule({ env }),
  cartModule({ env }),
  servicesModule({ env }),
  promotionModule({ env }),
  shippingModule({ env }),
  paymentModule({ env }),
  checkoutModule({ env }),
  orderModule({ env }),
  indexPageModule()
]

export const shopModules: ReadonlyArray<AnyAppModule> = makeShopModules()
