/** The types of bundle-module.mjs (plain JavaScript, for bin/cairn.mjs to load without tsx). */
export function bundledModule(source: URL, name: string): Promise<URL | undefined>;
