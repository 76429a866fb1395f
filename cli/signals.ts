/**
 * Runs `stop` once on SIGTERM or SIGINT, however many arrive (a second signal never kills a stop
 * in progress). Under `coin start` (an IPC channel to it), a terminal's Ctrl-C reaches every
 * process of the group at once: start stops its children one after the other with SIGTERM, so
 * they ignore SIGINT and wait for it.
 */
export function onStopSignals(stop: () => unknown) {
  let stopping = false
  const stopOnce = () => {
    if (stopping) return
    stopping = true
    void stop()
  }
  process.on('SIGTERM', stopOnce)
  process.on('SIGINT', process.channel ? () => {} : stopOnce)
}
