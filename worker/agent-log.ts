/** The agent's own log: one concise, timestamped line per event, on stderr. */

export interface AgentLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createAgentLog(write: (line: string) => void = (line) => process.stderr.write(line)): AgentLog {
  const emit = (level: string, message: string) => write(`${new Date().toISOString()} ${level} ${message}\n`);
  return {
    info: (m) => emit('info ', m),
    warn: (m) => emit('warn ', m),
    error: (m) => emit('error', m),
  };
}
