/**
 * The product catalogue of the fictional coffee shop the sample events come from, with prices in every
 * currency the generator uses. Prices are computed once from a USD list price, a fixed exchange rate and the
 * rounding shoppers expect in that currency (whole yen hundreds, naira five-hundreds, ...).
 */

export type Product = {
  productId: string;
  sku: string;
  name: string;
  category: string;
  /** List price in USD. */
  usd: number;
  /** How often it is looked at and bought, relative to the other products. */
  popularity: number;
};

type Row = readonly [
  productId: string,
  sku: string,
  name: string,
  category: string,
  usd: number,
  popularity: number,
];

// Beans and filters sell every day; an espresso machine now and then.
const ROWS: readonly Row[] = [
  ['prod_beans_eth250', 'BNS-ETH-250', 'Ethiopia Yirgacheffe Beans 250 g', 'Coffee', 18, 12],
  ['prod_beans_col250', 'BNS-COL-250', 'Colombia Huila Beans 250 g', 'Coffee', 16, 12],
  ['prod_beans_ken250', 'BNS-KEN-250', 'Kenya AA Beans 250 g', 'Coffee', 21, 8],
  ['prod_beans_dec250', 'BNS-DEC-250', 'Swiss Water Decaf Beans 250 g', 'Coffee', 15, 4],
  ['prod_beans_esp1k', 'BNS-ESP-1K', 'House Espresso Blend 1 kg', 'Coffee', 42, 6],
  ['prod_kettle_gn10', 'KET-GN-10', 'Gooseneck Pour-Over Kettle', 'Brewing Equipment', 59, 4],
  ['prod_dripper_c02', 'DRP-CER-02', 'Ceramic Cone Dripper', 'Brewing Equipment', 29, 5],
  ['prod_press_fr8', 'PRS-FR-8', 'French Press, 8 cups', 'Brewing Equipment', 39, 4],
  ['prod_brewer_bd12', 'BRW-BD-12', 'Batch Drip Brewer', 'Brewing Equipment', 149, 1],
  ['prod_grinder_hb48', 'GRD-HB-48', 'Hand Burr Grinder', 'Grinders', 89, 3],
  ['prod_grinder_cb40', 'GRD-CB-40', 'Conical Burr Grinder', 'Grinders', 199, 2],
  ['prod_grinder_fb64', 'GRD-FB-64', 'Flat Burr Grinder', 'Grinders', 449, 1],
  ['prod_espresso_m1', 'ESP-M1', 'Home Espresso Machine', 'Espresso', 699, 1],
  ['prod_tamper_58', 'ESP-TMP-58', '58 mm Tamper', 'Espresso', 35, 3],
  ['prod_pitcher_600', 'ESP-PIT-600', 'Milk Pitcher 600 ml', 'Espresso', 19, 3],
  ['prod_filters_100', 'FLT-100', 'Paper Filters (100 pack)', 'Accessories', 7, 8],
  ['prod_scale_01', 'SCL-01', 'Brewing Scale', 'Accessories', 29, 3],
  ['prod_mug_cer', 'MUG-CER', 'Ceramic Mug', 'Accessories', 14, 4],
  ['prod_canister_v', 'CAN-VAC', 'Vacuum Canister', 'Accessories', 24, 2],
  ['prod_tea_sencha', 'TEA-SEN-100', 'Sencha Green Tea 100 g', 'Tea', 14, 4],
  ['prod_tea_earl', 'TEA-EG-100', 'Earl Grey Tea 100 g', 'Tea', 12, 4],
  ['prod_teapot_gl', 'TEA-POT-GL', 'Glass Teapot', 'Tea', 34, 2],
];

export const CATALOG: readonly Product[] = ROWS.map(([productId, sku, name, category, usd, popularity]) => ({
  productId,
  sku,
  name,
  category,
  usd,
  popularity,
}));

export const CATEGORIES: readonly string[] = [...new Set(CATALOG.map((p) => p.category))];

/** Units of the currency per USD, and the step prices are rounded to. */
const CURRENCIES: Record<string, { rate: number; step: number }> = {
  USD: { rate: 1, step: 0 },
  EUR: { rate: 0.9, step: 0 },
  GBP: { rate: 0.8, step: 0 },
  AUD: { rate: 1.5, step: 0 },
  NZD: { rate: 1.65, step: 0 },
  BRL: { rate: 5.2, step: 0 },
  CNY: { rate: 7.2, step: 1 },
  INR: { rate: 83, step: 100 },
  JPY: { rate: 150, step: 100 },
  NGN: { rate: 1500, step: 500 },
};

/** Rounds to the cent, removing the binary-fraction noise of sums like 0.1 + 0.2. */
export function roundMoney(amount: number): number {
  return Math.round(amount * 100) / 100;
}

function localPrice(usd: number, currency: string): number {
  const { rate, step } = CURRENCIES[currency] ?? { rate: 1, step: 0 };
  const raw = usd * rate;
  if (step > 0) return Math.max(step, Math.round(raw / step) * step) - (currency === 'INR' ? 1 : 0);
  // Cents-based currencies: whole units from 20 up, halves below.
  return raw >= 20 ? Math.round(raw) : Math.max(0.5, Math.round(raw * 2) / 2);
}

const PRICES = new Map<string, Map<Product, number>>(
  Object.keys(CURRENCIES).map((currency) => [
    currency,
    new Map(CATALOG.map((p) => [p, localPrice(p.usd, currency)])),
  ]),
);

export function priceOf(product: Product, currency: string): number {
  return PRICES.get(currency)?.get(product) ?? product.usd;
}

type WeightedProducts = readonly (readonly [Product, number])[];
const byPopularity = (products: readonly Product[]): WeightedProducts =>
  products.map((p) => [p, p.popularity]);

export const BY_POPULARITY: WeightedProducts = byPopularity(CATALOG);
const BY_CATEGORY = new Map(
  CATEGORIES.map((c) => [c, byPopularity(CATALOG.filter((p) => p.category === c))]),
);

/** Products of one category with their popularity; the whole catalogue for an unknown category. */
export function productsIn(category: string): WeightedProducts {
  return BY_CATEGORY.get(category) ?? BY_POPULARITY;
}

/** The big-ticket items heavy spenders favour. */
export const PREMIUM: readonly Product[] = CATALOG.filter((p) => p.usd >= 100);
