import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionFilePath, findConnection, removeConnectionFile, writeConnectionFile } from '../../shared/connection-file.js';

const configHome = () => ({ XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'taskfleet-config-')) });

describe('the connection file', () => {
  it('lives in the user config folder, readable by the user only', () => {
    const env = configHome();
    writeConnectionFile({ url: 'http://127.0.0.1:3000', token: 'tk' }, env);
    expect(connectionFilePath(env)).toBe(join(env.XDG_CONFIG_HOME, 'taskfleet', 'connection.json'));
    expect(statSync(connectionFilePath(env)).mode & 0o777).toBe(0o600);
    expect(findConnection(env)).toEqual({ url: 'http://127.0.0.1:3000', token: 'tk' });
  });

  it('gives way to TASKFLEET_URL and TASKFLEET_TOKEN', () => {
    const env = configHome();
    writeConnectionFile({ url: 'http://127.0.0.1:3000', token: 'tk' }, env);
    expect(findConnection({ ...env, TASKFLEET_URL: 'https://api.example', TASKFLEET_TOKEN: 'other' })).toEqual({ url: 'https://api.example', token: 'other' });
    expect(findConnection({ ...env, TASKFLEET_TOKEN: 'other' })).toEqual({ url: 'http://127.0.0.1:3000', token: 'other' });
  });

  it('is removed only by the stack that wrote it', () => {
    const env = configHome();
    writeConnectionFile({ url: 'http://127.0.0.1:4000', token: 'new' }, env);
    removeConnectionFile('http://127.0.0.1:3000', env);
    expect(findConnection(env)?.url).toBe('http://127.0.0.1:4000');
    removeConnectionFile('http://127.0.0.1:4000', env);
    expect(findConnection(env)).toBeUndefined();
  });
});
