/**
 * The grpc-js baseline's server, on 127.0.0.1. Prints `PORT <n>` once bound.
 */
import * as grpc from '@grpc/grpc-js';
import { BenchClient, CHANNEL_OPTIONS } from './grpc-definition.ts';
import { makeBatcher } from './mini-batcher.ts';

type Unary<T> = (call: { request: T }, callback: (error: null, reply: T) => void) => void;

const batch = makeBatcher();
const ping: Unary<{ value: number }> = (call, callback) => {
  callback(null, { value: call.request.value });
};
const echo: Unary<{ data: Buffer }> = (call, callback) => {
  callback(null, { data: call.request.data });
};
const compute: Unary<{ value: number }> = (call, callback) => {
  batch(call.request.value, (value) => {
    callback(null, { value });
  });
};

const server = new grpc.Server(CHANNEL_OPTIONS);
server.addService(BenchClient.service, {
  Ping: ping,
  Echo: echo,
  Compute: compute,
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error !== null) throw error;
  console.log(`PORT ${port}`);
});
