/**
 * `ventana simulator`: runs the Messenger Platform simulator on loopback so Ventana (or anything
 * else) can use it as its Graph API (`VENTANA_GRAPH_URL`) and receive webhooks from fake people.
 */
import { createSimulator, type Simulator } from './simulator.ts';
import type { PageInput } from './types.ts';

export interface SimulatorCommandOptions {
  readonly port: number;
  readonly host?: string;
  readonly appSecret: string;
  readonly webhookUrl?: string;
  /** When set, the verification handshake is run against the webhook URL at start. */
  readonly verifyToken?: string;
  readonly pages?: readonly PageInput[];
  /** Where to print; default stdout. */
  readonly print?: (line: string) => void;
}

export interface RunningSimulator {
  readonly url: string;
  readonly simulator: Simulator;
  stop(): Promise<void>;
}

export async function runSimulatorCommand(opts: SimulatorCommandOptions): Promise<RunningSimulator> {
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const simulator = createSimulator({
    appSecret: opts.appSecret,
    ...(opts.webhookUrl === undefined ? {} : { webhookUrl: opts.webhookUrl }),
    ...(opts.pages === undefined ? {} : { pages: opts.pages }),
    // As Meta does for an app subscribed to message_echoes (Ventana subscribes its Pages to it).
    echoSends: opts.webhookUrl !== undefined,
  });
  const url = await simulator.listen(opts.port, opts.host ?? '127.0.0.1');
  print(`Messenger Platform simulator listening on ${url}`);
  print(`Graph API: ${url}/v26.0/...   control: ${url}/__sim/state`);
  if (opts.webhookUrl && opts.verifyToken) {
    const h = await simulator.people.handshake(opts.verifyToken);
    print(
      h.ok
        ? `Webhook verified at ${opts.webhookUrl}`
        : `Webhook verification failed at ${opts.webhookUrl} (status ${h.status}${h.error ? `, ${h.error}` : ''})`,
    );
  }
  return { url, simulator, stop: () => simulator.close() };
}
