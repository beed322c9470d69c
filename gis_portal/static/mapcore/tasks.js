/* Work cut into short tasks. A phone runs the map's first load about four times slower than a
   desktop: one 40 ms task here is a 160 ms freeze there (Lighthouse's total blocking time counts
   every task over 50 ms). Giving the browser the hand between slices lets it paint and answer
   taps in between. */

// A slice's length: a 5 ms slice is 20 ms on a phone four times slower, well under the 50 ms
// of a long task even when the machine is busy and the slice overruns.
export const SLICE_MS = 5;

// Resolves in a new task, not in a microtask: the browser may paint and handle input first.
export function nextTask() {
  if (globalThis.scheduler && typeof globalThis.scheduler.yield === "function") {
    return globalThis.scheduler.yield();
  }
  return new Promise((resolve) => { setTimeout(resolve, 0); });
}

// A time budget per task: budget.spent() is true once the current slice has run `ms`; then
// `await budget.pause()` yields and starts the next slice.
export function timeBudget(ms = SLICE_MS) {
  let start = performance.now();
  return {
    spent: () => performance.now() - start >= ms,
    pause: async () => {
      await nextTask();
      start = performance.now();
    },
  };
}

// Calls fn(item) for each item, yielding whenever the slice's budget is spent. Resolves to false
// as soon as stillWanted() is false (a newer load replaced this one), to true when done.
export async function eachSliced(items, fn, { stillWanted = () => true, ms = SLICE_MS } = {}) {
  const budget = timeBudget(ms);
  for (const item of items) {
    if (budget.spent()) {
      await budget.pause();
      if (!stillWanted()) { return false; }
    }
    fn(item);
  }
  return stillWanted();
}
