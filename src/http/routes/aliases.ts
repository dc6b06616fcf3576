/**
 * Older clients of this API family call the same handlers on other paths (README, API reference,
 * "Route aliases"). They stay, marked deprecated in the OpenAPI document.
 */
export const DEPRECATED_ALIAS = { deprecated: true, tags: ["older clients"] } as const;

export type RouteVariant = readonly [url: string, extra: Record<string, unknown>];

export function withAliases(main: string, tags: string[], aliases: string[]): RouteVariant[] {
  return [
    [main, { tags }],
    ...aliases.map(
      (alias) => [alias, { ...DEPRECATED_ALIAS, description: `Alias of ${main}.` }] as const,
    ),
  ];
}
