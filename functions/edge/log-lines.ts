// A worker's output as log lines (spec §8; Lambda logs one record per line), shared by the
// Node.js and Python runners: text is cut at '\n', and a line longer than MAX_LOG_LINE is cut
// into pieces of that size, so one runaway line can neither grow without bound nor be lost.

/** Longest log line; the rest of a longer one arrives as further lines. */
export const MAX_LOG_LINE = 8_192

export interface LineSplitter {
  /** Text as it arrives, in any chunks. */
  push(text: string): void
  /** The stream ended: an unfinished last line is a line too. */
  end(): void
}

export function lineSplitter(onLine: (line: string) => void): LineSplitter {
  let partial = ''
  const emit = (line: string): void => {
    for (let i = 0; i < line.length || i === 0; i += MAX_LOG_LINE) {
      onLine(line.slice(i, i + MAX_LOG_LINE))
    }
  }
  return {
    push(text) {
      const lines = (partial + text).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) emit(line)
      while (partial.length > MAX_LOG_LINE) {
        onLine(partial.slice(0, MAX_LOG_LINE))
        partial = partial.slice(MAX_LOG_LINE)
      }
    },
    end() {
      if (partial !== '') onLine(partial)
      partial = ''
    },
  }
}
