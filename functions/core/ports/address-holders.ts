/** The customers whose profile holds an address: a customer state store's index of addresses. */
export interface AddressHolders {
  /** May lag behind the latest writes (a DynamoDB secondary index is eventually consistent). */
  holdersOf(address: string): Promise<string[]>;
}
