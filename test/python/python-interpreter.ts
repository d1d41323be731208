/**
 * The Python interpreter the tests run Python nodes with: Debian's, which has numpy
 * (scripts/test-setup.sh installs it); `LP_TEST_PYTHON` overrides it.
 */
export const TEST_PYTHON = process.env['LP_TEST_PYTHON'] ?? '/usr/bin/python3';
