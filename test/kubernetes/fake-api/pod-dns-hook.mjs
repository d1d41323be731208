/**
 * Preloaded into every fake Pod process (and its children, through NODE_OPTIONS): host
 * names go to the fake cluster DNS at `LP_FAKE_DNS`, which answers only what a real
 * cluster's DNS would (the records of headless Services). IP literals and `localhost`
 * keep the system resolver. Plain JavaScript, so it loads before any TypeScript loader.
 */
import dns from 'node:dns';
import { isIP } from 'node:net';

const base = process.env.LP_FAKE_DNS;
if (base !== undefined && base !== '') {
  const original = dns.lookup;
  dns.lookup = function lookup(hostname, options, callback) {
    const done = typeof options === 'function' ? options : callback;
    const settings =
      typeof options === 'function'
        ? {}
        : typeof options === 'number'
          ? { family: options }
          : options;
    if (isIP(hostname) !== 0 || hostname === 'localhost') {
      original.call(dns, hostname, settings, done);
      return;
    }
    fetch(`${base}&name=${encodeURIComponent(hostname)}`).then(
      async (response) => {
        const answer = response.ok ? await response.json() : undefined;
        if (answer === undefined) {
          const error = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          Object.assign(error, {
            code: 'ENOTFOUND',
            errno: -3008,
            syscall: 'getaddrinfo',
            hostname,
          });
          done(error);
        } else if (settings.all === true) {
          done(null, [{ address: answer.address, family: 4 }]);
        } else {
          done(null, answer.address, 4);
        }
      },
      (error) => {
        done(error);
      },
    );
  };
}
