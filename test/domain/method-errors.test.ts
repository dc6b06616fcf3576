import { describe, expect, it } from "vitest";
import { AuthError, type ErrorCode, errorCatalog, registerErrorCodes } from "../../src/errors.js";

// What a sign-in method's folder writes to bring its own codes (methods/sign-in-method.ts).
// A method also names them in MethodErrorCodes by declaration merging; a test must not, or
// the whole project would take its code for a real one, so it casts instead.
const WIDGET_ERRORS = { WIDGET_JAMMED: { status: 409, message: "The widget is jammed." } };
const WIDGET_JAMMED = "WIDGET_JAMMED" as ErrorCode;

describe("error codes a sign-in method brings", () => {
  it("are unknown until registered, then thrown and listed like the core's", () => {
    expect(() => new AuthError(WIDGET_JAMMED)).toThrow(/never registered/);
    registerErrorCodes(WIDGET_ERRORS);
    const error = new AuthError(WIDGET_JAMMED);
    expect([error.status, error.message]).toEqual([409, "The widget is jammed."]);
    expect(errorCatalog().get("WIDGET_JAMMED")).toBe(WIDGET_ERRORS.WIDGET_JAMMED);
    // Registering the same declaration again (a second import) changes nothing.
    registerErrorCodes(WIDGET_ERRORS);
  });

  it("may not redefine a code: two methods cannot both own one", () => {
    expect(() =>
      registerErrorCodes({ INVALID_CODE: { status: 400, message: "Another meaning." } }),
    ).toThrow(/INVALID_CODE is defined twice/);
    expect(errorCatalog().get("INVALID_CODE")?.message).toBe("The code is not valid.");
  });
});
