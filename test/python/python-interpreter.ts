/**
 * The Python interpreter the tests run Python nodes with: Debian's, which has numpy and
 * msgpack (scripts/test-setup.sh installs them); `LP_TEST_PYTHON` overrides it.
 */
export const TEST_PYTHON = process.env['LP_TEST_PYTHON'] ?? '/usr/bin/python3';
