/**
 * An object with every field of T present, the optional ones possibly undefined: an object literal of this type
 * must list them all, so a field added to T later cannot be left out of a copy made field by field (made so
 * that every copy has one object shape, whatever order the given object's fields were added in).
 */
export type EveryField<T> = { [K in keyof Required<T>]: T[K] };
