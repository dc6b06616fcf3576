/**
 * `load` run on the first call and its result shared by every later one; a failed load
 * is forgotten, so the next call tries again. For modules most servers never need
 * (nodemailer, the API reference page): imported on first use, not at start.
 */
export function lazily<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}
