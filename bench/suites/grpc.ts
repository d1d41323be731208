/**
 * What a user would otherwise pick: @grpc/grpc-js unary calls between two processes.
 */
import * as grpc from '@grpc/grpc-js';
import { measure, report, type Transport } from '../measure.ts';
import { BenchClient, CHANNEL_OPTIONS } from '../servers/grpc-definition.ts';
import { spawnServer } from './spawn-server.ts';

type Method<T> = (request: T, callback: (error: Error | null, reply: T) => void) => void;

const { port, child } = await spawnServer('grpc-server.ts');
try {
  const client = new BenchClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
    CHANNEL_OPTIONS,
  );
  const unary =
    <T>(name: string) =>
    (request: T): Promise<T> =>
      new Promise((resolve, reject) => {
        (client[name] as Method<T>).call(client, request, (error, reply) => {
          if (error === null) resolve(reply);
          else reject(error);
        });
      });
  const ping = unary<{ value: number }>('Ping');
  const echo = unary<{ data: Buffer }>('Echo');
  const compute = unary<{ value: number }>('Compute');
  const transport: Transport = {
    echoes64MiB: false, // beyond gRPC's default 4 MiB message limit
    ping: async (value) => (await ping({ value })).value,
    echo: async (value) => {
      const { data } = await echo({
        data: Buffer.from(value.buffer, value.byteOffset, value.byteLength),
      });
      // Copy into an aligned buffer: a Float32Array view needs 4-byte alignment.
      return new Float32Array(new Uint8Array(data).buffer);
    },
    compute: async (value) => (await compute({ value })).value,
  };
  report(await measure(transport));
  client.close();
} finally {
  child.kill();
}
