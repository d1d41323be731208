/**
 * Loads bench/bench.proto for the grpc-js baseline's client and server.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

const definition = protoLoader.loadSync(fileURLToPath(new URL('../bench.proto', import.meta.url)), {
  keepCase: true,
});
const loaded = grpc.loadPackageDefinition(definition) as unknown as {
  bench: { Bench: grpc.ServiceClientConstructor };
};

/** The Bench service's client constructor (which also carries its service definition). */
export const BenchClient = loaded.bench.Bench;

/** Channel options: no message size limit, as launchpad-ts by default allows 1 GiB. */
export const CHANNEL_OPTIONS = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
};
