// Tests read many JSON bodies whose shape the assertions check; typing each one adds nothing.
export {};

declare global {
  interface Response {
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    json(): Promise<any>;
  }
}
