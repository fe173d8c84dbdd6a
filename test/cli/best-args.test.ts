import { expect, test } from 'vitest';
import { configArgs } from '../../src/cli/best.js';
import { expandCommand } from '../../worker/command-macros.js';

const config = { lr: 0.01, opt: { name: 'adam', betas: { b1: 0.9 } }, flag: true, none: null, layers: [1, 2], note: "it's big" };

test('best --format args prints what the agent passed as ${args}, shell-quoted for pasting', () => {
  expect(configArgs(config).join(' ')).toBe("--lr=0.01 --opt.name=adam --opt.betas.b1=0.9 --flag=True --none=None '--layers=[1,2]' '--note=it'\\''s big'");
  const agentArgv = expandCommand(['${args}'], { config, interpreter: 'python3', paramsFile: '/tmp/p.json', env: {} });
  const unquoted = configArgs(config).map((a) => (a.startsWith("'") ? a.slice(1, -1).replace(/'\\''/g, "'") : a));
  expect(unquoted).toEqual(agentArgv);
});
