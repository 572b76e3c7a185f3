/** Long-running commands (`agbac sandbox`, `agbac hook serve`) stop on Ctrl+C or SIGTERM. */

/** Waits for the first SIGINT or SIGTERM (`early` sees it first); `cancel` stops listening. */
export function untilSignal(early: (signal: NodeJS.Signals) => void): { received: Promise<void>; cancel: () => void } {
  let cancel = () => undefined as void;
  const received = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      early(signal);
      cancel();
      resolve();
    };
    cancel = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return { received, cancel };
}
