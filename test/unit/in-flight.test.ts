import { describe, expect, it } from "vitest";
import { InFlightUpdates } from "../../src/bot/in-flight.js";

describe("in-flight updates", () => {
  it("resolves idle() only after every update being handled has finished", async () => {
    const inFlight = new InFlightUpdates();
    let release: () => void = () => undefined;
    const handling = inFlight.middleware({} as never, () => new Promise<void>((resolve) => (release = resolve)));
    let idle = false;
    const waiting = inFlight.idle().then(() => (idle = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(idle).toBe(false);
    release();
    await handling;
    await waiting;
    expect(idle).toBe(true);
    await expect(inFlight.idle()).resolves.toBeUndefined();
  });

  it("counts an update that failed as finished", async () => {
    const inFlight = new InFlightUpdates();
    await expect(inFlight.middleware({} as never, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(inFlight.idle()).resolves.toBeUndefined();
  });
});
