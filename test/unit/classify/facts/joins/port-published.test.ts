import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { portPublished } from '../../../../../lambdas/core/classify/facts/joins/port-published.js';
import { joined } from './join-input.js';

const PS_HEADER =
  'CONTAINER ID   IMAGE     COMMAND                  CREATED         STATUS         PORTS                                   NAMES';
const ps = (...rows: string[]) => [PS_HEADER, ...rows].join('\n');
// The collector's net.sockets: the host's ss, then each container's namespace under its heading.
const sockets = (...blocks: string[]) =>
  [
    '# host',
    'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
    'LISTEN 0      4096   0.0.0.0:8080       0.0.0.0:*     users:(("docker-proxy",pid=901,fd=4))',
    ...blocks,
  ].join('\n');
const WEB_ROW =
  'a1b2c3d4e5f6   nginx     "/docker-entrypoint.…"   2 minutes ago   Up 2 minutes   0.0.0.0:8080->80/tcp, :::8080->80/tcp   web';

describe('port.published (docker published ports joined with the container listeners)', () => {
  it('finds a published port whose server listens only on loopback in the container', () => {
    const facts = joined(portPublished, {
      'docker.ps': ps(WEB_ROW),
      'net.sockets': sockets('# netns container=web pid=4242', 'LISTEN 0 0 127.0.0.1:80 0.0.0.0:*'),
    });
    expect(facts).toEqual([
      {
        container: 'web',
        hostIp: '0.0.0.0',
        hostPort: 8080,
        containerPort: 80,
        listener: 'loopback',
        listenerAddress: '127.0.0.1',
        starting: false,
        otherPorts: null,
      },
    ]);
  });

  it('finds a published port with no listener in the container namespace (the host docker-proxy does not count)', () => {
    const facts = joined(portPublished, {
      'docker.ps': ps(WEB_ROW),
      'net.sockets': sockets('# netns container=web pid=4242', 'LISTEN 0 0 0.0.0.0:7687 0.0.0.0:*'),
    });
    expect(facts).toMatchObject([{ container: 'web', containerPort: 80, listener: 'none' }]);
  });

  it('a container namespace listed with no LISTEN row at all has no listener', () => {
    const facts = joined(portPublished, {
      'docker.ps': ps(WEB_ROW),
      'net.sockets': sockets('# netns container=web pid=4242'),
    });
    expect(facts).toMatchObject([{ listener: 'none' }]);
  });

  it('marks a container up for seconds only (the server may not have bound yet)', () => {
    const facts = joined(portPublished, {
      'docker.ps': ps(WEB_ROW.replace('Up 2 minutes', 'Up 4 seconds')),
      'net.sockets': sockets('# netns container=web pid=4242'),
    });
    expect(facts).toMatchObject([{ listener: 'none', starting: true, otherPorts: 0 }]);
  });

  it("joins the collector's own output: httpd bound 8081 while docker publishes 8080 (recorded fault)", () => {
    const bundle = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '../../../../fixtures/recorded/docker-port-not-listening.json'),
        'utf8',
      ),
    ) as { sections: Record<string, { output?: string }> };
    const sections = Object.fromEntries(
      Object.entries(bundle.sections).map(([k, v]) => [k, v.output ?? '']),
    );
    // docker ps and inspect (whose GraphDriver also has a Name) agree on one container and port.
    expect(joined(portPublished, sections)).toEqual([
      expect.objectContaining({
        container: 'pm-web',
        containerPort: 8080,
        listener: 'none',
        otherPorts: 1,
      }),
    ]);
  });

  it('a listener on all addresses (or the container address) is reachable', () => {
    const facts = joined(portPublished, {
      'docker.ps': ps(WEB_ROW),
      'net.sockets': sockets(
        '# netns container=web pid=4242',
        'LISTEN 0 0 127.0.0.1:80 0.0.0.0:*',
        'LISTEN 0 0 [::]:80 [::]:*',
      ),
    });
    expect(facts).toMatchObject([{ listener: 'reachable', listenerAddress: '::' }]);
  });

  it('negative: a loopback listener on a port nobody publishes is no fact (gunicorn behind nginx)', () => {
    const facts = joined(portPublished, {
      'docker.ps': ps(
        WEB_ROW,
        'f6e5d4c3b2a1   app       "gunicorn app:app"       2 minutes ago   Up 2 minutes                                           app',
      ),
      'net.sockets': sockets(
        '# netns container=web pid=4242',
        'LISTEN 0 0 0.0.0.0:80 0.0.0.0:*',
        '# netns container=app pid=4343',
        'LISTEN 0 0 127.0.0.1:8000 0.0.0.0:*',
      ),
    });
    expect(facts).toEqual([expect.objectContaining({ container: 'web', listener: 'reachable' })]);
  });

  it('without a namespace listing, reads the address the container log announced, inside the window', () => {
    const sections = {
      'docker.ps': ps(
        'a1b2c3d4e5f6   app   "gunicorn"   1 minute ago   Up 1 minute   0.0.0.0:8000->8000/tcp   app',
      ),
      'docker.logs':
        '# logs container=app (last 60 lines of the window)\n2026-12-02T10:00:01.000Z [INFO] Listening at: http://127.0.0.1:8000 (7)',
    };
    expect(joined(portPublished, sections)).toMatchObject([
      { listener: 'loopback', listenerAddress: '127.0.0.1' },
    ]);
    // The same announcement from before the incident window proves nothing.
    expect(joined(portPublished, sections, () => false)).toMatchObject([{ listener: 'unknown' }]);
  });

  it('the unscoped host listing never decides: without a container listing the answer is unknown', () => {
    const facts = joined(portPublished, {
      'docker.ps': ps(WEB_ROW),
      'net.sockets': 'LISTEN 0 0 127.0.0.1:80 0.0.0.0:*',
    });
    expect(facts).toMatchObject([{ listener: 'unknown' }]);
  });

  it('reads docker inspect bindings; ExposedPorts and null bindings publish nothing', () => {
    const inspect = [
      '[',
      '  {',
      '    "Name": "/api",',
      '    "Config": { "ExposedPorts": {',
      '      "9000/tcp": {}',
      '    } },',
      '    "NetworkSettings": {',
      '      "Ports": {',
      '        "5000/tcp": [',
      '          { "HostIp": "0.0.0.0", "HostPort": "5000" }',
      '        ],',
      '        "9000/tcp": null',
      '      }',
      '    }',
      '  }',
      ']',
    ].join('\n');
    const facts = joined(portPublished, {
      'docker.inspect': inspect,
      'net.sockets': sockets('# netns container=api pid=77', 'LISTEN 0 0 [::1]:5000 [::]:*'),
    });
    expect(facts).toEqual([
      {
        container: 'api',
        hostIp: '0.0.0.0',
        hostPort: 5000,
        containerPort: 5000,
        listener: 'loopback',
        listenerAddress: '::1',
        starting: false,
        otherPorts: null,
      },
    ]);
  });

  it('a stopped container publishes nothing; an unnamed listing does not join when two containers publish', () => {
    expect(
      joined(portPublished, {
        'docker.ps': ps(
          'a1b2c3d4e5f6   nginx   "nginx"   2 hours ago   Exited (0) 1 hour ago   0.0.0.0:8080->80/tcp   web',
        ),
      }),
    ).toEqual([]);
    const facts = joined(portPublished, {
      'docker.ps': ps(
        WEB_ROW,
        'b1b2c3d4e5f6   nginx   "nginx"   2 minutes ago   Up 2 minutes   0.0.0.0:8081->80/tcp   web2',
      ),
      'docker.logs': 'Listening on 127.0.0.1:80',
    });
    expect(facts.map((f) => f.listener)).toEqual(['unknown', 'unknown']);
  });
});
