/**
 * A launch type added from a test folder (`toy/`: its descriptor and its backend) with one
 * line, which then passes the shared launch suite like a shipped one.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { registerLaunchType } from '../../../src/launcher/options/launch-types.ts';
import { launchSuite } from '../../helpers/launch-suite.ts';
import { makeServicesProgram } from '../../fixtures/services.ts';
import { toyLaunchType } from './toy/launch-type.ts';

registerLaunchType(toyLaunchType);

// Not a shipped launch type: the public union does not name it.
const TOY = 'toy' as lp.LaunchType;

describe('a toy launch type from a test folder', () => {
  launchSuite(TOY);

  it('is named by its alias too, and the launch reports its name', async () => {
    const { program, echo } = makeServicesProgram();
    await using running = lp.launch(program, { launchType: 'toy_mp' as lp.LaunchType });
    expect(running.launchType).toBe('toy');
    expect(await running.client(echo).add(1, 2)).toBe(3);
  });

  it('is refused once registered: a name names one launch type', () => {
    expect(() => {
      registerLaunchType(toyLaunchType);
    }).toThrow('Launch type toy is already registered.');
  });
});
