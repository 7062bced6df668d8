import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.js';

describe('readConfig: the identity provider and unsigned exchange settings', () => {
  it('reads WARDEN_OIDC_ALLOWED_HOSTS as a comma-separated list of hosts, none by default', () => {
    expect(readConfig({}).oidcAllowedHosts).toEqual([]);
    expect(readConfig({ WARDEN_OIDC_ALLOWED_HOSTS: ' idp.corp.example , 10.0.0.5,,' }).oidcAllowedHosts).toEqual(['idp.corp.example', '10.0.0.5']);
  });

  it('reads WARDEN_UNSIGNED_EXCHANGES_PER_MINUTE as a whole number (0: no ceiling), and refuses anything else', () => {
    expect(readConfig({}).unsignedExchangesPerMinute).toBeUndefined();
    expect(readConfig({ WARDEN_UNSIGNED_EXCHANGES_PER_MINUTE: '0' }).unsignedExchangesPerMinute).toBe(0);
    expect(readConfig({ WARDEN_UNSIGNED_EXCHANGES_PER_MINUTE: '30' }).unsignedExchangesPerMinute).toBe(30);
    for (const bad of ['-1', '2.5', 'lots']) expect(() => readConfig({ WARDEN_UNSIGNED_EXCHANGES_PER_MINUTE: bad })).toThrow(ConfigError);
  });
});

describe('readConfig: the metrics listener', () => {
  it('listens on 127.0.0.1:9464 by default, WARDEN_METRICS_PORT=0 turns it off, and a port that is not one is refused', () => {
    expect(readConfig({})).toMatchObject({ metricsPort: 9464, metricsHost: '127.0.0.1' });
    // warden worker's own default, so that it and a server on one host both listen; the variable sets both.
    expect(readConfig({}).workerMetricsPort).toBe(9465);
    expect(readConfig({ WARDEN_METRICS_PORT: '9100' })).toMatchObject({ metricsPort: 9100, workerMetricsPort: 9100 });
    expect(readConfig({ WARDEN_METRICS_PORT: '0' }).workerMetricsPort).toBe(0);
    expect(readConfig({ WARDEN_METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(readConfig({ WARDEN_METRICS_PORT: '9100', WARDEN_METRICS_HOST: '0.0.0.0' })).toMatchObject({ metricsPort: 9100, metricsHost: '0.0.0.0' });
    for (const bad of ['-1', '65536', '1.5', 'prometheus']) expect(() => readConfig({ WARDEN_METRICS_PORT: bad })).toThrow(/WARDEN_METRICS_PORT must be a port number/);
  });
});

describe('readConfig: the call records', () => {
  it('records calls by default, WARDEN_AUDIT_RECORD_CALLS=false turns it off, and anything but true or false is refused', () => {
    expect(readConfig({}).recordCalls).toBe(true);
    expect(readConfig({ WARDEN_AUDIT_RECORD_CALLS: 'true' }).recordCalls).toBe(true);
    expect(readConfig({ WARDEN_AUDIT_RECORD_CALLS: 'false' }).recordCalls).toBe(false);
    for (const bad of ['no', '0', 'FALSE']) expect(() => readConfig({ WARDEN_AUDIT_RECORD_CALLS: bad })).toThrow(/WARDEN_AUDIT_RECORD_CALLS must be true or false/);
  });

  it('keeps them 90 days by default (CloudTrail event history), or WARDEN_AUDIT_RETENTION_DAYS whole days of at least 1', () => {
    expect(readConfig({}).auditRetentionDays).toBe(90);
    expect(readConfig({ WARDEN_AUDIT_RETENTION_DAYS: '400' }).auditRetentionDays).toBe(400);
    for (const bad of ['0', '-3', '1.5', 'forever']) expect(() => readConfig({ WARDEN_AUDIT_RETENTION_DAYS: bad })).toThrow(/WARDEN_AUDIT_RETENTION_DAYS/);
  });
});

describe('readConfig: the last-accessed counters', () => {
  it('counts by default, WARDEN_LAST_ACCESSED=false turns them off, and anything but true or false is refused', () => {
    expect(readConfig({}).lastAccessed).toBe(true);
    expect(readConfig({ WARDEN_LAST_ACCESSED: 'true' }).lastAccessed).toBe(true);
    expect(readConfig({ WARDEN_LAST_ACCESSED: 'false' }).lastAccessed).toBe(false);
    for (const bad of ['0', 'off', 'FALSE']) expect(() => readConfig({ WARDEN_LAST_ACCESSED: bad })).toThrow(/WARDEN_LAST_ACCESSED must be true or false/);
  });
});
