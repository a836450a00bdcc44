import { describe, expect, it } from "vitest";
import { ArrivalOrder } from "../../src/bot/arrival-order.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("ArrivalOrder", () => {
  it("runs decisions in ticket order although the later one asks first", async () => {
    const order = new ArrivalOrder();
    const decided: number[] = [];
    order.take(1);
    order.take(2);
    const second = order.inTurn(2, () => Promise.resolve(void decided.push(2)));
    await tick();
    expect(decided).toEqual([]);
    await order.inTurn(1, () => Promise.resolve(void decided.push(1)));
    await second;
    expect(decided).toEqual([1, 2]);
  });

  it("lets a later decision go once an earlier ticket is given back without deciding", async () => {
    const order = new ArrivalOrder();
    order.take(5);
    order.take(6);
    let decided = false;
    const later = order.inTurn(6, () => Promise.resolve(void (decided = true)));
    await tick();
    expect(decided).toBe(false);
    order.release(5);
    await later;
    expect(decided).toBe(true);
  });

  it("does not wait for later tickets, and gives way after its longest wait", async () => {
    const order = new ArrivalOrder(20);
    order.take(9);
    expect(await order.inTurn(3, () => Promise.resolve("early"))).toBe("early");
    order.take(10);
    expect(await order.inTurn(11, () => Promise.resolve("after waiting"))).toBe("after waiting");
  });
});
